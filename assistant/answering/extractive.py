"""Extractive answers: the most relevant, non-redundant sentences of the retrieved passages,
grouped by source so they read as an answer, each cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.answering.support import passage_units, token_overlap
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.retrieval.search import Passage
from assistant.text.language import detect_language, is_chinese

# Sentences about the document itself rather than the subject.
_META = re.compile(
    r"^(this (document|guide|article|section|note)|本文|本文件|這份文件)", re.IGNORECASE
)
_LIST_INTRO = (":", "：")


@dataclass(frozen=True)
class Candidate:
    passage_index: int
    position: int
    text: str
    relevance: float
    semantic: float
    lexical: float


@dataclass(frozen=True)
class Selection:
    """The chosen sentences (in reading order) and the evidence strength behind them."""

    sentences: list[Candidate]
    best_semantic: float
    best_lexical: float
    continuations: dict[tuple[int, int], list[str]] | None = None


class ExtractiveComposer:
    def __init__(
        self,
        encoder: NamedEmbeddings,
        max_sentences: int = 5,
        redundancy: float = 0.85,
        relative_floor: float = 0.5,
    ) -> None:
        self._encoder = encoder
        self._max = max_sentences
        self._redundancy = redundancy
        self._floor = relative_floor

    def select(self, question: str, passages: list[Passage], expansion: str = "") -> Selection:
        by_passage = [passage_units(passage.text) for passage in passages]
        candidates: list[tuple[int, int, str]] = [
            (i, j, sentence)
            for i, units in enumerate(by_passage)
            for j, (sentence, _) in enumerate(units)
        ]
        if not candidates:
            return Selection([], 0.0, 0.0)
        texts = [c[2] for c in candidates]
        vectors = self._encoder.embed_array(texts)
        query = self._encoder.embed_array([question])[0]
        semantic = vectors @ query
        lexical_query = f"{question} {expansion}".strip()
        lexical = np.array([token_overlap(lexical_query, t) for t in texts])
        # Rank prior: the retriever's order is evidence too.
        prior = np.array([1.0 / (1.0 + 0.1 * c[0]) for c in candidates])
        # Prefer the question's language when both are available; sentences about the
        # document itself say little.
        chinese_question = is_chinese(detect_language(question))
        same_language = np.array(
            [1.0 if is_chinese(detect_language(t)) == chinese_question else 0.85 for t in texts]
        )
        meta = np.array(
            [0.5 if _META.match(t) else 0.8 if t.startswith("|") else 1.0 for t in texts]
        )
        relevance = (0.65 * semantic + 0.35 * np.minimum(lexical * 2.0, 1.0)) * prior
        relevance = relevance * same_language * meta
        scored = [
            Candidate(i, j, t, float(r), float(s), float(lx))
            for (i, j, t), r, s, lx in zip(candidates, relevance, semantic, lexical, strict=True)
        ]
        chosen = self._pick(scored, vectors)
        chosen.sort(key=lambda c: (c.passage_index, c.position))
        continuations = {}
        for c in chosen:
            units = by_passage[c.passage_index]
            if units[c.position][1]:
                continue  # a list item itself
            items = []
            for text, is_item in units[c.position + 1 : c.position + 6]:
                if not is_item and not (c.text.endswith(_LIST_INTRO) and not items):
                    break
                items.append(text)
            if items and (c.text.endswith(_LIST_INTRO) or units[c.position + 1][1]):
                continuations[(c.passage_index, c.position)] = items
        return Selection(chosen, float(semantic.max()), float(lexical.max()), continuations)

    def _pick(self, scored: list[Candidate], vectors: np.ndarray) -> list[Candidate]:
        order = sorted(range(len(scored)), key=lambda i: -scored[i].relevance)
        best = scored[order[0]].relevance
        picked: list[int] = []
        for index in order:
            candidate = scored[index]
            if len(picked) == self._max or candidate.relevance < best * self._floor:
                break
            duplicate = any(
                float(vectors[index] @ vectors[other]) > self._redundancy
                or token_overlap(candidate.text, scored[other].text) > 0.8
                for other in picked
            )
            if not duplicate:
                picked.append(index)
        return [scored[i] for i in picked]
