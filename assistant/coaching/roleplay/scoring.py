"""Score a role-play transcript against its rubric: each criterion yes/no with the KAM's words
that earned it, a compliance breach failing the session, strengths, improvements, and
knowledge-base passages to study."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answering.service import answer_language
from assistant.coaching.common.context import CoachContext
from assistant.coaching.common.report import CriterionResult
from assistant.coaching.roleplay import debrief
from assistant.coaching.roleplay.behaviour import Behaviour
from assistant.coaching.roleplay.compliance import Breach, UtteranceCompliance
from assistant.coaching.roleplay.matcher import CueMatcher
from assistant.coaching.roleplay.rubric import Criterion, Rubric, RubricBook
from assistant.coaching.roleplay.scenario import Objection, Scenario
from assistant.coaching.roleplay.scorecard import Scorecard, weighted_score
from assistant.coaching.roleplay.tracker import ConversationState, Tracker
from assistant.coaching.roleplay.transcript import Transcript
from assistant.errors import KamError
from assistant.prompts import Messages

DEFAULT_RUBRIC = "roleplay_core"
_OPENING_TURNS = 2
_CLOSING_TURNS = 3


@dataclass(frozen=True)
class _Verdict:
    met: bool
    evidence: str = ""
    applicable: bool = True


class RolePlayScorer:
    def __init__(
        self,
        context: CoachContext,
        behaviour: Behaviour,
        messages: Messages,
        compliance: UtteranceCompliance,
        matcher: CueMatcher,
    ) -> None:
        self._context = context
        self._behaviour = behaviour
        self._messages = messages
        self._compliance = compliance
        self._matcher = matcher
        self._rubrics = RubricBook(context.library)

    def tracker(self, scenario: Scenario) -> Tracker:
        return Tracker(scenario, self._matcher, self._compliance, self._behaviour, self._messages)

    def score(self, transcript: Transcript, scenario: Scenario | None = None) -> Scorecard:
        kam = transcript.kam_turns()
        replies = _replies(transcript)
        language = (
            scenario.language
            if scenario
            else transcript.language or answer_language(" ".join(kam) or "-")
        )
        language = language if language in ("en", "zh-Hant") else "en"
        if not kam:
            raise KamError(self._messages.get("nothing_to_score", language))
        rubric = self._rubrics.get(scenario.rubric if scenario else DEFAULT_RUBRIC)
        state = self._replay(scenario, transcript) if scenario else None
        breaches = state.breaches if state else self._all_breaches(kam)

        criteria: list[CriterionResult] = []
        strengths, improvements = [], []
        for criterion in rubric.criteria:
            verdict = self._judge(criterion, kam, replies, scenario, state, breaches)
            if not verdict.applicable:
                continue
            text = (criterion.strength if verdict.met else criterion.improvement)[language]
            (strengths if verdict.met else improvements).append(text)
            criteria.append(
                CriterionResult(
                    id=criterion.id,
                    name=criterion.name[language],
                    result="met" if verdict.met else "missing",
                    score=1.0 if verdict.met else 0.0,
                    evidence=verdict.evidence,
                    feedback=text,
                )
            )
        weights = {c.id: c.weight for c in rubric.criteria}
        failed = bool(breaches)
        if scenario and state:
            improvements += debrief.gaps(scenario, state, self._messages, language)
        card = Scorecard(
            kind="roleplay",
            language=language,
            score=0.0 if failed else weighted_score(criteria, weights),
            criteria=criteria,
            mode="offline",
            scenario_id=scenario.id if scenario else None,
            compliance_failed=failed,
            pass_score=rubric.pass_score,
            weights=weights,
            strengths=strengths,
            improvements=improvements,
            breaches=list(breaches),
            compliance_criterion=_compliance_id(rubric),
        )
        card.feedback = debrief.feedback(card, self._messages, self._compliance)
        card.citations = debrief.citations(self._context, rubric, card, scenario)
        if state is not None:
            card.extras = {"outcome": state.outcome or "open", "kam_turns": len(kam)}
        return card

    # -- criteria ------------------------------------------------------------------------

    def _judge(
        self,
        criterion: Criterion,
        kam: list[str],
        replies: list[str],
        scenario: Scenario | None,
        state: ConversationState | None,
        breaches: list[Breach],
    ) -> _Verdict:
        check = criterion.check
        if check == "compliance":
            return _Verdict(not breaches, breaches[0].quote if breaches else "")
        if check == "cue":
            cues, examples = criterion.all_cues(), criterion.all_examples()
            if criterion.include_probes:
                probes = [self._behaviour.generic_probe]
                probes += [c.probe for c in scenario.hidden_concerns] if scenario else []
                cues = cues + [c for p in probes for c in p.cues]
                examples = examples + [e for p in probes for e in p.examples]
            return self._cue(criterion, kam, cues, examples)
        if check == "next_step":
            return self._next_step(criterion, kam, replies)
        if check == "value_link":
            objectives = scenario.account.objectives if scenario else []
            return self._cue(
                criterion, kam, criterion.all_cues(), criterion.all_examples() + objectives
            )
        if scenario is None or state is None:
            return self._generic(criterion, kam)
        if check == "hidden_concerns":
            # Following a transcript, a concern counts only if its persona did bring it out.
            observed = state.observed()
            quotes = [
                state.items[c.id].probe
                for c in scenario.hidden_concerns
                if state.items[c.id].probe and (state.items[c.id].said or not observed)
            ]
            return _Verdict(bool(quotes), quotes[0] if quotes else "")
        if check == "objections":
            return self._objections(criterion, scenario, state)
        return self._traps(scenario, state)

    def _cue(
        self, criterion: Criterion, kam: list[str], cues: list[str], examples: list[str]
    ) -> _Verdict:
        window = _window(kam, criterion.where)
        quotes = []
        for text in window:
            found = self._matcher.find(text, cues, examples, kind=criterion.sentences)
            if found:
                quotes.append(found.sentence)
        met = len(quotes) >= criterion.min_turns
        return _Verdict(met, quotes[0] if met else "")

    def _next_step(self, criterion: Criterion, kam: list[str], replies: list[str]) -> _Verdict:
        """A next step proposed near the end, and not turned down: the customer's reply to
        the last proposal (if the transcript has one) may not refuse it."""
        steps, refused = self._behaviour.next_step, self._behaviour.next_step_refused
        window = _window(list(range(len(kam))), criterion.where)
        proposals = [
            (turn, found.sentence)
            for turn in window
            if (
                found := self._matcher.find(
                    kam[turn], steps.cues, steps.examples, kind=criterion.sentences
                )
            )
        ]
        if len(proposals) < criterion.min_turns:
            return _Verdict(False)
        last = proposals[-1][0]
        if replies[last] and self._matcher.find(replies[last], refused.cues, kind="any"):
            return _Verdict(False)
        return _Verdict(True, proposals[0][1])

    def _generic(self, criterion: Criterion, kam: list[str]) -> _Verdict:
        """Without a scenario: probing questions stand for the hidden concern, acknowledging
        and answering cues for objection handling; traps cannot be judged."""
        if criterion.check == "hidden_concerns":
            probe = self._behaviour.generic_probe
            questions = Criterion.model_validate(
                criterion.model_dump() | {"check": "cue", "sentences": "questions"}
            )
            return self._cue(questions, kam, probe.cues, probe.examples)
        if criterion.check == "objections":
            return self._cue(criterion, kam, criterion.all_cues(), criterion.all_examples())
        return _Verdict(False, applicable=False)

    def _objections(
        self,
        criterion: Criterion,
        scenario: Scenario,
        state: ConversationState,
    ) -> _Verdict:
        raised, addressed = [], []
        for item in [*scenario.objections, *scenario.hidden_concerns]:
            if isinstance(item, Objection) and item.kind == "trap":
                continue
            status = state.items[item.id]
            if not state.came_up(item.id):
                if status.status == "addressed":
                    addressed.append(status.quote)  # answered before it came up
                continue
            raised.append(item.id)
            if status.status == "addressed":
                addressed.append(status.quote)
        if not raised:
            return _Verdict(bool(addressed), addressed[0] if addressed else "")
        share = sum(state.items[i].status == "addressed" for i in raised) / len(raised)
        return _Verdict(share >= criterion.min_share, addressed[0] if addressed else "")

    def _traps(self, scenario: Scenario, state: ConversationState) -> _Verdict:
        traps = [o for o in scenario.objections if o.kind == "trap"]
        raised = [t for t in traps if state.items[t.id].raised_turn is not None]
        if not raised:
            return _Verdict(False, applicable=False)
        breached = {b.rule for b in state.breaches}
        handled = [
            t for t in raised if state.items[t.id].status == "addressed" and t.rule not in breached
        ]
        quote = state.items[handled[0].id].quote if handled else ""
        return _Verdict(len(handled) == len(raised), quote)

    # -- the rest of the scorecard --------------------------------------------------------

    def _replay(self, scenario: Scenario, transcript: Transcript) -> ConversationState:
        """The objection tree over the KAM's turns, following the points the transcript's
        persona actually raised where its lines are recognisable."""
        tracker = self.tracker(scenario)
        state = tracker.initial()
        heard: list[str] = []
        last_kam = ""
        for turn in transcript.turns:
            if turn.role == "persona":
                heard.append(turn.text)
                continue
            tracker.observe(state, " ".join(heard), last_kam)
            heard, last_kam = [], turn.text
            tracker.step(state, turn.text)
        if heard:
            tracker.observe(state, " ".join(heard), last_kam)
        return state

    def _all_breaches(self, kam: list[str]) -> list[Breach]:
        return [b for turn, text in enumerate(kam, 1) for b in self._compliance.check(text, turn)]


def _replies(transcript: Transcript) -> list[str]:
    """For each KAM turn, what the customer said next before the KAM spoke again ("" when
    the transcript ends on the KAM)."""
    replies: list[str] = []
    for turn in transcript.turns:
        if turn.role == "kam":
            replies.append("")
        elif replies:
            replies[-1] = f"{replies[-1]} {turn.text}".strip()
    return replies


def _window(kam: list, where: str) -> list:
    """The opening or closing turns of ``kam`` (texts or their numbers), or all of them."""
    if where == "opening":
        return kam[:_OPENING_TURNS]
    if where == "closing":
        return kam[-_CLOSING_TURNS:]
    return kam


def _compliance_id(rubric: Rubric) -> str:
    return next(c.id for c in rubric.criteria if c.check == "compliance")
