"""Feedback lines of a KPI review, each pointing to the knowledge-base passage behind it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath

from assistant.coaching.common.report import CoachCitation, CriterionResult
from assistant.coaching.kpi.catalogue import Suggestion
from assistant.coaching.kpi.classify import KpiProfile
from assistant.coaching.kpi.criteria import quote
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.prompts import Messages
from assistant.retrieval.search import Passage, SearchFilters
from assistant.seams import Searcher

MAX_CITATIONS = 8
CRITERION_CITATIONS = 4  # the rest of the budget goes to suggested KPIs
_SEARCH_K = 6
ISSUE_CHECKS = ("formula", "data_source", "target", "time_bound", "owner", "objective")


class Citer:
    """Finds and numbers knowledge-base passages, within the caller's access filter."""

    def __init__(self, searcher: Searcher, filters: SearchFilters | None) -> None:
        self._searcher = searcher
        self._filters = filters
        self.citations: list[CoachCitation] = []

    def cite(self, query: str, reason: str, prefer_source: str = "") -> int | None:
        if len(self.citations) >= MAX_CITATIONS:
            return None
        passages = self._searcher.search(query, _SEARCH_K, self._filters)
        passage = _preferred(passages, prefer_source)
        if passage is None:
            return None
        for citation in self.citations:
            if citation.passage.id == passage.id:
                return citation.n
        self.citations.append(CoachCitation(len(self.citations) + 1, passage, reason))
        return len(self.citations)


def _preferred(passages: Sequence[Passage], source: str) -> Passage | None:
    if source:
        for passage in passages:
            if PurePath(passage.source).name == source:
                return passage
    return passages[0] if passages else None


def mark(n: int | None) -> str:
    return f" [{n}]" if n else ""


def kpi_issues(profile: KpiProfile, messages: Messages, language: str) -> list[str]:
    """Short, user-facing issues of one KPI (for the scorecard and the feedback)."""
    issues = []
    if not profile.recognised:
        issues.append(messages.get("issues.unrecognised", language))
    for check in ISSUE_CHECKS:
        result = profile.checks[check].result
        if result != "met":
            issues.append(messages.get(f"issues.{check}_{result}", language))
    for finding in profile.risks:
        issues.append(
            messages.get(f"issues.risk_{finding.level}", language, risk=finding.risk.name[language])
        )
    if profile.stage_misfit:
        issues.append(messages.get("issues.stage_misfit", language))
    return issues


def compose(
    criteria: Sequence[CriterionResult],
    profiles: Sequence[KpiProfile],
    suggestions: Sequence[Suggestion],
    citer: Citer,
    rubric: KpiRubric,
    messages: Messages,
    language: str,
) -> list[str]:
    """Criterion feedback (worst first, cited), then suggested KPIs, then per-KPI fixes."""
    lines: list[str] = []
    order = {"missing": 0, "partly": 1, "met": 2}
    weak = [c for c in sorted(criteria, key=lambda c: order[c.result]) if c.result != "met"]
    for rank, criterion in enumerate(weak):
        spec = rubric.criterion(criterion.id)
        n = None
        if rank < CRITERION_CITATIONS:
            n = citer.cite(spec.search[language], spec.name[language])
        lines.append(f"{criterion.name}: {criterion.feedback}{mark(n)}")
    for suggestion in suggestions:
        entry = suggestion.entry
        n = citer.cite(
            f"{entry.name['en']} {entry.definition['en']}", entry.name[language], entry.source
        )
        kind = messages.get(
            "feedback.kind",
            language,
            direction=messages.get(f"labels.{entry.direction}", language),
            nature=messages.get(f"labels.{entry.nature}", language),
        )
        reason = messages.get(f"feedback.because.{suggestion.gap.criterion}", language)
        line = messages.get(
            "feedback.suggestion",
            language,
            name=quote(entry.name[language], language),
            kind=kind,
            definition=entry.definition[language],
            formula=entry.formula[language],
            reason=reason,
        )
        lines.append(line + mark(n))
    for profile in profiles:
        issues = kpi_issues(profile, messages, language)
        if issues:
            lines.append(
                messages.get(
                    "feedback.kpi_fix",
                    language,
                    number=profile.number,
                    name=quote(profile.kpi.name, language),
                    issues=("；" if language == "zh-Hant" else "; ").join(issues),
                )
            )
    return lines
