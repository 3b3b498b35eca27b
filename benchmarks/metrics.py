"""Ranking metrics for one relevant document per query (binary relevance)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def unique_sources(ranked: Iterable[str]) -> list[str]:
    """Drop repeated sources, keeping each one at its first (best) rank."""
    return list(dict.fromkeys(ranked))


def first_rank(ranked_sources: Sequence[str], expected: str) -> int | None:
    """1-based rank of ``expected`` among deduplicated sources, or None."""
    for rank, source in enumerate(unique_sources(ranked_sources), start=1):
        if source == expected:
            return rank
    return None


@dataclass(frozen=True)
class RankingScores:
    recall_at_5: float
    mrr_at_10: float
    ndcg_at_10: float
    queries: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "recall@5": self.recall_at_5,
            "mrr@10": self.mrr_at_10,
            "ndcg@10": self.ndcg_at_10,
            "queries": self.queries,
        }


def score_ranks(ranks: Sequence[int | None]) -> RankingScores:
    """Recall@5, MRR@10 and nDCG@10 (ideal DCG is 1: a single relevant document)."""
    n = len(ranks)
    if n == 0:
        return RankingScores(0.0, 0.0, 0.0, 0)
    recall = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1.0 / r for r in ranks if r is not None and r <= 10) / n
    ndcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= 10) / n
    return RankingScores(recall, mrr, ndcg, n)
