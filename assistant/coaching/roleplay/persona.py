"""The persona the KAM talks to. Offline it says the objection tree's scripted lines; with a
language model it words the same move freely, held to the scenario: a reply that steps out of
character, reveals a hidden concern too early, changes language or fails is replaced by the
scripted line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.answering.service import answer_language
from assistant.coaching.roleplay.behaviour import Behaviour
from assistant.coaching.roleplay.matcher import CueMatcher, sentences
from assistant.coaching.roleplay.scenario import Scenario
from assistant.coaching.roleplay.tracker import ConversationState, Move
from assistant.coaching.roleplay.transcript import Turn
from assistant.prompts import PromptLibrary
from assistant.text.tokens import lexical_tokens

_HISTORY_TURNS = 12
_MAX_SENTENCES = 4
_MAX_CHARS = 600
_LANGUAGE_NAMES = {"en": "English", "zh-Hant": "Traditional Chinese (繁體中文)"}


@dataclass(frozen=True)
class PersonaReply:
    """``mode``: scripted, or llm; ``rejected`` says why an LLM reply was replaced."""

    text: str
    mode: str
    rejected: str = ""


class ScriptedPersona:
    """The offline persona: the objection tree's own lines."""

    mode = "scripted"

    def reply(
        self, scenario: Scenario, state: ConversationState, move: Move, history: list[Turn]
    ) -> PersonaReply:
        return PersonaReply(move.line, "scripted")


class LLMPersona:
    """A generative persona held to the scenario; falls back to the scripted line."""

    mode = "llm"

    def __init__(
        self,
        chat_model: BaseChatModel,
        library: PromptLibrary,
        behaviour: Behaviour,
        matcher: CueMatcher | None = None,
    ) -> None:
        self._model = chat_model
        self._library = library
        self._behaviour = behaviour
        self._matcher = matcher
        self._out_of_character = [re.compile(p, re.IGNORECASE) for p in behaviour.out_of_character]

    def reply(
        self, scenario: Scenario, state: ConversationState, move: Move, history: list[Turn]
    ) -> PersonaReply:
        messages = self.prompt(scenario, state, move, history)
        try:
            raw = self._model.invoke(messages)
        except Exception as exc:  # unreachable, timed out, refused: the session goes on
            from assistant.llm import reason_for_users

            return PersonaReply(move.line, "scripted", reason_for_users(exc))
        text = clean_reply(str(raw.content or ""), scenario)
        problem = self.problem(text, scenario, state, move, history)
        if problem:
            return PersonaReply(move.line, "scripted", problem)
        return PersonaReply(text, "llm")

    def prompt(
        self, scenario: Scenario, state: ConversationState, move: Move, history: list[Turn]
    ) -> list[BaseMessage]:
        revealed = [scenario.item(i) for i in state.revealed()]
        directive = self._behaviour.directives.get(move.kind, "{line}").format(line=move.line)
        system = self._library.render(
            "roleplay_persona.md",
            persona=scenario.persona.name,
            role=scenario.persona.role,
            account=scenario.account.name,
            style=" ".join(scenario.persona.style.split()),
            context=" ".join(scenario.account.context.split()),
            objectives="; ".join(scenario.account.objectives),
            hidden="\n".join(f"- {c.concern}" for c in scenario.hidden_concerns),
            revealed="; ".join(getattr(r, "reveal", "") for r in revealed) or "nothing yet",
            directive=directive,
            language=_LANGUAGE_NAMES[scenario.language],
        )
        messages: list[BaseMessage] = [SystemMessage(system)]
        for turn in history[-_HISTORY_TURNS:]:
            role = HumanMessage if turn.role == "kam" else AIMessage
            messages.append(role(turn.text))
        return messages

    def problem(
        self,
        text: str,
        scenario: Scenario,
        state: ConversationState,
        move: Move,
        history: list[Turn] = (),  # type: ignore[assignment]
    ) -> str:
        """Why a generated reply cannot be shown, or "" when it can."""
        if not text:
            return "empty reply"
        if any(p.search(text) for p in self._out_of_character):
            return "stepped out of character"
        if answer_language(text) != scenario.language:
            return "answered in another language"
        shareable = set(state.revealed()) | ({move.item} if move.kind == "reveal" else set())
        for concern in scenario.hidden_concerns:
            if concern.id not in shareable and _overlap(concern.concern, text) >= 0.5:
                return f"revealed the hidden concern '{concern.id}' too early"
        fidelity = self._behaviour.fidelity
        kam = [t.text for t in history if t.role == "kam"][-1:]
        if kam and _overlap(text, kam[0]) >= fidelity.echo:
            return "repeated the KAM's words"
        if any(_overlap(text, t.text) >= 0.8 for t in history if t.role == "persona"):
            return "repeated an earlier reply"
        if not self._carries(text, move.line):
            return "did not make the point it was asked to make"
        return ""

    def _carries(self, text: str, line: str) -> bool:
        fidelity = self._behaviour.fidelity
        if _overlap(line, text) >= fidelity.overlap:
            return True
        close = self._matcher.closest([text], [line]) if self._matcher else None
        return close is not None and close.score >= fidelity.similarity


def clean_reply(text: str, scenario: Scenario) -> str:
    """Drop a speaker label, quotes and repeated sentences; keep at most a few sentences."""
    text = re.sub(r"<think>.*?</think>", " ", text, flags=re.DOTALL)
    text = " ".join(text.split())
    for label in (scenario.persona.name, scenario.persona.role, "Persona", "Customer"):
        for separator in (":", "："):
            if text.lower().startswith((label + separator).lower()):
                text = text[len(label) + 1 :].strip()
    text = text.strip("\"“”「」'")
    kept = list(dict.fromkeys(sentences(text)))[:_MAX_SENTENCES]  # a small model may loop
    joiner = " " if scenario.language == "en" else ""
    return joiner.join(kept)[:_MAX_CHARS].strip()


def _overlap(secret: str, reply: str) -> float:
    """Share of the secret's content words (or Chinese bigrams) that the reply repeats."""
    wanted = set(lexical_tokens(secret))
    if not wanted:
        return 0.0
    return len(wanted & set(lexical_tokens(reply))) / len(wanted)
