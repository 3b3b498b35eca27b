"""Set-level criteria of a KPI set, judged from the per-KPI profiles: balance, link to
objectives, lifecycle fit, compliance, measurability, targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.report import CriterionResult
from assistant.coaching.kpi.checks import RESULT_SCORES
from assistant.coaching.kpi.classify import KpiProfile
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.prompts import Messages

Values = dict[str, object]
_MESSAGE = "_message"  # a value naming a message other than the result's own


def quote(name: str, language: str) -> str:
    return f"「{name}」" if language == "zh-Hant" else f"“{name}”"


def names(profiles: Sequence[KpiProfile], language: str, limit: int = 4) -> str:
    shown = [quote(p.kpi.name, language) for p in profiles[:limit]]
    more = len(profiles) - limit
    joined = ("、" if language == "zh-Hant" else ", ").join(shown)
    return joined + (f" (+{more})" if more > 0 else "")


class SetCriteria:
    """Judges each set-level criterion of the rubric, in the rubric's order."""

    def __init__(self, rubric: KpiRubric, messages: Messages) -> None:
        self._rubric = rubric
        self._messages = messages

    def evaluate(
        self, profiles: Sequence[KpiProfile], account: AccountProfile, language: str
    ) -> list[CriterionResult]:
        judged = [p for p in profiles if p.recognised] or list(profiles)
        rules: dict[str, Callable[[], tuple[str, float, str, Values]]] = {
            "leading_lagging": lambda: self._balance(
                judged, "direction", "leading", "lagging", language
            ),
            "quant_qual": lambda: self._quant_qual(judged, language),
            "time_horizon": lambda: self._balance(judged, "horizon", "short", "long", language),
            "scope": lambda: self._scope(judged, language),
            "objective_link": lambda: self._objectives(profiles, account, language),
            "lifecycle_fit": lambda: self._lifecycle(judged, account, language),
            "compliance": lambda: self._compliance(profiles, language),
            "measurability": lambda: self._average(profiles, "measurability", language),
            "targets_time_bound": lambda: self._average(profiles, "targets", language),
        }
        results = []
        for spec in self._rubric.criteria:
            result, score, evidence, values = rules[spec.id]()
            message = str(values.pop(_MESSAGE, result))
            feedback = self._messages.get(f"criteria.{spec.id}.{message}", language, **values)
            results.append(
                CriterionResult(spec.id, spec.name[language], result, score, evidence, feedback)
            )
        return results

    def _label(self, key: str, language: str) -> str:
        return self._messages.get(f"labels.{key}", language)

    def _balance(
        self, profiles: Sequence[KpiProfile], attribute: str, a: str, b: str, language: str
    ) -> tuple[str, float, str, Values]:
        groups = {kind: [p for p in profiles if getattr(p, attribute) == kind] for kind in (a, b)}
        minority = min((a, b), key=lambda kind: len(groups[kind]))
        majority = b if minority == a else a
        count = len(groups[minority])
        share = count / len(profiles)
        if count == 0:
            result = "missing"
        elif share < self._rubric.thresholds["minority_share"]:
            result = "partly"
        else:
            result = "met"
        evidence = "; ".join(
            f"{self._label(kind, language)}: {names(groups[kind], language)}"
            for kind in (a, b)
            if groups[kind]
        )
        values: Values = {
            "n": len(profiles),
            "count_a": len(groups[a]),
            "count_b": len(groups[b]),
            "minority": self._label(minority, language),
            "majority": self._label(majority, language),
            "minority_count": count,
            "minority_names": names(groups[minority], language),
        }
        return result, RESULT_SCORES[result], evidence, values

    def _quant_qual(
        self, profiles: Sequence[KpiProfile], language: str
    ) -> tuple[str, float, str, Values]:
        result, score, evidence, values = self._balance(
            profiles, "nature", "quantitative", "qualitative", language
        )
        qualitative = [p for p in profiles if p.nature == "qualitative"]
        if result != "missing":
            result = "met" if any(p.has_scale for p in qualitative) else "partly"
        values["qualitative_names"] = names(qualitative, language)
        return result, RESULT_SCORES[result], evidence, values

    def _scope(
        self, profiles: Sequence[KpiProfile], language: str
    ) -> tuple[str, float, str, Values]:
        shared = [p for p in profiles if p.scope == "cross_functional"]
        own = [p for p in profiles if p.scope == "individual"]
        result = "missing" if not shared else "partly" if not own else "met"
        evidence = names(shared, language) if shared else ""
        values: Values = {"n": len(profiles), "shared_names": names(shared, language)}
        return result, RESULT_SCORES[result], evidence, values

    def _objectives(
        self, profiles: Sequence[KpiProfile], account: AccountProfile, language: str
    ) -> tuple[str, float, str, Values]:
        linked = [p for p in profiles if p.linked]
        unlinked = [p for p in profiles if not p.linked]
        share = len(linked) / len(profiles)
        values: Values = {
            "n": len(profiles),
            "linked": len(linked),
            "unlinked_names": names(unlinked, language),
        }
        if not account.objectives:
            return "missing", 0.0, "", {_MESSAGE: "no_objectives"}
        result = self._grade(share, "objective")
        evidence = "; ".join(f"{quote(p.kpi.name, language)} → {p.objective}" for p in linked[:4])
        return result, share, evidence, values

    def _grade(self, value: float, threshold: str) -> str:
        """met, partly or missing against the rubric's ``<threshold>_met`` and
        ``<threshold>_partly`` thresholds."""
        thresholds = self._rubric.thresholds
        if value >= thresholds[f"{threshold}_met"]:
            return "met"
        if value >= thresholds[f"{threshold}_partly"]:
            return "partly"
        return "missing"

    def _lifecycle(
        self, profiles: Sequence[KpiProfile], account: AccountProfile, language: str
    ) -> tuple[str, float, str, Values]:
        stage = account.lifecycle_stage
        if stage is None:
            return "partly", 0.5, "", {_MESSAGE: "no_stage"}
        fitting = [p for p in profiles if p.stage_fit and not p.stage_misfit]
        against = [p for p in profiles if p.stage_misfit]
        result = "missing" if not fitting else "partly" if against else "met"
        evidence = names(against or fitting, language)
        values: Values = {
            "stage": self._rubric.stages[stage].name[language],
            "fit_names": names(fitting, language),
            "against_names": names(against, language),
            "emphasis": self._messages.get(f"stages.{stage}", language),
        }
        return result, RESULT_SCORES[result], evidence, values

    def _compliance(
        self, profiles: Sequence[KpiProfile], language: str
    ) -> tuple[str, float, str, Values]:
        for level, result in (("compliance", "missing"), ("gaming", "partly")):
            flagged = [(p, f) for p in profiles for f in p.risks if f.level == level]
            if flagged:
                evidence = "; ".join(
                    f"{quote(p.kpi.name, language)}: {quote(f.quote, language)}" for p, f in flagged
                )
                risks = sorted({f.risk.name[language] for _, f in flagged})
                unique = list({p.number: p for p, _ in flagged}.values())
                values: Values = {
                    "kpi_names": names(unique, language),
                    "risks": ("、" if language == "zh-Hant" else ", ").join(risks),
                }
                return result, RESULT_SCORES[result], evidence, values
        return "met", 1.0, "", {}

    def _average(
        self, profiles: Sequence[KpiProfile], attribute: str, language: str
    ) -> tuple[str, float, str, Values]:
        score = sum(getattr(p, attribute) for p in profiles) / len(profiles)
        result = self._grade(score, "average")
        weak = [p for p in profiles if getattr(p, attribute) < 1.0]
        evidence = names(weak, language)
        values: Values = {"weak_names": names(weak, language), "n": len(profiles)}
        return result, score, evidence, values
