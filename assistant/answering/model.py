"""What an answer is made of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.retrieval.search import Passage


@dataclass(frozen=True)
class Citation:
    """Footnote ``n`` of an answer: the passage it points at and the words that support it."""

    n: int
    passage: Passage
    quote: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            **self.passage.location(),
            "quote": self.quote,
            "passage_id": self.passage.id,
        }


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citations: tuple[int, ...]
    # Extractive answers: the sentence comes straight after the one before it in the same
    # passage (an excerpt reads on; otherwise a gap is marked).
    follows: bool = False
    # ... and is an item of a list there (shown as one)
    item: bool = False


@dataclass
class Answer:
    question: str
    standalone_question: str
    language: str
    text: str
    sentences: list[AnswerSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    abstained: bool = False
    refused: bool = False
    rule: str | None = None
    mode: str = "extractive"
    notice: str | None = None
    latency_ms: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "citations": [c.as_dict() for c in self.citations],
            "abstained": self.abstained,
            "refused": self.refused,
            "rule": self.rule,
            "mode": self.mode,
            "notice": self.notice,
            "language": self.language,
            "standalone_question": self.standalone_question,
            "latency_ms": round(self.latency_ms, 1),
            "passages": [p.as_dict() for p in self.passages],
        }
