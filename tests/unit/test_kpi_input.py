"""The metric coach's input (``kpi/model.py``): the KPI file is read and its values become
text, bad files get one clear message, and a set of nonsense KPIs is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.model import KpiSetError, load_metrics_file
from assistant.errors import KamError
from assistant.retrieval.search import SearchFilters
from tests.support.kpi_sets import ACCOUNT, SALES_ONLY, review, write_kpi_file


@pytest.fixture
def coach(services) -> MetricCoach:
    return MetricCoach(services.coach_context(SearchFilters(access=("public",))))


def test_metrics_file_is_read_and_values_become_text(tmp_path: Path) -> None:
    data = {
        "account": ACCOUNT,
        "kpis": [{"name": "DMU coverage", "target": 85, "owner": ["KAM", "MSL"]}],
    }
    account, kpis = load_metrics_file(write_kpi_file(tmp_path, data))
    assert account.type == "health_system" and account.lifecycle_stage == "growth"
    assert kpis[0].target == "85" and kpis[0].owner == "KAM, MSL" and kpis[0].formula == ""


@pytest.mark.parametrize(
    "content, message",
    [
        ("account: {type: payer\nkpis: [", "not valid YAML"),
        ({"account": ACCOUNT, "kpis": []}, "'kpis' is empty"),
        ({"account": ACCOUNT}, "'kpis' is missing"),
        ({"account": ACCOUNT, "kpis": "sales"}, "must be a list of KPIs"),
        ({"account": ACCOUNT, "kpis": [{"definition": "x"}]}, "kpis.1: 'name' is required"),
        ({"account": ACCOUNT, "kpis": [{"name": "A", "formla": "x"}]}, "did you mean 'formula'"),
        ({"account": ACCOUNT, "kpis": [{"name": "A", "target": {"x": 1}}]}, "must be text"),
        ({"account": ACCOUNT, "kpis": [3]}, "each KPI must be a mapping"),
        ({"account": ACCOUNT, "kpis": ["Sales", "sales"]}, "have the same name"),
        ({"account": ACCOUNT, "kpi": [{"name": "A"}]}, "did you mean 'kpis'"),
        ({"kpis": [{"name": "A"}]}, "'account' is missing"),
        ({"account": {**ACCOUNT, "level": 9}, "kpis": [{"name": "A"}]}, "must be 1, 2 or 3"),
        ({"account": ACCOUNT, "kpis": [{"name": f"K{i}"} for i in range(31)]}, "six to ten"),
    ],
)
def test_bad_files_get_clear_messages(tmp_path: Path, content, message: str) -> None:
    with pytest.raises(KamError, match=re.escape(message)):
        load_metrics_file(write_kpi_file(tmp_path, content))


def test_nonsense_kpis_are_refused_with_a_message(coach: MetricCoach) -> None:
    with pytest.raises(KpiSetError, match="None of the 2 KPIs reads like a measure"):
        review(coach, [{"name": "qwzx plorb"}, {"name": "zzkv blorf"}])
    # One nonsense KPI among real ones is flagged, not refused.
    report = review(coach, [*SALES_ONLY, {"name": "qwzx plorb"}])
    row = report.extras["scorecard"][-1]
    assert "not recognisable as a KPI" in row["issues"]
