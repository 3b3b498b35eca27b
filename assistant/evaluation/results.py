"""Typed evaluation results: one question's result, the summary of a set, the run's meta,
and the whole run. ``as_dict()`` gives the JSON form that ``kamcoach eval --json`` writes,
the Evaluations tab keeps and the reports read (keys and their order unchanged)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.evaluation.questions import rule_of_label


@dataclass
class QuestionResult:
    id: str
    question: str
    lang: str
    tags: list[str]
    answerable: bool
    compliance: str | None
    expected_sources: list[str]
    key_facts: list[Any]
    standalone_question: str
    retrieved: list[dict[str, Any]]
    answer: str
    answer_language: str
    sentences: list[dict[str, Any]]
    citations: list[dict[str, Any]]
    abstained: bool
    refused: bool
    mode: str
    latency_ms: float
    metrics: dict[str, float] = field(default_factory=dict)
    rule: str | None = None  # the guard rule a refusal applied (older runs: None)

    @property
    def compliance_rule(self) -> str | None:
        """The guard rule a trap expects to be refused under (None: no trap)."""
        return rule_of_label(self.compliance)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class MetricSummary:
    """Averaged metrics over a group of questions: only those measured are present."""

    questions: int
    values: dict[str, float] = field(default_factory=dict)

    def get(self, name: str, default: float | None = None) -> float | None:
        if name == "questions":
            return self.questions
        return self.values.get(name, default)

    def __contains__(self, name: str) -> bool:
        return name == "questions" or name in self.values

    def as_dict(self) -> dict[str, Any]:
        return {"questions": self.questions, **self.values}


@dataclass
class RunSummary(MetricSummary):
    """The whole set's metrics, and the same per language (``lang:``) and tag (``tag:``)."""

    breakdown: dict[str, MetricSummary] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {
            "breakdown": {name: group.as_dict() for name, group in self.breakdown.items()}
        }


@dataclass
class RunMeta:
    set: str
    path: str
    questions: int
    mode: str
    embeddings: str
    date: str
    thresholds: dict[str, float]
    threshold_failures: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EvaluationRun:
    meta: RunMeta
    summary: RunSummary
    questions: list[QuestionResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "meta": self.meta.as_dict(),
            "summary": self.summary.as_dict(),
            "questions": [q.as_dict() for q in self.questions],
        }
