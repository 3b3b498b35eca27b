"""Ranking scores for the benchmarks: one relevant document per query, averaged over a set.
The per-query metrics are the product's own (``assistant.evaluation.metrics``): one set of
ranking metrics for evaluations and benchmarks alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.evaluation.metrics import hit_at_k, mean, mrr_at_k, ndcg_at_k

# Re-exported for the benchmarks that score one query at a time.
__all__ = ["RankingScores", "hit_at_k", "mrr_at_k", "ndcg_at_k", "score_rankings"]


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


def score_rankings(rankings: Sequence[tuple[Sequence[str], str]]) -> RankingScores:
    """Recall@5 (a single relevant document: the hit rate), MRR@10 and nDCG@10 over
    ``(ranked sources, expected source)`` pairs."""
    if not rankings:
        return RankingScores(0.0, 0.0, 0.0, 0)
    return RankingScores(
        mean([hit_at_k(ranked, [expected], 5) for ranked, expected in rankings]),
        mean([mrr_at_k(ranked, [expected], 10) for ranked, expected in rankings]),
        mean([ndcg_at_k(ranked, [expected], 10) for ranked, expected in rankings]),
        len(rankings),
    )
