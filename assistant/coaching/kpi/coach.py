"""The metric (KPI) design coach: reviews a proposed KPI set for an account plan, suggests
missing KPIs from the knowledge base's KPI library and builds a scorecard."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.answering.service import answer_language
from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.context import CoachContext
from assistant.coaching.common.report import CoachReport, CriterionResult
from assistant.coaching.kpi.catalogue import KpiLibrary, Suggestion, find_gaps
from assistant.coaching.kpi.classify import KpiClassifier, KpiProfile
from assistant.coaching.kpi.commentary import comment
from assistant.coaching.kpi.criteria import SetCriteria, names
from assistant.coaching.kpi.feedback import Citer, compose
from assistant.coaching.kpi.model import Kpi, KpiSetError, load_metrics_file
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.coaching.kpi.scorecard import scorecard_rows
from assistant.prompts import Messages

MESSAGES_FILE = "kpi_messages.yaml"


class MetricCoach:
    """``review(account, kpis)`` returns a ``CoachReport`` of kind ``metrics``; the rubric,
    wording and KPI library are read once from the context's prompt library."""

    def __init__(self, context: CoachContext) -> None:
        self._context = context
        self.rubric = KpiRubric.load(context.library)
        self.messages = Messages(context.library, MESSAGES_FILE)
        self._library = KpiLibrary.load(context.library)
        self._classifier = KpiClassifier(self.rubric, context.encoder, self._library)
        self._criteria = SetCriteria(self.rubric, self.messages)

    def review_file(self, path: Path | str) -> CoachReport:
        account, kpis = load_metrics_file(path)
        return self.review(account, kpis)

    def review(self, account: AccountProfile, kpis: Sequence[Kpi]) -> CoachReport:
        if not kpis:
            raise KpiSetError("there are no KPIs to review: add at least one KPI")
        language = self._language(account, kpis)
        profiles = self._classifier.profile(kpis, account)
        if not any(p.recognised for p in profiles):
            raise KpiSetError(
                self.messages.get(
                    "errors.none_recognised", language, n=len(kpis), names=names(profiles, language)
                )
            )
        criteria = self._criteria.evaluate(profiles, account, language)
        suggestions = self._suggest(criteria, profiles, account)
        citer = Citer(self._context.searcher, self._context.filters)
        feedback = compose(
            criteria, profiles, suggestions, citer, self.rubric, self.messages, language
        )
        report = CoachReport(
            kind="metrics",
            language=language,
            score=self._overall(criteria),
            criteria=criteria,
            feedback=feedback,
            citations=citer.citations,
            extras={
                "account": {
                    "name": account.name,
                    "type": account.type,
                    "level": account.level,
                    "lifecycle_stage": account.lifecycle_stage,
                    "stage_name": (
                        self.rubric.stages[account.lifecycle_stage].name[language]
                        if account.lifecycle_stage
                        else None
                    ),
                },
                "scorecard": scorecard_rows(profiles, self.messages, language),
                "suggestions": [self._suggestion_dict(s, language) for s in suggestions],
            },
        )
        if self._context.chat_model is not None:
            self._add_commentary(report, account, kpis, suggestions)
        return report

    def _language(self, account: AccountProfile, kpis: Sequence[Kpi]) -> str:
        text = " ".join([*(k.name + " " + k.definition for k in kpis), *account.objectives])
        return answer_language(text)

    def _suggest(
        self,
        criteria: Sequence[CriterionResult],
        profiles: Sequence[KpiProfile],
        account: AccountProfile,
    ) -> list[Suggestion]:
        gaps = find_gaps(criteria, profiles, account)
        if not gaps:
            return []
        encoder = self._context.encoder
        vectors = encoder.embed_array([p.kpi.measured_text() for p in profiles])
        return self._library.suggest(gaps, vectors, account, encoder)

    def _overall(self, criteria: Sequence[CriterionResult]) -> float:
        """Mean criterion score; a failed compliance gate caps it (compliance is a gate, not a
        weight that good results can offset)."""
        score = sum(c.score for c in criteria) / len(criteria)
        gate = next((c for c in criteria if c.id == "compliance"), None)
        if gate is not None and gate.result == "missing":
            score = min(score, self.rubric.thresholds["compliance_gate_cap"])
        return score

    @staticmethod
    def _suggestion_dict(suggestion: Suggestion, language: str) -> dict[str, object]:
        entry = suggestion.entry
        return {
            "id": entry.id,
            "name": entry.name[language],
            "definition": entry.definition[language],
            "formula": entry.formula[language],
            "direction": entry.direction,
            "nature": entry.nature,
            "horizon": entry.horizon,
            "scope": entry.scope,
            "for": suggestion.gap.criterion,
            "source": entry.source,
        }

    def _add_commentary(
        self,
        report: CoachReport,
        account: AccountProfile,
        kpis: Sequence[Kpi],
        suggestions: Sequence[Suggestion],
    ) -> None:
        assert self._context.chat_model is not None
        result = comment(
            self._context.chat_model,
            self._context.library,
            self.messages,
            account,
            kpis,
            report.criteria,
            suggestions,
            report.language,
        )
        if result.text:
            report.extras["commentary"] = result.text
            report.mode = "llm"
        if result.notice:
            report.extras["notice"] = result.notice
