"""Combine ranked lists from the dense and lexical retrievers."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[tuple[str, float]]],
    weights: Sequence[float] | None = None,
    k: int = 60,
) -> list[tuple[str, float]]:
    """Score = sum of weight / (k + rank), rank counted from 1."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (item, _score) in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def weighted_score_fusion(
    rankings: Sequence[Sequence[tuple[str, float]]], weights: Sequence[float]
) -> list[tuple[str, float]]:
    """Score = sum of weight x score scaled to [0, 1] by the list's best score.

    Scaling by the maximum (not min-max) keeps an item that one retriever found weakly
    above zero, and items a retriever did not return count as zero there."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        if not ranking:
            continue
        best = max(score for _, score in ranking)
        if best <= 0:
            continue
        for item, score in ranking:
            fused[item] = fused.get(item, 0.0) + weight * max(score, 0.0) / best
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def zscore_fusion(
    rankings: Sequence[Sequence[tuple[str, float]]], weights: Sequence[float]
) -> list[tuple[str, float]]:
    """Score = sum of weight x the score's standard score within its list; an item a list did
    not return counts there as that list's lowest score.

    Scaling by the best score alone leaves cosine similarities bunched near 1 (0.45 and 0.60
    become 0.75 and 1.0) while BM25 scores spread from 0 to 1, so the lexical side decides
    the order whatever its weight. Standard scores put both spreads on one scale."""
    scaled: list[tuple[dict[str, float], float, float]] = []
    for ranking, weight in zip(rankings, weights, strict=True):
        if not ranking or weight == 0:
            continue
        scores = [score for _, score in ranking]
        mean, spread = statistics.fmean(scores), statistics.pstdev(scores)
        standard = {item: (score - mean) / spread if spread else 0.0 for item, score in ranking}
        scaled.append((standard, min(standard.values()), weight))
    items = {item for standard, _, _ in scaled for item in standard}
    fused = {
        item: sum(weight * standard.get(item, floor) for standard, floor, weight in scaled)
        for item in items
    }
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
