"""Recognise a move in what the KAM said: a cue (regular expression) in one sentence, or a
sentence close in meaning to an example (multilingual encoder cosine)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.coaching.common.exemplars import ExemplarVectors
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.ingest.chunking import split_sentences


@dataclass(frozen=True)
class Match:
    """The sentence that matched (the evidence quote), how well, and by what."""

    sentence: str
    score: float
    by: str  # "cue" or "meaning"


@lru_cache(maxsize=2048)
def _pattern(cue: str) -> re.Pattern[str]:
    return re.compile(cue, re.IGNORECASE)


def sentences(text: str) -> list[str]:
    """Sentences of a turn; a question mark ends a sentence even before a lower-case word."""
    pieces = []
    for sentence in split_sentences(text):
        pieces.extend(p.strip() for p in re.split(r"(?<=[?？])\s*", sentence) if p.strip())
    return pieces


class CueMatcher:
    """Finds the sentence of a turn that best shows a move. ``threshold`` is the least cosine
    for a match by meaning; ``questions`` are cues that make a sentence a question."""

    def __init__(
        self,
        encoder: NamedEmbeddings | None,
        threshold: float,
        questions: Sequence[str] = (),
        open_questions: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> None:
        self._encoder = encoder
        self.threshold = threshold
        self._questions = tuple(questions)
        self._open = tuple(open_questions)
        self._tags = tuple(tags)
        self._vectors = ExemplarVectors(encoder) if encoder is not None else None

    def is_question(self, sentence: str) -> bool:
        stripped = sentence.strip()
        return stripped.endswith(("?", "？")) or any(
            _pattern(q).search(stripped) for q in self._questions
        )

    def is_tag_question(self, sentence: str) -> bool:
        """A statement with a question tag ("..., okay?", "……可以嗎？"): it says something."""
        return any(_pattern(t).search(sentence.strip()) for t in self._tags)

    def is_open_question(self, sentence: str) -> bool:
        return self.is_question(sentence) and any(_pattern(q).search(sentence) for q in self._open)

    def _keep(self, sentence: str, kind: str) -> bool:
        """``questions``; ``statements`` (tag questions count: they assert); ``proposals``
        (statements and closed questions such as "Could we meet on Monday?")."""
        if kind == "questions":
            return self.is_question(sentence)
        if kind == "statements":
            return not self.is_question(sentence) or self.is_tag_question(sentence)
        if kind == "proposals":
            return not self.is_open_question(sentence)
        return True

    def find(
        self,
        text: str,
        cues: Sequence[str] = (),
        examples: Sequence[str] = (),
        *,
        kind: str = "any",
        threshold: float | None = None,
    ) -> Match | None:
        """The best matching sentence of ``text`` (of its questions or statements only, per
        ``kind``), or None when none is close enough."""
        candidates = [s for s in sentences(text) if self._keep(s, kind)]
        if not candidates:
            return None
        for sentence in candidates:
            if any(_pattern(cue).search(sentence) for cue in cues):
                return Match(sentence, 1.0, "cue")
        best = self.closest(candidates, examples)
        limit = self.threshold if threshold is None else threshold
        if best is not None and best.score >= limit:
            return best
        return None

    def closest(self, candidates: Sequence[str], examples: Sequence[str]) -> Match | None:
        """The candidate sentence most similar to any example (no threshold)."""
        if self._vectors is None or not examples or not candidates:
            return None
        left = self._vectors.vectors(candidates)
        right = self._vectors.vectors(examples)
        similarities = left @ right.T
        row, _ = np.unravel_index(int(np.argmax(similarities)), similarities.shape)
        return Match(candidates[row], float(similarities.max()), "meaning")
