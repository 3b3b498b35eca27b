"""Compliance and gaming risks in one KPI: rewarding prescribing by individual HCPs, samples,
off-label use... (compliance) or call counts, discounts, sell-in (gaming)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.coaching.kpi.model import Kpi
from assistant.coaching.kpi.rubric import KpiRubric, RiskSpec

# A negation only counts inside the clause that holds the match.
_CLAUSE_BREAK = re.compile(r"[.;:,，。；：、()（）]")
_NEGATION_WINDOW = 40


@dataclass(frozen=True)
class RiskFinding:
    """A risk found in a KPI, with the words that raised it."""

    risk: RiskSpec
    field: str
    quote: str

    @property
    def level(self) -> str:
        return self.risk.level


def find_risks(kpi: Kpi, rubric: KpiRubric) -> list[RiskFinding]:
    """Every risk the KPI carries (one finding per risk), compliance risks first."""
    findings: list[RiskFinding] = []
    for risk in rubric.risks:
        finding = _first_finding(kpi, risk, rubric.negation)
        if finding is not None:
            findings.append(finding)
    return sorted(findings, key=lambda f: f.level != "compliance")


def _first_finding(kpi: Kpi, risk: RiskSpec, negation: re.Pattern[str]) -> RiskFinding | None:
    for field in risk.fields:
        text = getattr(kpi, field, "")
        if not text:
            continue
        for pattern in risk.patterns.compiled:
            for match in pattern.finditer(text):
                if not _negated(text, match.start(), negation):
                    return RiskFinding(risk, field, match.group(0))
    return None


def _negated(text: str, start: int, negation: re.Pattern[str]) -> bool:
    """True when a negation ("never per prescriber", 「不以醫師處方量」) governs the match."""
    before = text[max(0, start - _NEGATION_WINDOW) : start]
    clause = _CLAUSE_BREAK.split(before)[-1]
    return bool(negation.search(clause))
