"""The role-play service the CLI and the UI call: start a session, talk to the persona, end it
with a scorecard; every turn is committed before the caller sees the reply."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from assistant.coaching.common.context import CoachContext
from assistant.coaching.roleplay.behaviour import MESSAGES_FILE, Behaviour
from assistant.coaching.roleplay.compliance import UtteranceCompliance
from assistant.coaching.roleplay.persona import LLMPersona, PersonaReply, ScriptedPersona
from assistant.coaching.roleplay.records import SessionRecord
from assistant.coaching.roleplay.scenario import Scenario
from assistant.coaching.roleplay.scenario_files import ScenarioLibrary
from assistant.coaching.roleplay.scorecard import Scorecard
from assistant.coaching.roleplay.scoring import RolePlayScorer
from assistant.coaching.roleplay.store import SessionStore
from assistant.coaching.roleplay.tracker import ConversationState
from assistant.coaching.roleplay.transcript import Transcript, Turn
from assistant.errors import KamError
from assistant.prompts import Messages

if TYPE_CHECKING:
    from assistant.retrieval.search import SearchFilters
    from assistant.services import Services

MAX_TURN_CHARS = 2000
MAX_TRAINEE_CHARS = 100


class RolePlayError(KamError):
    """A role-play request cannot be carried out (empty turn, meeting over, unknown session)."""


class RolePlayService:
    def __init__(
        self, context: CoachContext, store: SessionStore, scenarios: ScenarioLibrary
    ) -> None:
        self.context = context
        self.store = store
        self.scenarios = scenarios
        library = context.library
        self._behaviour = Behaviour.load(library)
        self._messages = Messages(library, MESSAGES_FILE)
        self._compliance = UtteranceCompliance(library)
        matcher = self._behaviour.matcher(context.encoder)
        self._scorer = RolePlayScorer(
            context, self._behaviour, self._messages, self._compliance, matcher
        )
        self._persona: LLMPersona | ScriptedPersona = (
            LLMPersona(context.chat_model, library, self._behaviour, matcher)
            if context.chat_model is not None
            else ScriptedPersona()
        )
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def close(self) -> None:
        """Close the session store's connection."""
        self.store.close()

    @property
    def mode(self) -> str:
        """``llm`` when a language model voices the persona, else ``scripted``."""
        return self._persona.mode

    # -- a session -----------------------------------------------------------------------

    def start(self, trainee: str, scenario_id: str) -> tuple[str, str]:
        """Open a session; returns its id and the persona's opening line."""
        return self.start_scenario(trainee, self.scenarios.get(scenario_id))

    def start_scenario(self, trainee: str, scenario: Scenario) -> tuple[str, str]:
        trainee = (trainee or "").strip()
        if not trainee or len(trainee) > MAX_TRAINEE_CHARS:
            raise RolePlayError(self._messages.get("trainee_missing", scenario.language))
        state = self._scorer.tracker(scenario).initial()
        opening = scenario.persona.opening
        session_id = self.store.create_session(
            trainee, scenario, state.as_dict(), opening, "scripted"
        )
        return session_id, opening

    def say(self, session_id: str, text: str) -> str:
        """The KAM's turn and the persona's reply, each committed before this returns."""
        with self._lock_for(session_id):
            record = self.store.session(session_id)
            self._require_open(record)
            self._answer_pending(record)
            record = self.store.session(session_id)
            self._require_open(record)
            text = (text or "").strip()
            language, persona = record.summary.language, record.scenario.persona.name
            if not text:
                raise RolePlayError(self._messages.get("empty_turn", language, persona=persona))
            if len(text) > MAX_TURN_CHARS:
                raise RolePlayError(
                    self._messages.get(
                        "turn_too_long", language, length=len(text), limit=MAX_TURN_CHARS
                    )
                )
            self.store.add_turn(session_id, "kam", text)
            history = [Turn(t.role, t.text) for t in record.turns] + [Turn("kam", text)]
            return self._reply(record, text, history).text

    def resume(self, session_id: str) -> SessionRecord:
        """Reopen a session after a restart: a KAM turn left without a reply gets one."""
        with self._lock_for(session_id):
            record = self.store.session(session_id)
            if record.summary.status == "active":
                self._answer_pending(record)
            return self.store.session(session_id)

    def meeting_over(self, session_id: str) -> bool:
        """True once the persona has closed the meeting (agreed, unconvinced or out of time)."""
        return bool(self.store.session(session_id).state.get("finished"))

    def end(self, session_id: str) -> Scorecard:
        """Score the session and store the scorecard (an ended session returns its scorecard)."""
        with self._lock_for(session_id):
            record = self.store.session(session_id)
            if record.summary.status == "ended" and record.scorecard is not None:
                return record.scorecard
            language = record.summary.language
            turns = [Turn(t.role, t.text) for t in record.turns]
            if not any(t.role == "kam" for t in turns):
                raise RolePlayError(self._messages.get("nothing_to_score", language))
            transcript = Transcript(turns, record.scenario.id, language)
            scorecard = self._scorer.score(transcript, record.scenario)
            modes = {t.mode for t in record.turns if t.role == "persona"}
            scorecard.extras["persona"] = "llm" if "llm" in modes else "scripted"
            self.store.save_scorecard(session_id, scorecard)
            return scorecard

    # -- transcripts from elsewhere ------------------------------------------------------

    def score_transcript(self, transcript: Transcript, scenario_id: str | None = None) -> Scorecard:
        """Score a transcript file (``kamcoach coach score``); the scenario is optional."""
        wanted = scenario_id or transcript.scenario_id
        scenario = self.scenarios.get(wanted) if wanted else None
        return self._scorer.score(transcript, scenario)

    # -- internals -----------------------------------------------------------------------

    def _reply(self, record: SessionRecord, text: str, history: list[Turn]) -> PersonaReply:
        scenario = record.scenario
        state = ConversationState.from_dict(record.state)
        move = self._scorer.tracker(scenario).step(state, text)
        reply = self._persona.reply(scenario, state, move, history)
        self.store.add_turn(record.id, "persona", reply.text, reply.mode, state.as_dict())
        return reply

    def _answer_pending(self, record: SessionRecord) -> None:
        """A process that died between the KAM's turn and the reply left the turn unanswered."""
        if record.turns and record.turns[-1].role == "kam":
            history = [Turn(t.role, t.text) for t in record.turns]
            self._reply(record, record.turns[-1].text, history)

    def _require_open(self, record: SessionRecord) -> None:
        language, persona = record.summary.language, record.scenario.persona.name
        if record.summary.status != "active":
            raise RolePlayError(self._messages.get("session_ended", language))
        if record.state.get("finished"):
            raise RolePlayError(self._messages.get("meeting_over", language, persona=persona))

    def _lock_for(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())


def build_roleplay_service(
    services: Services, filters: SearchFilters | None = None
) -> RolePlayService:
    """Wire the role-play service from the app's services: sessions in
    ``<data dir>/coaching.sqlite``, trainer scenarios in ``<data dir>/scenarios``."""
    context = services.coach_context(filters)
    data_dir = services.settings.data_dir
    store = SessionStore(data_dir / "coaching.sqlite", context.library)
    scenarios = ScenarioLibrary(context.library, data_dir / "scenarios")
    return RolePlayService(context, store, scenarios)
