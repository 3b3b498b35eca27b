"""The shape every coach returns: an overall score, criterion results with the evidence that
earned them, feedback, and citations to the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.retrieval.search import Passage

RESULTS = ("met", "partly", "missing")


@dataclass(frozen=True)
class CriterionResult:
    """One rubric criterion: ``result`` is met, partly or missing; ``evidence`` quotes the input
    that earned it (empty when nothing did)."""

    id: str
    name: str
    result: str
    score: float
    evidence: str = ""
    feedback: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "result": self.result,
            "score": round(self.score, 3),
            "evidence": self.evidence,
            "feedback": self.feedback,
        }


@dataclass(frozen=True)
class CoachCitation:
    """A knowledge-base passage a piece of feedback points to."""

    n: int
    passage: Passage
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            **self.passage.location(),
            "quote": self.passage.text[:400],
            "reason": self.reason,
        }


@dataclass
class CoachReport:
    """What ``kamcoach coach ... --json`` prints and the UI shows."""

    kind: str
    language: str
    score: float
    criteria: list[CriterionResult]
    feedback: list[str] = field(default_factory=list)
    citations: list[CoachCitation] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    mode: str = "offline"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "language": self.language,
            "score": round(self.score, 3),
            "criteria": [c.as_dict() for c in self.criteria],
            "feedback": list(self.feedback),
            "citations": [c.as_dict() for c in self.citations],
            "mode": self.mode,
            **self.extras,
        }
