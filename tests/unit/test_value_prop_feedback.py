"""The value proposition coach's feedback: specific feedback and next questions for a weak
draft, Chinese wording for a Chinese draft, citations within the access filter, and the
canvas (filled, exported as Markdown in both languages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.coaching.value_prop.canvas import ValuePropCanvas
from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.retrieval.search import SearchFilters
from tests.support.value_prop_drafts import (
    ACCOUNT,
    STRONG,
    WEAK,
    ZH_ACCOUNT,
    ZH_DRAFT,
    ingest_knowledge_base,
    results,
)


@pytest.fixture
def coach(services) -> ValuePropCoach:
    return ValuePropCoach(services.coach_context())


@pytest.fixture
def kb(tmp_path: Path, services) -> None:
    ingest_knowledge_base(tmp_path / "kb", services)


def test_weak_draft_scores_low_with_specific_feedback(coach: ValuePropCoach) -> None:
    weak = coach.review(ACCOUNT, WEAK, cite=False)
    strong = coach.review(ACCOUNT, STRONG, cite=False)
    got = results(weak)
    for criterion in ("grounded", "beyond_product", "stakeholder_tailoring", "measurable"):
        assert got[criterion] == "missing", criterion
    assert got["compliant"] == "met"
    assert weak.score < 0.3 < strong.score
    grounded = next(c for c in weak.criteria if c.id == "grounded")
    assert "Reduce 30-day heart failure readmissions" in grounded.feedback
    assert weak.feedback[0].startswith("Overall ")
    questions = weak.extras["next_questions"]
    assert any("Chief Financial Officer" in q for q in questions)
    assert any("Readmission penalties" in q for q in questions)


def test_chinese_draft_gets_chinese_feedback(coach: ValuePropCoach) -> None:
    report = coach.review(ZH_ACCOUNT, ZH_DRAFT, cite=False)
    assert report.language == "zh-Hant"
    got = results(report)
    assert got["grounded"] == "met" and got["stakeholder_tailoring"] == "met"
    assert got["measurable"] == "met" and got["mutual_value"] == "met"
    assert report.criteria[0].name == "立基於客戶自己的目標"
    assert report.feedback[0].startswith("整體")
    assert all("的" in q or "？" in q for q in report.extras["next_questions"])


def test_gaps_cite_public_passages_only(services, kb) -> None:
    coach = ValuePropCoach(services.coach_context(SearchFilters(access=("public",))))
    report = coach.review(ACCOUNT, WEAK)
    assert report.citations
    assert [c.n for c in report.citations] == list(range(1, len(report.citations) + 1))
    assert all(c.passage.access == "public" for c in report.citations)
    cited = {f"[{c.n}]" for c in report.citations}
    assert cited <= {part for line in report.feedback for part in line.split() if part[0] == "["}
    data = report.as_dict()
    assert {"source", "section", "quote", "reason"} <= set(data["citations"][0])


def test_without_filters_internal_passages_may_be_cited(services, kb) -> None:
    report = ValuePropCoach(services.coach_context()).review(ACCOUNT, WEAK)
    assert any(c.passage.access == "internal" for c in report.citations)


def test_canvas_is_filled_and_exported(coach: ValuePropCoach) -> None:
    report = coach.review(ACCOUNT, STRONG, cite=False)
    canvas = ValuePropCanvas.from_dict(report.extras["canvas"])
    assert canvas.as_dict() == report.extras["canvas"]
    assert canvas.account_type == "health_system" and canvas.level == 3
    assert [item.taken_up for item in canvas.jobs] == [True, True]
    assert canvas.services and canvas.measures and canvas.company_value and canvas.evidence
    assert canvas.stakeholders["Chief Financial Officer"].startswith("For the CFO")
    markdown = coach.canvas_markdown(report)
    assert markdown.startswith("# Value proposition canvas: Riverbend Health Network")
    assert "- [x] Reduce 30-day heart failure readmissions" in markdown
    assert "## Message per stakeholder" in markdown and "**P&T committee chair**" in markdown

    weak = coach.review(ACCOUNT, WEAK, cite=False)
    weak_md = coach.canvas_markdown(weak)
    assert "- [ ] Readmission penalties" in weak_md and "(to write)" in weak_md
    zh = coach.canvas_markdown(coach.review(ZH_ACCOUNT, ZH_DRAFT, cite=False))
    assert zh.startswith("# 價值主張畫布：安和醫療體系") and "## 各決策成員的訊息" in zh
