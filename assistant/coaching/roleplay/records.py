"""What the session store returns: sessions, their turns and scorecards, and a trainee's
progress over time. Plain data: rendering (Markdown, CSV) lives in ``roleplay/export.py``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.coaching.roleplay.scenario import Scenario
from assistant.coaching.roleplay.scorecard import Override, Scorecard


@dataclass(frozen=True)
class StoredTurn:
    n: int
    role: str  # kam | persona
    text: str
    mode: str  # scripted | llm for persona turns, "" for the KAM
    at: str


@dataclass(frozen=True)
class SessionSummary:
    id: str
    trainee: str
    scenario_id: str
    scenario_title: str
    language: str
    status: str  # active | ended
    started_at: str
    ended_at: str | None
    turns: int
    score: float | None  # effective (with trainer overrides); None until scored
    automatic_score: float | None
    compliance_failed: bool | None
    passed: bool | None
    overridden: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SessionRecord:
    summary: SessionSummary
    scenario: Scenario
    turns: list[StoredTurn]
    state: dict[str, Any]
    automatic: Scorecard | None = None
    overrides: list[Override] = field(default_factory=list)  # full history, oldest first

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def trainee(self) -> str:
        return self.summary.trainee

    def as_dict(self) -> dict[str, Any]:
        """The session's data for a trainer's view (``export.session_view`` adds its Markdown)."""
        scorecard = self.scorecard
        return {
            **self.summary.as_dict(),
            "persona_name": self.scenario.persona.name,
            "turns": [asdict(t) for t in self.turns],
            "scorecard": scorecard.as_dict() if scorecard else None,
            "automatic_scorecard": self.automatic.as_dict() if self.automatic else None,
            "overrides": [o.as_dict() for o in self.overrides],
        }

    @property
    def scorecard(self) -> Scorecard | None:
        """The effective scorecard: automatic results with the latest override per criterion."""
        if self.automatic is None:
            return None
        return self.automatic.with_overrides(self.overrides)


@dataclass(frozen=True)
class CriterionProgress:
    """A trainee's results on one criterion across sessions, oldest first."""

    criterion_id: str
    name: str
    first: str
    best: str
    latest: str
    sessions: int
    met: int

    @property
    def improved(self) -> bool:
        return self.first == "missing" and self.best == "met"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"improved": self.improved}


@dataclass(frozen=True)
class ProgressPoint:
    """One scored session on the trainee's timeline (for a chart)."""

    session_id: str
    at: str
    scenario_id: str
    score: float
    compliance_failed: bool
    passed: bool
    results: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TraineeProgress:
    trainee: str
    timeline: list[ProgressPoint]
    criteria: list[CriterionProgress]

    @property
    def sessions(self) -> int:
        return len(self.timeline)

    @property
    def first_score(self) -> float | None:
        return self.timeline[0].score if self.timeline else None

    @property
    def best_score(self) -> float | None:
        return max((p.score for p in self.timeline), default=None)

    @property
    def latest_score(self) -> float | None:
        return self.timeline[-1].score if self.timeline else None

    def points(self) -> list[dict[str, Any]]:
        """Long-form rows for a line chart: per session (1, 2, ...), the overall score
        (criterion "overall") and each criterion as 1 (met) or 0 (missing)."""
        rows = []
        for number, point in enumerate(self.timeline, start=1):
            base = {"session": number, "session_id": point.session_id, "at": point.at}
            rows.append(base | {"criterion": "overall", "score": point.score})
            for criterion_id, result in point.results.items():
                rows.append(base | {"criterion": criterion_id, "score": float(result == "met")})
        return rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "trainee": self.trainee,
            "points": self.points(),
            "sessions": self.sessions,
            "first_score": self.first_score,
            "best_score": self.best_score,
            "latest_score": self.latest_score,
            "timeline": [p.as_dict() for p in self.timeline],
            "criteria": [c.as_dict() for c in self.criteria],
        }
