"""Per-KPI checks of what makes a KPI usable: formula, data source, target, time frame, owner."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.coaching.kpi.model import Kpi
from assistant.coaching.kpi.rubric import KpiRubric

RESULT_SCORES = {"met": 1.0, "partly": 0.5, "missing": 0.0}
FIELD_CHECKS = ("formula", "data_source", "target", "time_bound", "owner")

# A deadline written into the target ("listed by Q3", "12 個月內") also bounds it in time.
_TIME_IN_TARGET = re.compile(
    r"\b(by|before|within|until|no later than)\b[^.;]{0,25}"
    r"(\d|\bq[1-4]\b|month|quarter|year|end|week|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|(\d+|[一二三四五六七八九十兩]+)\s*(個月|年|季|週|天|日)(內|前|底)|前完成|之前",
    re.IGNORECASE,
)
# An operator in the definition is half a formula when the formula field is empty.
_FORMULA_IN_DEFINITION = re.compile(r"[÷×=]|\bdivided by\b|除以")


@dataclass(frozen=True)
class Check:
    """One per-KPI check: ``result`` is met, partly or missing; ``evidence`` quotes the field."""

    result: str
    evidence: str = ""

    @property
    def score(self) -> float:
        return RESULT_SCORES[self.result]


def check_fields(kpi: Kpi, rubric: KpiRubric) -> dict[str, Check]:
    """The five field checks of one KPI, by check id."""
    return {
        "formula": _formula(kpi, rubric),
        "data_source": _data_source(kpi, rubric),
        "target": _target(kpi, rubric),
        "time_bound": _time_bound(kpi, rubric),
        "owner": _owner(kpi, rubric),
    }


def _formula(kpi: Kpi, rubric: KpiRubric) -> Check:
    spec = rubric.fields["formula"]
    text = kpi.formula
    if rubric.is_placeholder(text):
        if _FORMULA_IN_DEFINITION.search(kpi.definition):
            return Check("partly", kpi.definition)
        return Check("missing")
    if spec["vague"].hits(text.strip().lower()):
        return Check("partly", text)
    return Check("met" if spec["good"].hits(text) else "partly", text)


def _data_source(kpi: Kpi, rubric: KpiRubric) -> Check:
    text = kpi.data_source
    if rubric.is_placeholder(text):
        return Check("missing")
    if rubric.fields["data_source"]["vague"].hits(text.strip().lower()):
        return Check("partly", text)
    return Check("met", text)


def _target(kpi: Kpi, rubric: KpiRubric) -> Check:
    spec = rubric.fields["target"]
    text = kpi.target
    if rubric.is_placeholder(text):
        return Check("missing")
    if spec["vague_phrases"].hits(text):
        return Check("partly", text)
    if spec["good"].hits(text):
        return Check("met", text)
    return Check("partly", text)


def _time_bound(kpi: Kpi, rubric: KpiRubric) -> Check:
    spec = rubric.fields["time_bound"]
    text = kpi.time_frame
    if rubric.is_placeholder(text):
        if not rubric.is_placeholder(kpi.target) and _TIME_IN_TARGET.search(kpi.target):
            return Check("met", kpi.target)
        return Check("missing")
    if spec["vague"].hits(text):
        return Check("partly", text)
    return Check("met" if spec["good"].hits(text) else "partly", text)


def _owner(kpi: Kpi, rubric: KpiRubric) -> Check:
    text = kpi.owner
    if rubric.is_placeholder(text):
        return Check("missing")
    if rubric.fields["owner"]["vague"].hits(text.strip().lower()):
        return Check("partly", text)
    return Check("met", text)


def mean_score(checks: dict[str, Check], ids: tuple[str, ...]) -> float:
    return sum(checks[i].score for i in ids) / len(ids)
