"""Scoring role-play transcripts offline: criteria with evidence, the compliance verdict,
citations within the caller's access rights, and ``kamcoach coach score``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.coaching.roleplay import build_roleplay_service
from assistant.coaching.roleplay.compliance import UtteranceCompliance
from assistant.coaching.roleplay.evaluation import load_labelled
from assistant.coaching.roleplay.export import scorecard_markdown
from assistant.coaching.roleplay.transcript import Transcript, Turn, load_transcript
from assistant.retrieval.search import SearchFilters
from tests.support.factories import write

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "evals" / "coaching" / "roleplay_transcripts.yaml"
runner = CliRunner()

INTERNAL_COMPLIANCE_MD = """---
title: Alderwick compliance rules for customer meetings
doc_type: playbook
language: en
access: internal
source: test fixture
date: 2026-01-01
---
# Alderwick compliance rules

## Off-label, inducements, hospitality and patient data
Compliance rules: never promote off-label use, never link hospitality or inducements to a
decision, never take patient data; escalate doubts to compliance.
"""

PUBLIC_COACHING_MD = """---
title: Coaching KAM meetings
doc_type: best_practice
language: en
access: public
source: test fixture
date: 2026-01-01
---
# Coaching KAM meetings

## Open questions and compliance in role-play
In a role-play the observer checks open questions, the hidden agenda and compliance: off-label
claims and inducements fail the exercise.
"""


def labelled(transcript_id: str):
    return next(i for i in load_labelled(DEV_SET) if i.id == transcript_id)


@pytest.fixture
def roleplay(services):
    return build_roleplay_service(services)


def test_strong_transcript_meets_every_criterion_with_quotes_from_the_kam(roleplay) -> None:
    item = labelled("rp-dev-en-01")
    card = roleplay.score_transcript(item.transcript)
    kam_text = " ".join(item.transcript.kam_turns())
    assert card.passed and card.score == 1.0
    assert {c.id: c.result for c in card.criteria} == item.labels
    for criterion in card.criteria:
        if criterion.id != "compliance":
            assert criterion.evidence and criterion.evidence in kam_text
    assert len(card.strengths) == len(card.criteria) and not card.compliance_failed


def test_a_compliance_breach_fails_the_session_whatever_the_rest(roleplay) -> None:
    item = labelled("rp-dev-en-01")
    turns = list(item.transcript.turns)
    turns.insert(
        -1, Turn("kam", "And if you list Corvalen, we can sponsor your trip to the congress.")
    )
    card = roleplay.score_transcript(Transcript(turns, item.scenario_id, "en"))
    assert card.compliance_failed and not card.passed and card.score == 0.0
    # Everything else was still good, and is still shown as such.
    assert all(c.result == "met" for c in card.criteria if c.id != "compliance")
    assert 0.0 < card.criteria_score < 1.0
    compliance = next(c for c in card.criteria if c.id == "compliance")
    assert compliance.result == "missing" and "sponsor your trip" in compliance.evidence
    assert [b.rule for b in card.breaches] == ["inducement"]
    assert any("Inducement" in line for line in card.feedback)


@pytest.mark.parametrize(
    "sentence, rule",
    [
        ("It works really well in children too, several paediatricians use it.", "off-label-claim"),
        ("If the committee lists it, we can sponsor your trip to the congress.", "inducement"),
        ("I guarantee you will save money in the first year.", "guaranteed-outcome"),
        ("Could you send me the patient names so we can follow them up?", "patient-data"),
        ("其實小孩也可以用，效果很好。", "off-label-claim"),
        ("如果貴院這次讓新藥進藥，我們可以贊助您出國開會。", "inducement"),
        ("我保證貴院一年內一定能省下一大筆費用。", "guaranteed-outcome"),
        ("請個管師把病人名單給我，我們來追蹤。", "patient-data"),
    ],
)
def test_compliance_rules_catch_breaches(roleplay, sentence, rule) -> None:
    checker = UtteranceCompliance(roleplay.context.library)
    assert [b.rule for b in checker.check(sentence)] == [rule]


@pytest.mark.parametrize(
    "sentence",
    [
        "It is only approved for adults, so I can't discuss children; Medical Information can.",
        "Sorry, our code doesn't allow us to sponsor your trip; it has nothing to do with listing.",
        "Nobody can guarantee savings; here is the pessimistic scenario with its sources.",
        "We only use aggregated, de-identified data that stays in the hospital.",
        "We can build the budget impact model with your own patient numbers.",
        "Capacity is not cash; it turns into money if you use the chairs for your waiting list.",
        "很抱歉，依照公司規範，我不能贊助您出國，這和進藥無關。",
        "病人名單我不能收，我們可以用去識別化、彙總的資料評估療效。",
    ],
)
def test_declining_and_ordinary_talk_are_not_breaches(roleplay, sentence) -> None:
    checker = UtteranceCompliance(roleplay.context.library)
    assert checker.check(sentence) == []


def test_scorecard_json_shape(roleplay) -> None:
    card = roleplay.score_transcript(labelled("rp-dev-zh-01").transcript)
    data = card.as_dict()
    assert 0.0 <= data["score"] <= 1.0 and data["language"] == "zh-Hant"
    assert {
        "criteria",
        "feedback",
        "citations",
        "compliance_failed",
        "strengths",
        "improvements",
        "passed",
        "breaches",
    } <= data.keys()
    for criterion in data["criteria"]:
        assert {"id", "name", "result", "evidence"} <= criterion.keys()
        assert criterion["result"] in ("met", "missing")
    assert data["feedback"][0].startswith("分數")
    markdown = scorecard_markdown(card, roleplay.context.library)
    assert "角色扮演評分表" in markdown and "| 開場與目的 |" in markdown


def test_citations_come_from_the_knowledge_base_within_the_access_filter(
    services, tmp_path
) -> None:
    docs = tmp_path / "docs"
    write(docs / "internal.md", INTERNAL_COMPLIANCE_MD)
    write(docs / "coaching.md", PUBLIC_COACHING_MD)
    services.ingestor.ingest([docs], "kb")
    breach = labelled("rp-dev-en-03").transcript  # off-label claim, few open questions
    everyone = build_roleplay_service(services).score_transcript(breach)
    assert any(c.passage.access == "internal" for c in everyone.citations)
    public = build_roleplay_service(services, SearchFilters(access=("public",)))
    card = public.score_transcript(breach)
    assert card.citations and all(c.passage.access == "public" for c in card.citations)
    assert [c.n for c in card.citations] == list(range(1, len(card.citations) + 1))
    assert all(c.reason for c in card.citations)


def _closing_result(roleplay, transcript_id: str, *replies: tuple[str, str]) -> str:
    """The next-step verdict of a labelled transcript with these (role, text) turns added."""
    item = labelled(transcript_id)
    turns = [*item.transcript.turns, *(Turn(role, text) for role, text in replies)]
    card = roleplay.score_transcript(Transcript(turns, item.scenario_id, item.language))
    return next(c.result for c in card.criteria if c.id == "next_step")


@pytest.mark.parametrize(
    ("transcript_id", "refusal", "acceptance"),
    [
        (
            "rp-dev-en-01",
            "No thanks. I'm not going to book anything until finance has signed off.",
            "All right. Send me the proposal and let's put the session in the diary. Thank you.",
        ),
        (
            "rp-dev-zh-05",
            "不用了，模型我們自己會算，暫時不需要再約。",
            "好，你跟我的財務分析師約時間，模型先寄過來。",
        ),
    ],
    ids=["en", "zh-Hant"],
)
def test_a_refused_close_is_not_a_next_step_and_an_accepted_one_is(
    roleplay, transcript_id: str, refusal: str, acceptance: str
) -> None:
    # The transcript ends on the KAM's proposal (labelled met): no reply, nothing refused.
    assert labelled(transcript_id).labels["next_step"] == "met"
    assert _closing_result(roleplay, transcript_id) == "met"
    assert _closing_result(roleplay, transcript_id, ("persona", refusal)) == "missing"
    assert _closing_result(roleplay, transcript_id, ("persona", acceptance)) == "met"


def test_the_answer_to_the_last_proposal_decides(roleplay) -> None:
    refused = ("persona", "We'll call you if we need anything. I am not convinced yet.")
    smaller = ("kam", "Then may I send you the one-page summary by Friday and call on Monday?")
    agreed = ("persona", "Fine, send it and we will talk on Monday.")
    assert _closing_result(roleplay, "rp-dev-en-01", refused, smaller, agreed) == "met"
    assert _closing_result(roleplay, "rp-dev-en-01", refused, smaller) == "met"  # unanswered
    thanks = ("kam", "I understand. Thank you for your time today.")
    assert _closing_result(roleplay, "rp-dev-en-01", refused, thanks) == "missing"


def test_transcript_without_a_scenario_is_scored_on_the_core_rubric(roleplay) -> None:
    item = labelled("rp-dev-en-07")
    card = roleplay.score_transcript(item.transcript)
    results = {c.id: c.result for c in card.criteria}
    assert card.scenario_id is None and "refer_correctly" not in results
    for criterion, label in item.labels.items():
        assert results[criterion] == label


# -- transcript files and the CLI ------------------------------------------------------------


def test_text_transcript_is_read_by_speaker(tmp_path: Path) -> None:
    path = tmp_path / "meeting.txt"
    path.write_text(
        "Customer: Come in.\nKAM: Thanks. Today I'd like to understand your priorities.\n"
        "  What matters most this year?\n**Dr Lee**: Budget.\n",
        encoding="utf-8",
    )
    transcript = load_transcript(path)
    assert [t.role for t in transcript.turns] == ["persona", "kam", "persona"]
    assert transcript.turns[1].text.endswith("What matters most this year?")


def test_cli_scores_a_yaml_transcript_as_json(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    item = labelled("rp-dev-en-04")
    path = tmp_path / "session.yaml"
    turns = [{"role": t.role, "text": t.text} for t in item.transcript.turns]
    path.write_text(
        yaml.safe_dump({"scenario": item.scenario_id, "turns": turns}), encoding="utf-8"
    )
    result = runner.invoke(app, ["coach", "score", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] == 1.0 and data["scenario"] == item.scenario_id
    assert {c["id"]: c["result"] for c in data["criteria"]} == item.labels
    assert all({"name", "result", "evidence"} <= c.keys() for c in data["criteria"])
    assert isinstance(data["feedback"], list) and isinstance(data["citations"], list)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.yaml", "", "the file is empty"),
        ("bad.yaml", "turns: [unclosed", "not valid YAML"),
        ("roles.yaml", "turns:\n  - {role: boss, text: hi}\n", "role 'boss'"),
        ("silent.yaml", "turns:\n  - {role: persona, text: hi}\n", "no turn by the KAM"),
        ("blank.yaml", "turns:\n  - {role: kam, text: ''}\n", "turn 1 is empty"),
        ("prose.txt", "just some words\n", "start each turn with the speaker"),
        ("unknown.yaml", "scenario: nope\nturns:\n  - {role: kam, text: hi}\n", "unknown scenario"),
    ],
)
def test_cli_bad_transcripts_get_a_clear_error(
    tmp_path, monkeypatch, name, content, message
) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["coach", "score", str(path), "--json"])
    assert result.exit_code == 1
    assert "error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_cli_missing_transcript_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    result = runner.invoke(app, ["coach", "score", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code == 1 and "transcript not found" in result.output
