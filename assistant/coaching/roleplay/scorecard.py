"""The role-play scorecard: the coaches' report shape (score, criteria with evidence, feedback,
citations) plus the compliance verdict, strengths, improvements and trainer overrides."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from assistant.coaching.common.report import CoachCitation, CoachReport, CriterionResult
from assistant.coaching.roleplay.compliance import Breach
from assistant.retrieval.search import Passage

YES_NO = ("met", "missing")


@dataclass(frozen=True)
class Override:
    """A trainer's verdict on one criterion, kept beside the automatic one."""

    criterion_id: str
    result: str
    comment: str
    by: str
    at: str

    def as_dict(self) -> dict[str, str]:
        return {
            "criterion_id": self.criterion_id,
            "result": self.result,
            "comment": self.comment,
            "by": self.by,
            "at": self.at,
        }


@dataclass
class Scorecard(CoachReport):
    scenario_id: str | None = None
    compliance_failed: bool = False
    pass_score: float = 0.6
    weights: dict[str, float] = field(default_factory=dict)
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    compliance_criterion: str = "compliance"
    overrides: dict[str, Override] = field(default_factory=dict)
    automatic: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.compliance_failed and self.score >= self.pass_score

    @property
    def criteria_score(self) -> float:
        """The weighted share of criteria met, before a compliance failure zeroes the score."""
        return weighted_score(self.criteria, self.weights)

    def result(self, criterion_id: str) -> str | None:
        return next((c.result for c in self.criteria if c.id == criterion_id), None)

    def with_overrides(self, overrides: list[Override]) -> Scorecard:
        """The effective scorecard: the latest override of each criterion replaces the automatic
        result (the automatic one stays in ``automatic``); score and verdict are recomputed."""
        latest: dict[str, Override] = {}
        for override in sorted(overrides, key=lambda o: o.at):
            latest[override.criterion_id] = override
        criteria, automatic = [], {}
        for criterion in self.criteria:
            override = latest.get(criterion.id)
            if override is None:
                criteria.append(criterion)
                continue
            automatic[criterion.id] = self.automatic.get(criterion.id, criterion.result)
            score = 1.0 if override.result == "met" else 0.0
            criteria.append(replace(criterion, result=override.result, score=score))
        failed = self.compliance_failed
        if self.compliance_criterion in latest:
            failed = latest[self.compliance_criterion].result == "missing"
        total = 0.0 if failed else weighted_score(criteria, self.weights)
        return replace(
            self,
            criteria=criteria,
            score=total,
            compliance_failed=failed,
            overrides=latest,
            automatic=automatic,
        )

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        for criterion in data["criteria"]:
            if criterion["id"] in self.overrides:
                criterion["override"] = self.overrides[criterion["id"]].as_dict()
                criterion["automatic_result"] = self.automatic.get(criterion["id"])
        data.update(
            {
                "scenario": self.scenario_id,
                "passed": self.passed,
                "pass_score": self.pass_score,
                "compliance_failed": self.compliance_failed,
                "breaches": [b.as_dict() for b in self.breaches],
                "strengths": list(self.strengths),
                "improvements": list(self.improvements),
            }
        )
        return data

    # -- persistence ---------------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """Everything needed to rebuild the automatic scorecard (overrides live apart)."""
        return {
            "kind": self.kind,
            "language": self.language,
            "score": self.score,
            "mode": self.mode,
            "criteria": [c.as_dict() | {"score": c.score} for c in self.criteria],
            "feedback": self.feedback,
            "citations": [
                {"n": c.n, "reason": c.reason, "passage": c.passage.as_dict()}
                for c in self.citations
            ],
            "extras": self.extras,
            "scenario_id": self.scenario_id,
            "compliance_failed": self.compliance_failed,
            "pass_score": self.pass_score,
            "weights": self.weights,
            "strengths": self.strengths,
            "improvements": self.improvements,
            "breaches": [b.as_dict() for b in self.breaches],
            "compliance_criterion": self.compliance_criterion,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Scorecard:
        data = dict(record)
        data["criteria"] = [CriterionResult(**c) for c in data["criteria"]]
        data["citations"] = [
            CoachCitation(c["n"], Passage(**c["passage"]), c.get("reason", ""))
            for c in data["citations"]
        ]
        data["breaches"] = [Breach(**b) for b in data["breaches"]]
        return cls(**data)


def weighted_score(criteria: list[CriterionResult], weights: dict[str, float]) -> float:
    total = sum(weights.get(c.id, 1.0) for c in criteria)
    if not total:
        return 0.0
    return sum(weights.get(c.id, 1.0) * c.score for c in criteria) / total
