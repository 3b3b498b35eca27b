"""Metric functions over one question's result; each is small and checked by hand in tests."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

KeyFact = str | Sequence[str]


def _dedupe(sources: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(sources))


def hit_at_k(ranked: Sequence[str], expected: Sequence[str], k: int) -> float:
    return float(any(source in expected for source in _dedupe(ranked)[:k]))


def recall_at_k(ranked: Sequence[str], expected: Sequence[str], k: int) -> float:
    """Share of the expected documents found in the first k distinct documents."""
    if not expected:
        return 0.0
    top = set(_dedupe(ranked)[:k])
    return len(top & set(expected)) / len(set(expected))


def mrr_at_k(ranked: Sequence[str], expected: Sequence[str], k: int = 10) -> float:
    for rank, source in enumerate(_dedupe(ranked)[:k], start=1):
        if source in expected:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], expected: Sequence[str], k: int = 10) -> float:
    """Binary relevance: any expected document is relevant; ideal = all of them first."""
    distinct = _dedupe(ranked)[:k]
    gains = [1.0 / math.log2(rank + 1) for rank, s in enumerate(distinct, start=1) if s in expected]
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(set(expected)), k) + 1))
    return sum(gains) / ideal if ideal else 0.0


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip().lower()


def key_fact_recall(answer: str, key_facts: Sequence[KeyFact]) -> float:
    """Share of key facts present in the answer; a list counts if any alternative is present."""
    if not key_facts:
        return 1.0
    text = _normalise(answer)
    found = 0
    for fact in key_facts:
        alternatives = [fact] if isinstance(fact, str) else list(fact)
        found += any(_normalise(alt) in text for alt in alternatives)
    return found / len(key_facts)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
