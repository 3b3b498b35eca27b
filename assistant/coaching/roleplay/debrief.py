"""The scorecard's debrief: the summary line, what to work on, and knowledge-base passages to
study for the criteria that were missed (within the caller's access rights)."""

from __future__ import annotations

from assistant.coaching.common.context import CoachContext
from assistant.coaching.common.report import CoachCitation
from assistant.coaching.roleplay.compliance import UtteranceCompliance
from assistant.coaching.roleplay.rubric import Rubric
from assistant.coaching.roleplay.scenario import Scenario
from assistant.coaching.roleplay.scorecard import Scorecard
from assistant.coaching.roleplay.tracker import ConversationState
from assistant.errors import KamError
from assistant.prompts import Messages

MAX_CITATIONS = 4


def gaps(
    scenario: Scenario, state: ConversationState, messages: Messages, language: str
) -> list[str]:
    """Points raised and never answered; hidden concerns never uncovered (named, for the
    debrief)."""
    lines = []
    for objection in scenario.objections:
        if objection.kind == "trap":
            continue  # judged by the compliance criteria
        if state.came_up(objection.id) and state.items[objection.id].status != "addressed":
            lines.append(messages.get("unaddressed", language, point=objection.says))
    for concern in scenario.hidden_concerns:
        if not state.items[concern.id].probe:
            lines.append(messages.get("concern_missed", language, concern=concern.concern))
    return lines


def feedback(card: Scorecard, messages: Messages, compliance: UtteranceCompliance) -> list[str]:
    """The summary, the compliance verdict with each breach explained, then the improvements."""
    language = card.language
    met = sum(c.result == "met" for c in card.criteria)
    verdict = messages.get("passed" if card.passed else "failed", language)
    lines = [
        messages.get(
            "summary",
            language,
            score=f"{card.score:.2f}",
            verdict=verdict,
            met=met,
            total=len(card.criteria),
        )
    ]
    if card.compliance_failed:
        rules = ", ".join(dict.fromkeys(b.rule for b in card.breaches))
        lines.append(messages.get("compliance_failed", language, rules=rules))
        for breach in card.breaches:
            explained = compliance.message(breach.rule, language)
            lines.append(
                messages.get("breach_feedback", language, quote=breach.quote, message=explained)
            )
    return lines + card.improvements


def citations(
    context: CoachContext, rubric: Rubric, card: Scorecard, scenario: Scenario | None
) -> list[CoachCitation]:
    """One passage per missed criterion (its study query, weightiest criteria first), then the
    scenario's own topic; searched with the caller's filters, so internal passages reach only
    those allowed."""
    language = card.language
    missing = {c.id for c in card.criteria if c.result == "missing"}
    ranked = sorted(rubric.criteria, key=lambda c: -c.weight)
    queries = [(c.study[language], c.name[language]) for c in ranked if c.id in missing]
    if scenario and missing:
        queries += [(query, scenario.title) for query in scenario.study[:1]]
    found: list[CoachCitation] = []
    seen: set[str] = set()
    for query, reason in queries:
        if len(found) >= MAX_CITATIONS:
            break
        try:
            passages = context.searcher.search(query, 3, context.filters)
        except KamError:
            return found
        passage = next((p for p in passages if p.id not in seen), None)
        if passage is not None:
            seen.add(passage.id)
            found.append(CoachCitation(len(found) + 1, passage, reason))
    return found
