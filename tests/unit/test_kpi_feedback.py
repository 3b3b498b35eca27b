"""The metric coach's feedback: balance gaps with suggestions cited from the knowledge base,
Chinese wording for a Chinese set, and the access filter keeping internal passages out."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.model import parse_kpis
from assistant.retrieval.search import SearchFilters
from tests.support.kpi_sets import (
    SALES_ONLY,
    ZH_ACCOUNT,
    ZH_KPIS,
    ingest_knowledge_base,
    results,
    review,
)


@pytest.fixture
def coach(services) -> MetricCoach:
    return MetricCoach(services.coach_context(SearchFilters(access=("public",))))


@pytest.fixture
def kb(tmp_path: Path, services) -> None:
    ingest_knowledge_base(tmp_path / "kb", services)


def test_sales_only_set_gets_balance_gaps_and_cited_suggestions(coach: MetricCoach, kb) -> None:
    report = review(coach, SALES_ONLY)
    got = results(report)
    for criterion in ("leading_lagging", "quant_qual", "time_horizon", "scope"):
        assert got[criterion] == "missing", criterion
    assert got["compliance"] == "met" and got["measurability"] == "met"
    kinds = {(s["for"], s["direction"]) for s in report.extras["suggestions"]}
    assert ("leading_lagging", "leading") in kinds
    assert report.citations and all(c.passage.access == "public" for c in report.citations)
    sources = {Path(c.passage.source).name for c in report.citations}
    assert "key-account-kpi-library.md" in sources
    assert any("[" in line and "Consider adding" in line for line in report.feedback)
    assert 0 < report.score < 0.6


def test_chinese_set_is_reviewed_in_chinese(coach: MetricCoach, kb) -> None:
    report = coach.review(AccountProfile.model_validate(ZH_ACCOUNT), parse_kpis(ZH_KPIS))
    assert report.language == "zh-Hant"
    assert report.criteria[0].name == "領先與落後指標的平衡"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in report.feedback)
    assert results(report)["objective_link"] == "met"
    assert report.extras["suggestions"] and report.extras["suggestions"][0]["name"][0] >= "\u3400"


def test_access_filter_keeps_internal_passages_out(services, kb) -> None:
    public = MetricCoach(services.coach_context(SearchFilters(access=("public",))))
    report = review(public, SALES_ONLY)
    assert report.citations and all(c.passage.access == "public" for c in report.citations)
    everyone = MetricCoach(services.coach_context())
    sources = {c.passage.source for c in review(everyone, SALES_ONLY).citations}
    assert any("internal-kpi-targets" in s for s in sources)
