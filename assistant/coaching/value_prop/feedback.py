"""From check outcomes to what the KAM reads: the overall score, feedback per criterion, next
questions for the account, and best-practice passages cited for the gaps."""

from __future__ import annotations

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.context import CoachContext
from assistant.coaching.common.report import CoachCitation
from assistant.coaching.value_prop.checks import CheckOutcome
from assistant.coaching.value_prop.rubric import Criterion, Rubric
from assistant.prompts import Messages, fill, placeholders

MAX_CITATIONS = 5
MAX_QUESTIONS = 8
MAX_LISTED = 3


def overall_score(rubric: Rubric, results: dict[str, str]) -> tuple[float, bool]:
    """Weighted mean of the criterion scores; capped when the compliance criterion is missing."""
    total = sum(c.weight for c in rubric.criteria)
    score = sum(c.weight * rubric.results[results[c.id]] for c in rubric.criteria) / total
    capped = results[rubric.compliance_criterion] == "missing" and score > rubric.compliance_cap
    return (rubric.compliance_cap if capped else score), capped


def gaps_in_order(rubric: Rubric, results: dict[str, str]) -> list[Criterion]:
    """Criteria not met: compliance first, then by weight (heaviest first)."""
    gaps = [c for c in rubric.criteria if results[c.id] != "met"]
    return sorted(
        gaps, key=lambda c: (c.id != rubric.compliance_criterion, -c.weight, rubric.ids.index(c.id))
    )


def account_label(account: AccountProfile, messages: Messages, language: str) -> str:
    return account.name or messages.get("the_account", language)


def _listed(items: list[str]) -> str:
    shown = [f"“{item}”" for item in items[:MAX_LISTED]]
    return ", ".join(shown) + (" …" if len(items) > MAX_LISTED else "")


def template_values(
    rubric: Rubric,
    account: AccountProfile,
    outcomes: dict[str, CheckOutcome],
    messages: Messages,
    language: str,
) -> dict[str, object]:
    """What feedback templates may mention: coverage of objectives, roles still to address."""
    fit = next(c for c in rubric.criteria if c.check == "account_fit")
    tailoring = next(c for c in rubric.criteria if c.check == "stakeholders")
    details = outcomes[fit.id].details
    covered = details.get("covered", [])
    not_covered = list(details.get("not_covered", []))  # type: ignore[call-overload]
    roles = list(outcomes[tailoring.id].details.get("not_addressed", []))  # type: ignore[call-overload]
    return {
        "covered": len(covered),  # type: ignore[arg-type]
        "total": len(account.objectives) + len(account.pain_points),
        "not_covered": _listed(not_covered) or "—",
        "roles": ("、" if language == "zh-Hant" else ", ").join(roles)
        or messages.get("example_roles", language),
        "account": account_label(account, messages, language),
    }


def next_questions(
    gaps: list[Criterion],
    account: AccountProfile,
    outcomes: dict[str, CheckOutcome],
    rubric: Rubric,
    messages: Messages,
    language: str,
) -> list[str]:
    """Questions to ask the account, from the gaps, in the draft's language: one per role not
    yet addressed, and about a pain point the draft has not taken up."""
    tailoring = next(c for c in rubric.criteria if c.check == "stakeholders")
    roles = list(outcomes[tailoring.id].details.get("not_addressed", []))[:2]  # type: ignore[call-overload]
    fit = next(c for c in rubric.criteria if c.check == "account_fit")
    open_items = list(outcomes[fit.id].details.get("not_covered", []))  # type: ignore[call-overload]
    pains = [p for p in account.pain_points if p in open_items] or account.pain_points
    base = {"account": account_label(account, messages, language)}
    per_gap: list[list[str]] = []
    for criterion in gaps:
        key = f"questions.{criterion.id}"
        found: list[str] = []
        for template in messages.templates(key, language):
            needs = placeholders(template)
            if "role" in needs:
                found += [fill(template, {**base, "role": role}, key) for role in roles]
            elif "pain" in needs:
                if pains:
                    found.append(fill(template, {**base, "pain": pains[0]}, key))
            else:
                found.append(fill(template, base, key))
        per_gap.append(found)
    # One question per gap first (most important gap first), then the others.
    ordered = [q[0] for q in per_gap if q] + [extra for q in per_gap for extra in q[1:]]
    return list(dict.fromkeys(ordered))[:MAX_QUESTIONS]


def cite_gaps(
    context: CoachContext,
    gaps: list[Criterion],
    account: AccountProfile,
    messages: Messages,
    language: str,
) -> dict[str, CoachCitation]:
    """One best-practice passage per gap (up to ``MAX_CITATIONS``), found with the caller's
    access filters, never the same passage twice."""
    type_label = messages.get(f"account_types.{account.type}", language)
    cited: dict[str, CoachCitation] = {}
    used: set[str] = set()
    for criterion in gaps:
        if len(cited) >= MAX_CITATIONS:
            break
        query = f"{criterion.search.get(language) or criterion.search['en']} {type_label}"
        for passage in context.searcher.search(query, 4, context.filters):
            if passage.id not in used:
                used.add(passage.id)
                n = len(cited) + 1
                cited[criterion.id] = CoachCitation(n, passage, criterion.name(language))
                break
    return cited
