"""The value proposition coach's offline checks: how a draft is cut into units, stakeholder
role phrases, cue groups matched by exemplar similarity, and the result of each criterion
(evidence, the compliance cap, grounding without objectives, who counts as a stakeholder)."""

from __future__ import annotations

import pytest

from assistant.coaching.value_prop.checks import split_units
from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.coaching.value_prop.roles import role_phrases
from assistant.coaching.value_prop.rubric import load_rubric
from assistant.prompts import PromptLibrary
from tests.support.value_prop_drafts import ACCOUNT, STRONG, results


@pytest.fixture
def coach(services) -> ValuePropCoach:
    return ValuePropCoach(services.coach_context())


def test_units_split_sentences_clauses_and_bullets() -> None:
    units = split_units("- First point; second point.\n2. Third point。第四點；第五點")
    assert units == ["First point", "second point.", "Third point。", "第四點；", "第五點"]


def test_role_phrases_use_core_words_and_synonyms() -> None:
    criterion = next(
        c for c in load_rubric(PromptLibrary()).criteria if c.id == "stakeholder_tailoring"
    )
    assert "care management" in role_phrases("Director of care management", criterion)
    cfo = role_phrases("Chief Financial Officer", criterion)
    assert "cfo" in cfo and "finance director" in cfo
    assert "藥劑部" in role_phrases("藥劑部主任", criterion)


def test_cue_groups_match_by_exemplar_similarity() -> None:
    from assistant.coaching.value_prop.checks import ValuePropChecker
    from assistant.coaching.value_prop.rubric import CueGroup
    from assistant.embeddings.encoders import HashEmbeddings

    checker = ValuePropChecker(load_rubric(PromptLibrary()), HashEmbeddings())
    exemplar = "We hold a joint demand forecasting meeting every month."
    group = CueGroup("forecast", (), (), (exemplar,), 0.9)
    draft = f"Our tablet is small. {exemplar} Prices are fair."
    assert checker.group_units("test", group, draft) == [exemplar]
    assert checker.group_units("test", group, "Our tablet is small. Prices are fair.") == []


def test_strong_draft_meets_the_rubric_with_evidence(coach: ValuePropCoach) -> None:
    report = coach.review(ACCOUNT, STRONG, cite=False)
    got = results(report)
    assert got == {criterion: "met" for criterion in got}
    assert report.language == "en" and report.kind == "value_proposition"
    assert report.score == pytest.approx(1.0)
    for criterion in report.criteria:
        if criterion.id != "compliant":
            assert criterion.evidence and criterion.evidence.split(" … ")[0] in STRONG


@pytest.mark.parametrize(
    "draft",
    [
        "Doctors can also prescribe it for children, although it is not approved for them.",
        "We will pay a bonus to the pharmacists for every pack they dispense above target.",
        "If the committee lists our drug, we will sponsor their trip to the congress.",
        "We guarantee that every patient will be in remission within six months.",
        "Unlike RivalPharm, whose tablets are unsafe, our medicine is modern.",
        "雖然仿單外的族群還沒核准，醫師也可以使用。",
        "只要門市優先推薦本公司的藥，每多調劑一盒就提供回饋金。",
        "我們的藥保證所有病人三個月內達標，完全沒有副作用。",
    ],
)
def test_non_compliant_drafts_are_missing_and_capped(coach: ValuePropCoach, draft: str) -> None:
    report = coach.review(ACCOUNT, f"{STRONG} {draft}", cite=False)
    assert results(report)["compliant"] == "missing"
    assert report.score <= 0.35 + 1e-9
    compliance = next(c for c in report.criteria if c.id == "compliant")
    assert compliance.evidence  # the offending sentence is quoted


def test_superlatives_are_partly_and_compliant_text_is_met(coach: ValuePropCoach) -> None:
    superlative = coach.review(ACCOUNT, f"{STRONG} It is the safest option.", cite=False)
    assert results(superlative)["compliant"] == "partly"
    negated = f"{STRONG} No fee is paid and nothing is linked to prescribing."
    assert results(coach.review(ACCOUNT, negated, cite=False))["compliant"] == "met"


def test_no_objectives_caps_grounding_at_partly(coach: ValuePropCoach) -> None:
    account = {**ACCOUNT, "objectives": [], "pain_points": []}
    report = coach.review(account, STRONG, cite=False)
    assert results(report)["grounded"] in ("partly", "missing")
    assert any("no objectives" in line for line in report.feedback)


def test_account_name_is_not_a_stakeholder(coach: ValuePropCoach) -> None:
    account = {**ACCOUNT, "name": "Central Logistics", "stakeholders": ["Logistics director"]}
    draft = "Central Logistics wants fewer stockouts; we propose joint forecasting."
    assert results(coach.review(account, draft, cite=False))["stakeholder_tailoring"] == "missing"
    ours = "For us, our logistics team will run joint forecasting."
    assert results(coach.review(account, ours, cite=False))["stakeholder_tailoring"] == "missing"
