"""The KPI scorecard export (``kpi/scorecard.py``): CSV and Markdown, with a pipe in a KPI's
name kept in its cell."""

from __future__ import annotations

import csv
import io

import pytest

from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.scorecard import to_csv, to_markdown
from assistant.retrieval.search import SearchFilters
from tests.support.kpi_sets import SALES_ONLY, kpi, review


@pytest.fixture
def coach(services) -> MetricCoach:
    return MetricCoach(services.coach_context(SearchFilters(access=("public",))))


def test_scorecard_csv_and_markdown(coach: MetricCoach) -> None:
    report = review(coach, [*SALES_ONLY, kpi("Pipe | name", definition="odd | text")])
    rows = list(csv.reader(io.StringIO(to_csv(report.extras["scorecard"], coach.messages, "en"))))
    assert rows[0][:3] == ["No.", "KPI", "Leading/lagging"]
    assert len(rows) == 1 + 4 and rows[4][1] == "Pipe | name"
    assert {rows[1][6], rows[1][8]} <= {"met", "partly", "missing"}
    markdown = to_markdown(report, coach.messages)
    assert markdown.startswith("# KPI scorecard review") and "Pipe \\| name" in markdown
    table = [line for line in markdown.splitlines() if line.startswith("| 4 |")]
    assert len(table) == 1 and table[0].count(" | ") == 13
