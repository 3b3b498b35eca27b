"""The generative persona: held to the scenario with a scripted fake model, and against a real
llama.cpp server (SmolLM2-135M)."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, SystemMessage

from assistant.coaching.roleplay import build_roleplay_service
from assistant.config import Settings
from assistant.services import build_services
from tests.support.fakes import CountingHashEmbeddings

IDN = "idn-pharmacy-director-formulary"
HELLO = "Good morning Dr Marsh, thank you for your time."


def fake_roleplay(data_dir: Path, *replies: str):
    model = GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies]))
    services = build_services(
        Settings(data_dir=data_dir, embeddings="hash"), CountingHashEmbeddings(), model
    )
    return services, build_roleplay_service(services)


class BrokenModel(GenericFakeChatModel):
    """A model whose server went away."""

    def _generate(self, *args, **kwargs):
        raise ConnectionError("connection refused")


def modes(roleplay, session: str) -> list[str]:
    return [t.mode for t in roleplay.store.session(session).turns if t.role == "persona"]


def test_a_reply_in_character_is_used_and_saved_as_llm(tmp_path: Path) -> None:
    reply = "Well, our current therapy costs a third of yours. How would that ever fit my budget?"
    services, roleplay = fake_roleplay(tmp_path / "data", reply)
    assert roleplay.mode == "llm"
    session, _ = roleplay.start("alice", IDN)
    assert roleplay.say(session, HELLO) == reply
    assert modes(roleplay, session) == ["scripted", "llm"]
    # The tree still moved: the objection the model was told to raise is now open.
    assert roleplay.store.session(session).state["current"] == "cost"
    services.close()


@pytest.mark.parametrize(
    "reply, why",
    [
        ("As an AI language model, I cannot have a budget.", "out of character"),
        ("This role-play scenario says I worry about costs.", "mentions the role-play"),
        ("財務部要求我今年把藥費降低百分之四。", "another language"),
        (
            "Finance has ordered a four percent cut in system drug spend this year, so anything "
            "that adds cost must be offset elsewhere.",
            "reveals the hidden concern before the KAM asked",
        ),
        ("", "empty"),
        ("Lovely weather today, isn't it?", "does not raise the point it was told to"),
        ("Good morning Dr Marsh, thank you for your time.", "parrots the KAM"),
    ],
)
def test_a_reply_that_breaks_the_scenario_is_replaced_by_the_scripted_line(
    tmp_path: Path, reply: str, why: str
) -> None:
    services, roleplay = fake_roleplay(tmp_path / "data", reply)
    session, _ = roleplay.start("alice", IDN)
    said = roleplay.say(session, HELLO)
    assert said.startswith("Honestly, Corvalen costs about three times"), why
    assert modes(roleplay, session) == ["scripted", "scripted"]
    services.close()


def test_a_looping_reply_is_trimmed_and_a_repeated_one_replaced(tmp_path: Path) -> None:
    looping = "My budget is capped. My budget is capped. My budget is capped. Costs three times!"
    services, roleplay = fake_roleplay(tmp_path / "data", looping, "My budget is capped.")
    session, _ = roleplay.start("alice", IDN)
    assert roleplay.say(session, HELLO) == "My budget is capped. Costs three times!"
    again = roleplay.say(session, "Our product is excellent.")
    assert again == "I still haven't heard how this fits a drug budget that is already capped."
    assert modes(roleplay, session) == ["scripted", "llm", "scripted"]
    services.close()


def test_the_hidden_concern_may_be_shared_once_the_kam_asks(tmp_path: Path) -> None:
    reveal = "Since you ask: finance wants a four percent cut in system drug spend this year."
    services, roleplay = fake_roleplay(tmp_path / "data", "Costs worry me.", reveal)
    session, _ = roleplay.start("alice", IDN)
    roleplay.say(session, HELLO)
    assert roleplay.say(session, "Is there budget pressure from finance behind this?") == reveal
    services.close()


def test_the_prompt_holds_persona_context_concerns_and_the_next_move(tmp_path: Path) -> None:
    services, roleplay = fake_roleplay(tmp_path / "data", "Fine.")
    session, _ = roleplay.start("alice", IDN)
    roleplay.say(session, HELLO)
    record = roleplay.store.session(session)
    scenario = record.scenario
    persona = roleplay._persona  # the prompt it would send for the next move
    from assistant.coaching.roleplay.tracker import ConversationState, Move

    move = Move("pushback", scenario.objections[0].pushback, "cost")
    state = ConversationState.from_dict(record.state)
    messages = persona.prompt(scenario, state, move, [])
    system = messages[0]
    assert isinstance(system, SystemMessage)
    for expected in (
        "Dr Helen Marsh",
        "System Director of Pharmacy",
        "Harbourline Health",
        scenario.hidden_concerns[0].concern,
        scenario.objections[0].pushback,
        "English",
        "Never say you are an AI",
    ):
        assert expected in system.content
    services.close()


def test_a_model_that_fails_leaves_the_session_going_on_scripted_lines(tmp_path: Path) -> None:
    model = BrokenModel(messages=iter([]))
    services = build_services(
        Settings(data_dir=tmp_path / "data", embeddings="hash"), CountingHashEmbeddings(), model
    )
    roleplay = build_roleplay_service(services)
    session, _ = roleplay.start("alice", IDN)
    assert roleplay.say(session, HELLO).startswith("Honestly, Corvalen costs")
    assert roleplay.end(session).extras["persona"] == "scripted"
    services.close()


@pytest.mark.integration
def test_real_llama_cpp_persona_holds_to_the_scenario(
    local_settings: Settings,  # noqa: F811
    tmp_path: Path,
) -> None:
    settings = local_settings.model_copy(
        # Greedy decoding: what the persona says (and so what the scorecard sees) is the same
        # every run; with sampling, the concern was now and then left unsaid (a CI failure).
        update={
            "data_dir": tmp_path / "data",
            "embeddings": "hash",
            "llm_max_tokens": 60,
            "llm_temperature": 0.0,
        }
    )
    services = build_services(settings, CountingHashEmbeddings())
    roleplay = build_roleplay_service(services)
    assert roleplay.mode == "llm"
    session, _ = roleplay.start("alice", IDN)
    lines = [
        HELLO,
        "We could build a budget impact model with your own patient numbers.",
        "Is there budget pressure from finance behind this?",
    ]
    replies = [roleplay.say(session, line) for line in lines]
    record = roleplay.store.session(session)
    persona_turns = [t for t in record.turns if t.role == "persona"][1:]
    assert [t.text for t in persona_turns] == replies
    for reply, turn in zip(replies, persona_turns, strict=True):
        assert reply.strip()
        assert "as an ai" not in reply.lower() and "language model" not in reply.lower()
        # Whatever the small model wrote, what is shown passed the checks or is scripted.
        assert turn.mode in ("llm", "scripted")
    # The tree is driven by the KAM's words, not the model's: the concern was uncovered.
    assert record.state["items"]["budget_cap"]["probe"]
    scorecard = roleplay.end(session)
    assert scorecard.result("hidden_concern") == "met"
    services.close()
