"""The objection tree at work: after each KAM turn, which objections and hidden concerns are
addressed, which concern the KAM uncovered, and what the persona does next. The state depends
on the scenario and the KAM's turns (and, when a transcript is scored, on the points its persona
was seen to raise), so a scorer can replay any transcript."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.coaching.roleplay.behaviour import Behaviour
from assistant.coaching.roleplay.compliance import Breach, UtteranceCompliance
from assistant.coaching.roleplay.matcher import CueMatcher, sentences
from assistant.coaching.roleplay.scenario import HiddenConcern, Objection, Scenario
from assistant.prompts import Messages
from assistant.text.tokens import lexical_tokens


@dataclass
class ItemState:
    """``status``: pending (not raised), raised, addressed; ``quote``: the KAM's sentence that
    addressed it; ``probe``: for a hidden concern, the question that uncovered it."""

    status: str = "pending"
    raised_turn: int | None = None
    addressed_turn: int | None = None
    quote: str = ""
    probe: str = ""
    pushbacks: int = 0
    said: bool = False  # seen in a transcript's persona turn (scoring a transcript)


@dataclass
class ConversationState:
    items: dict[str, ItemState] = field(default_factory=dict)
    current: str | None = None
    turn: int = 0
    breaches: list[Breach] = field(default_factory=list)
    next_step: str = ""
    finished: bool = False
    outcome: str = ""  # agreed | unconvinced | out_of_time

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["breaches"] = [b.as_dict() for b in self.breaches]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        state = cls(**{k: v for k, v in data.items() if k not in ("items", "breaches")})
        state.items = {k: ItemState(**v) for k, v in data.get("items", {}).items()}
        state.breaches = [Breach(**b) for b in data.get("breaches", [])]
        return state

    def revealed(self) -> list[str]:
        return [item_id for item_id, s in self.items.items() if s.probe]

    def observed(self) -> bool:
        """True when a transcript's persona lines were recognised (see ``Tracker.observe``)."""
        return any(s.said for s in self.items.values())

    def came_up(self, item_id: str) -> bool:
        """The persona raised the point: as the transcript shows where its lines were
        recognised, else as the objection tree decided."""
        item = self.items[item_id]
        return item.said if self.observed() else item.raised_turn is not None


@dataclass(frozen=True)
class Move:
    """What the persona does in reply: ``kind`` is raise, pushback, reveal, wrap_up, close or
    out_of_time; ``line`` is the scripted reply (the LLM persona words it freely)."""

    kind: str
    line: str
    item: str | None = None
    acknowledged: str | None = None
    breaches: tuple[str, ...] = ()


class Tracker:
    def __init__(
        self,
        scenario: Scenario,
        matcher: CueMatcher,
        compliance: UtteranceCompliance,
        behaviour: Behaviour,
        messages: Messages,
    ) -> None:
        self.scenario = scenario
        self._matcher = matcher
        self._compliance = compliance
        self._behaviour = behaviour
        self._messages = messages
        self.patience = behaviour.patience[scenario.difficulty]  # type: ignore[index]

    def initial(self) -> ConversationState:
        items = [*self.scenario.objections, *self.scenario.hidden_concerns]
        return ConversationState(items={item.id: ItemState() for item in items})

    def observe(self, state: ConversationState, persona_text: str, kam_text: str = "") -> list[str]:
        """Scoring a transcript: mark the points its persona actually raised (its scripted
        lines appear in the turn), so the replay follows the real conversation. A hidden
        concern the persona revealed right after a question of the KAM's (``kam_text``) was
        uncovered by that question."""
        found = []
        for item in [*self.scenario.objections, *self.scenario.hidden_concerns]:
            line = item.says if isinstance(item, Objection) else item.reveal
            if self._heard(line, persona_text):
                found.append(item.id)
                status = state.items[item.id]
                status.said = True
                if status.status == "pending":
                    status.status, status.raised_turn = "raised", state.turn
                if isinstance(item, HiddenConcern) and not status.probe:
                    asked = [s for s in sentences(kam_text) if self._matcher.is_question(s)]
                    status.probe = asked[-1] if asked else ""
        if found:
            last = found[-1]
            state.current = last if state.items[last].status != "addressed" else None
        return found

    def _heard(self, line: str, persona_text: str) -> bool:
        """The persona said the scripted line, or the same thing in its own words."""
        if not persona_text.strip():
            return False
        heard = self._behaviour.heard
        if was_said(line, persona_text, heard.overlap):
            return True
        close = self._matcher.closest([persona_text], [line])
        return close is not None and close.score >= heard.similarity

    def step(self, state: ConversationState, text: str) -> Move:
        """Update ``state`` with one KAM turn and decide the persona's next move."""
        state.turn += 1
        language = self.scenario.language
        breaches = self._breaches(state, text)
        revealed = self._reveal(state, text)
        addressed = self._address(state, text, revealed)
        found = self._matcher.find(
            text,
            self._behaviour.next_step.cues,
            self._behaviour.next_step.examples,
            kind="proposals",
        )
        if found and not state.next_step:
            state.next_step = found.sentence

        lines = [self._messages.get(f"breach_{b.rule}", language) for b in breaches]
        acknowledged = state.current if state.current in addressed else None
        if acknowledged:
            lines.append(self.scenario.item(acknowledged).acknowledge)
            state.current = None
        kind, item = self._next_move(state, revealed, lines)
        if not state.finished and state.turn >= self.patience.max_kam_turns:
            state.finished, state.outcome, kind = True, "out_of_time", "out_of_time"
            lines.append(
                self.scenario.persona.out_of_time or self._messages.get("out_of_time", language)
            )
        return Move(kind, " ".join(lines), item, acknowledged, tuple(b.rule for b in breaches))

    # -- the decisions -----------------------------------------------------------------

    def _next_move(
        self, state: ConversationState, revealed: list[str], lines: list[str]
    ) -> tuple[str, str | None]:
        language = self.scenario.language
        if revealed:
            pressing = state.items[revealed[0]].status != "addressed"
            state.current = revealed[0] if pressing else None
            lines.append(self._concern(revealed[0]).reveal)
            return "reveal", revealed[0]
        if state.current is not None:
            current = state.items[state.current]
            current.pushbacks += 1
            if current.pushbacks <= self.patience.max_pushbacks:
                lines.append(self.scenario.item(state.current).pushback)
                return "pushback", state.current
            state.current = None
            lines.append(self._messages.get("moves_on", language))
        following = self._next_objection(state)
        if following is not None:
            state.current = following.id
            state.items[following.id].status = "raised"
            state.items[following.id].raised_turn = state.turn
            lines.append(following.says)
            return "raise", following.id
        if state.next_step:
            unresolved = any(s.status == "raised" for s in state.items.values())
            state.finished = True
            state.outcome = "unconvinced" if unresolved else "agreed"
            closing = (
                self._messages.get("closing_unconvinced", language)
                if unresolved
                else self.scenario.persona.closing
            )
            lines.append(closing)
            return "close", None
        lines.append(self._messages.get("wrap_up", language))
        return "wrap_up", None

    def _next_objection(self, state: ConversationState) -> Objection | None:
        for objection in self.scenario.objections:
            if state.items[objection.id].status != "pending":
                continue
            if all(state.items[a].status == "addressed" for a in objection.after):
                return objection
        return None

    # -- what the KAM's turn did -------------------------------------------------------

    def _breaches(self, state: ConversationState, text: str) -> list[Breach]:
        breaches = self._compliance.check(text, state.turn)
        current = self.scenario.item(state.current) if state.current else None
        if isinstance(current, Objection) and current.kind == "trap":
            declined = self._find(text, current.addressed_by.cues, current.addressed_by.examples)
            giving_in = current.accepted_by
            assert giving_in is not None  # validated for traps
            accepted = self._find(text, giving_in.cues, giving_in.examples, kind="any")
            if accepted and not declined and current.rule not in {b.rule for b in breaches}:
                breaches.append(Breach(current.rule or "", accepted, state.turn))
        state.breaches.extend(breaches)
        return breaches

    def _reveal(self, state: ConversationState, text: str) -> list[str]:
        revealed = []
        for concern in self.scenario.hidden_concerns:
            item = state.items[concern.id]
            if item.probe:
                continue
            found = self._matcher.find(
                text, concern.probe.cues, concern.probe.examples, kind="questions"
            )
            if found:
                revealed.append((concern.id, found.sentence))
        if not revealed and self.patience.generic_probe_reveals:
            generic = self._behaviour.generic_probe
            found = self._matcher.find(text, generic.cues, generic.examples, kind="questions")
            hidden = [c for c in self.scenario.hidden_concerns if not state.items[c.id].probe]
            if found and hidden:
                revealed.append((hidden[0].id, found.sentence))
        for concern_id, quote in revealed:
            item = state.items[concern_id]
            item.probe = quote
            if item.status == "pending":
                item.status, item.raised_turn = "raised", state.turn
        return [concern_id for concern_id, _ in revealed]

    def _address(self, state: ConversationState, text: str, revealed: list[str]) -> set[str]:
        """Points the turn answers, with statements only (a question answers nothing); a
        concern uncovered in this turn can only be answered after the question that did it."""
        addressed = set()
        for item in [*self.scenario.objections, *self.scenario.hidden_concerns]:
            status = state.items[item.id]
            if status.status == "addressed":
                continue
            if isinstance(item, Objection) and item.kind == "trap" and status.status != "raised":
                continue  # declining before being asked is no answer
            said = _after(text, status.probe) if item.id in revealed else text
            quote = self._find(said, item.addressed_by.cues, item.addressed_by.examples)
            if quote:
                status.status, status.addressed_turn, status.quote = "addressed", state.turn, quote
                addressed.add(item.id)
        return addressed

    def _find(
        self, text: str, cues: list[str], examples: list[str], kind: str = "statements"
    ) -> str:
        found = self._matcher.find(text, cues, examples, kind=kind)
        return found.sentence if found else ""

    def _concern(self, concern_id: str) -> HiddenConcern:
        item = self.scenario.item(concern_id)
        assert isinstance(item, HiddenConcern)
        return item


def was_said(line: str, turn: str, overlap: float = 0.8) -> bool:
    """True when a persona turn contains a scripted line: its opening words, or at least
    ``overlap`` of its words (or Chinese character pairs)."""
    opening = " ".join(line.split()[:6]) if " " in line.strip() else line[:12]
    if opening and opening in turn:
        return True
    wanted = set(lexical_tokens(line))
    return bool(wanted) and len(wanted & set(lexical_tokens(turn))) / len(wanted) >= overlap


def _after(text: str, sentence: str) -> str:
    """What the turn says after ``sentence``."""
    position = text.find(sentence)
    return text[position + len(sentence) :] if position >= 0 else text
