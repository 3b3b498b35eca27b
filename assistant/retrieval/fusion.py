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
    rankings: Sequence[Sequence[tuple[str, float]]],
    weights: Sequence[float],
    groups: Sequence[int] | None = None,
) -> list[tuple[str, float]]:
    """Score = sum of weight x score scaled to [0, 1] by the best score of the list's group.

    Scaling by the maximum (not min-max) keeps an item that one retriever found weakly
    above zero, and items a retriever did not return count as zero there. Lists of one group
    (one retriever's same-language and other-language rankings) share one scale, so a weak
    best match in the other language is not lifted to the strength of a good one in the
    question's language; without groups each list is its own."""
    groups = groups if groups is not None else list(range(len(rankings)))
    best: dict[int, float] = {}
    for ranking, group in zip(rankings, groups, strict=True):
        for _, score in ranking:
            best[group] = max(best.get(group, 0.0), score)
    fused: dict[str, float] = {}
    for ranking, weight, group in zip(rankings, weights, groups, strict=True):
        if not ranking or best.get(group, 0.0) <= 0:
            continue
        for item, score in ranking:
            fused[item] = fused.get(item, 0.0) + weight * max(score, 0.0) / best[group]
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))


def zscore_fusion(
    rankings: Sequence[Sequence[tuple[str, float]]],
    weights: Sequence[float],
    groups: Sequence[int] | None = None,
) -> list[tuple[str, float]]:
    """Score = sum of weight x the score's standard score within its group of lists (mean
    and spread of the group's scores pooled); an item a list did not return counts there as
    the group's lowest standard score. Without groups each list is its own. A group without
    spread (one hit) gives a positive score the standard score that makes its weighted share
    equal the best weighted top of the other groups (at least 1) and the rest 0.

    Scaling by the best score alone leaves cosine similarities bunched near 1 (0.45 and 0.60
    become 0.75 and 1.0) while BM25 scores spread from 0 to 1, so the lexical side decides
    the order whatever its weight. Standard scores put both spreads on one scale."""
    groups = groups if groups is not None else list(range(len(rankings)))
    pooled: dict[int, list[float]] = {}
    for ranking, weight, group in zip(rankings, weights, groups, strict=True):
        if ranking and weight != 0:
            pooled.setdefault(group, []).extend(score for _, score in ranking)
    moments = {g: (statistics.fmean(v), statistics.pstdev(v)) for g, v in pooled.items()}
    floors = {
        g: (min(v) - moments[g][0]) / moments[g][1] if moments[g][1] else 0.0
        for g, v in pooled.items()
    }
    # Without a spread (a lone hit, or equal scores) a positive score's weighted share is the
    # best weighted share a list with a spread gives its top, and at least one spread: a lone
    # exact match for a rare code is the strongest evidence its list can give, and hash
    # collisions or a page of noise must not outrank it on the dense side alone, whatever
    # the two sides' weights (dense 0.6 must not bury a lone BM25 match).
    group_weight: dict[int, float] = {}
    for weight, group in zip(weights, groups, strict=True):
        group_weight[group] = max(group_weight.get(group, 0.0), weight)
    tops = [
        group_weight[g] * (max(v) - moments[g][0]) / moments[g][1]
        for g, v in pooled.items()
        if moments[g][1]
    ]

    def standard(score: float, mean: float, spread: float, weight: float) -> float:
        if spread:
            return (score - mean) / spread
        return max([1.0, *(top / weight for top in tops)]) if score > 0 else 0.0

    scaled: list[tuple[dict[str, float], float, float]] = []
    for ranking, weight, group in zip(rankings, weights, groups, strict=True):
        if not ranking or weight == 0:
            continue
        mean, spread = moments[group]
        scores = {item: standard(score, mean, spread, weight) for item, score in ranking}
        scaled.append((scores, floors[group], weight))
    items = {item for scores, _, _ in scaled for item in scores}
    fused = {
        item: sum(weight * scores.get(item, floor) for scores, floor, weight in scaled)
        for item in items
    }
    return sorted(fused.items(), key=lambda pair: (-pair[1], pair[0]))
