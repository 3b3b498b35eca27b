"""Role-play offline: the scenario library, the objection-tree persona and the service, end to
end with hash embeddings (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.coaching.common.account import ACCOUNT_TYPES
from assistant.coaching.roleplay import (
    RolePlayError,
    ScenarioError,
    UnknownScenarioError,
    build_roleplay_service,
)
from assistant.coaching.roleplay.evaluation import load_labelled
from assistant.coaching.roleplay.rubric import RubricBook
from assistant.errors import KamError

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "evals" / "coaching" / "roleplay_transcripts.yaml"
WHOLESALER = "wholesaler-category-manager"


@pytest.fixture
def roleplay(services):
    return build_roleplay_service(services)


def kam_lines(transcript_id: str) -> list[str]:
    item = next(i for i in load_labelled(DEV_SET) if i.id == transcript_id)
    return item.transcript.kam_turns()


def scenario_yaml(roleplay, scenario_id: str = WHOLESALER, **changes) -> str:
    raw = yaml.safe_load(roleplay.scenarios.source_text(scenario_id))
    raw.update(changes)
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


# -- the scenario library ------------------------------------------------------------------


def test_bundled_library_covers_languages_accounts_and_levels(roleplay) -> None:
    scenarios = roleplay.scenarios.list()
    assert roleplay.scenarios.errors() == []
    assert len(scenarios) >= 8
    assert sum(s.language == "zh-Hant" for s in scenarios) >= 3
    assert {s.account_type for s in scenarios} == set(ACCOUNT_TYPES)
    assert {s.difficulty for s in scenarios} == {1, 2, 3}
    rubrics = RubricBook(roleplay.context.library)
    for scenario in scenarios:
        rubric = rubrics.get(scenario.rubric)
        assert any(c.check == "compliance" for c in rubric.criteria)
        assert scenario.summary()["persona_name"] == scenario.persona.name


def test_trainer_file_with_the_same_id_overrides_the_bundled_one(roleplay, services) -> None:
    folder = services.settings.data_dir / "scenarios"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text(
        scenario_yaml(roleplay, title="Our own version"), encoding="utf-8"
    )
    assert roleplay.scenarios.get(WHOLESALER).title == "Our own version"
    assert len(roleplay.scenarios.list()) == len({s.id for s in roleplay.scenarios.list()})


def test_save_validates_writes_and_records_the_author(roleplay, services) -> None:
    text = scenario_yaml(roleplay, id="trainer-wholesaler", title="Trainer's wholesaler")
    saved = roleplay.scenarios.save("# written in the editor\n" + text, "Grace")
    assert saved.id == "trainer-wholesaler" and saved.author == "Grace"
    path = services.settings.data_dir / "scenarios" / "trainer-wholesaler.yaml"
    assert path.is_file()
    assert not list(path.parent.glob(".*.tmp"))
    source = roleplay.scenarios.source_text("trainer-wholesaler")
    assert source.startswith("# written in the editor") and 'author: "Grace"' in source
    assert roleplay.scenarios.get("trainer-wholesaler").title == "Trainer's wholesaler"
    # Saving again replaces the file and the author.
    roleplay.scenarios.save(source, "Henry")
    assert roleplay.scenarios.get("trainer-wholesaler").author == "Henry"


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda raw: raw["persona"].pop("name"), "persona.name: required field is missing"),
        (lambda raw: raw.update(difficulty=5), "difficulty"),
        (lambda raw: raw.update(rubric="roleplay_nonexistent"), "rubric 'roleplay_nonexistent'"),
        (lambda raw: raw["account"].update(type="spaceship"), "not a known account type"),
        (lambda raw: raw["objections"][1].update(after=["ghost"]), "unknown objections"),
        (lambda raw: raw["objections"][0]["addressed_by"].update(cues=["(unclosed"]), "regular"),
        (lambda raw: raw.update(colour="blue"), "colour: unknown field"),
        (lambda raw: raw.update(hidden_concerns=[]), "hidden_concerns"),
        (
            lambda raw: raw["objections"][0].update(kind="trap", rule="rudeness"),
            "'accepted_by'",
        ),
        (
            lambda raw: raw["objections"][0].update(
                kind="trap", rule="rudeness", accepted_by={"cues": ["sure"]}
            ),
            "names rule 'rudeness'",
        ),
    ],
)
def test_save_rejects_a_bad_scenario_with_a_message_naming_the_field(
    roleplay, mutate, expected
) -> None:
    raw = yaml.safe_load(roleplay.scenarios.source_text(WHOLESALER))
    raw["id"] = "broken-one"
    mutate(raw)
    with pytest.raises(ScenarioError) as caught:
        roleplay.scenarios.save(yaml.safe_dump(raw, allow_unicode=True), "Grace")
    assert expected in str(caught.value)
    assert "broken-one" not in {s.id for s in roleplay.scenarios.list()}


def test_save_rejects_text_that_is_not_a_scenario(roleplay) -> None:
    with pytest.raises(ScenarioError, match="not valid YAML"):
        roleplay.scenarios.save("id: [unclosed", "Grace")
    with pytest.raises(ScenarioError, match="expected a mapping"):
        roleplay.scenarios.save("- just a list", "Grace")
    with pytest.raises(ScenarioError, match="author"):
        roleplay.scenarios.save(scenario_yaml(roleplay, id="no-author"), "  ")


def test_a_broken_trainer_file_is_reported_and_the_rest_still_load(roleplay, services) -> None:
    folder = services.settings.data_dir / "scenarios"
    folder.mkdir(parents=True)
    (folder / "half-written.yaml").write_text("id: half-written\ntitle: x\n", encoding="utf-8")
    problems = roleplay.scenarios.errors()
    assert len(problems) == 1
    assert "half-written.yaml" in problems[0] and "required field is missing" in problems[0]
    assert len(roleplay.scenarios.list()) >= 8


def test_unknown_scenario_names_the_available_ones(roleplay) -> None:
    with pytest.raises(UnknownScenarioError) as caught:
        roleplay.start("alice", "no-such-scenario")
    assert "unknown scenario 'no-such-scenario'" in str(caught.value)
    assert WHOLESALER in str(caught.value)


# -- the offline persona -------------------------------------------------------------------


def test_persona_skips_an_objection_the_kam_already_answered(roleplay) -> None:
    session, opening = roleplay.start("alice", WHOLESALER)
    assert opening.startswith("Hi, good to see you")
    reply = roleplay.say(
        session, "We will share a monthly demand forecast so you can size the cold-chain space."
    )
    # "space" was answered before it came up: the persona moves to what is still open.
    assert "scarcest resource" not in reply
    assert "short-dated or damaged stock" in reply


def test_unanswered_objection_is_pressed_then_dropped(roleplay) -> None:
    session, _ = roleplay.start("alice", WHOLESALER)  # level 1: presses once
    first = roleplay.say(session, "Hello Sofia.")
    assert "scarcest resource" in first
    second = roleplay.say(session, "Dermavel is a great product with an elegant pen.")
    assert second == "I need to know how fast it will move."
    third = roleplay.say(session, "Patients love the pen.")
    assert third.startswith("Let's leave that point for now.")
    state = roleplay.store.session(session).state
    assert state["items"]["space"]["status"] == "raised"


def test_a_probing_question_uncovers_the_hidden_concern(roleplay) -> None:
    session, _ = roleplay.start("alice", WHOLESALER)
    roleplay.say(session, "Thanks for your time.")
    reply = roleplay.say(session, "How is your own performance measured this year?")
    assert "service-level penalties" in reply
    assert roleplay.store.session(session).state["items"]["penalties"]["probe"]


def test_the_meeting_closes_on_a_next_step_once_points_are_answered(roleplay) -> None:
    session, _ = roleplay.start("alice", "idn-pharmacy-director-formulary")
    replies = [roleplay.say(session, line) for line in kam_lines("rp-dev-en-01")]
    assert (
        replies[-1]
        == "All right. Send me the proposal and let's put the session in the diary. Thank you."
    )
    assert roleplay.meeting_over(session)
    with pytest.raises(RolePlayError, match="ended the meeting"):
        roleplay.say(session, "One more thing...")


def test_an_impatient_persona_ends_the_meeting(roleplay) -> None:
    session, _ = roleplay.start("alice", "pt-committee-chair-evidence")  # level 3: 10 turns
    replies = [roleplay.say(session, f"Our product is excellent, point {n}.") for n in range(10)]
    assert replies[-1].endswith("I'm sorry, I have to stop here; my next meeting is starting.")
    assert roleplay.store.session(session).state["outcome"] == "out_of_time"


def test_the_persona_reacts_to_a_compliance_breach(roleplay) -> None:
    session, _ = roleplay.start("alice", "pt-committee-chair-evidence")
    reply = roleplay.say(session, "Honestly, it also works in children, many doctors use it.")
    assert reply.startswith("Hold on, as far as I know it is not approved for that.")


def test_chinese_scenario_answers_in_chinese(roleplay) -> None:
    session, opening = roleplay.start("alice", "zh-hospital-pharmacy-director")
    assert "二十分鐘" in opening
    reply = roleplay.say(session, "謝謝主任撥空。今年院方對藥劑部有什麼特別的目標或壓力嗎？")
    assert "藥費占比" in reply


# -- the service ---------------------------------------------------------------------------


def test_session_end_to_end_is_saved_and_scored(roleplay) -> None:
    session, _ = roleplay.start("alice", "idn-pharmacy-director-formulary")
    for line in kam_lines("rp-dev-en-01"):
        roleplay.say(session, line)
    scorecard = roleplay.end(session)
    assert scorecard.passed and not scorecard.compliance_failed
    record = roleplay.store.session(session)
    assert record.summary.status == "ended" and record.summary.score == scorecard.score
    assert [t.role for t in record.turns][:3] == ["persona", "kam", "persona"]
    assert [t.n for t in record.turns] == list(range(1, len(record.turns) + 1))
    assert {t.mode for t in record.turns if t.role == "persona"} == {"scripted"}
    # Ending again gives the stored scorecard; the session takes no more turns.
    assert roleplay.end(session).score == scorecard.score
    with pytest.raises(RolePlayError, match="already been scored"):
        roleplay.say(session, "Hello?")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_turn_gets_a_clear_message_and_is_not_saved(roleplay, text) -> None:
    session, _ = roleplay.start("alice", WHOLESALER)
    with pytest.raises(RolePlayError, match="Please type what you would say to Sofia Brandt"):
        roleplay.say(session, text)
    assert len(roleplay.store.session(session).turns) == 1


def test_an_empty_turn_in_a_chinese_session_gets_a_chinese_message(roleplay) -> None:
    session, _ = roleplay.start("alice", "zh-pharmacy-chain-category")
    with pytest.raises(RolePlayError, match="請輸入您要對陳志明經理說的話"):
        roleplay.say(session, "")


def test_bad_requests_get_clear_messages(roleplay) -> None:
    with pytest.raises(KamError, match="no role-play session 'nope'"):
        roleplay.say("nope", "Hello")
    with pytest.raises(RolePlayError, match="trainee's name"):
        roleplay.start("  ", WHOLESALER)
    session, _ = roleplay.start("alice", WHOLESALER)
    with pytest.raises(RolePlayError, match="nothing to score"):
        roleplay.end(session)
    with pytest.raises(RolePlayError, match="too long"):
        roleplay.say(session, "word " * 1000)
