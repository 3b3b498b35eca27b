"""Variants of the default zscore fusion, replayed on the rankings ``fusion_learning.py dump``
saved (development queries only): how the lexical side treats a passage it did not return, a
lexical side that can only add, and a lexical weight that follows how sure BM25 is of its best
passage. nDCG@10 over files, as the benchmarks count it. The default row is the product's own
``zscore_fusion``; the variants are replayed on a plain zscore fusion (``fuse``: no special
score for a ranking without spread), whose own figure at the default weights is a row too.

``python -m benchmarks.fusion_variants [--lists FILE]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.config import Settings
from assistant.retrieval.fusion import zscore_fusion
from benchmarks.fusion_learning import LISTS_FILE
from benchmarks.metrics import ndcg_at_k
from benchmarks.reporting import markdown_table

Ranking = Sequence[tuple[str, float]]
Fusion = Callable[[list[list[tuple[str, float]]]], list[str]]


def standard_scores(ranking: Ranking) -> tuple[dict[str, float], float]:
    """Each item's standard score within its ranking, and the ranking's lowest."""
    scores = [score for _, score in ranking]
    mean, spread = statistics.fmean(scores), statistics.pstdev(scores)
    if not spread:
        return {item: 1.0 for item, _ in ranking}, 0.0
    return {item: (s - mean) / spread for item, s in ranking}, (min(scores) - mean) / spread


def fuse(
    rankings: Sequence[Ranking],
    weights: Sequence[float],
    lexical_absent: float | None = None,
    lexical_floor: float | None = None,
) -> list[str]:
    """zscore fusion of the four rankings (dense same / other language, lexical same / other).
    ``lexical_absent``: what a passage the lexical side did not return counts there (None: the
    ranking's lowest, as the product does); ``lexical_floor``: lexical standard scores below it
    count as it (0: the lexical side only adds)."""
    fused: dict[str, float] = {}
    parts = []
    for position, (ranking, weight) in enumerate(zip(rankings, weights, strict=True)):
        if not ranking or not weight:
            continue
        scores, lowest = standard_scores(ranking)
        if position >= 2:
            if lexical_absent is not None:
                lowest = lexical_absent
            if lexical_floor is not None:
                scores = {item: max(value, lexical_floor) for item, value in scores.items()}
                lowest = max(lowest, lexical_floor)
        parts.append((scores, lowest, weight))
    for item in {item for scores, _, _ in parts for item in scores}:
        fused[item] = sum(weight * scores.get(item, lowest) for scores, lowest, weight in parts)
    return sorted(fused, key=lambda item: -fused[item])


def best_standard_score(ranking: Ranking) -> float:
    return max(standard_scores(ranking)[0].values()) if len(ranking) > 1 else 0.0


def variants(dense: float) -> dict[str, Fusion]:
    lexical = 1.0 - dense
    default = [dense, dense, lexical, lexical]

    def sure_lexical(low: float, high: float) -> Fusion:
        """The lexical weight from half to one and a half times the default, as the best
        lexical passage's standard score goes from ``low`` to ``high``."""

        def fusion(rankings: list[list[tuple[str, float]]]) -> list[str]:
            top = best_standard_score(rankings[2]) if rankings[2] else 0.0
            share = lexical * (0.5 + min(1.0, max(0.0, (top - low) / (high - low))))
            return fuse(rankings, [1 - share, 1 - share, share, share])

        return fusion

    return {
        "default (the product's zscore_fusion)": lambda r: [
            i for i, _ in zscore_fusion(r, default)
        ],
        "plain zscore, default weights": lambda r: fuse(r, default),
        "dense only": lambda r: fuse(r, [1, 1, 0, 0]),
        "lexical only": lambda r: fuse(r, [0, 0, 1, 1]),
        "lexical absent counts 0": lambda r: fuse(r, default, lexical_absent=0.0),
        "lexical only adds (floor 0)": lambda r: fuse(r, default, lexical_floor=0.0),
        "lexical floor -0.5": lambda r: fuse(r, default, lexical_floor=-0.5),
        "lexical weight by BM25's surety (2-5)": sure_lexical(2.0, 5.0),
        "lexical weight by BM25's surety (3-6)": sure_lexical(3.0, 6.0),
    }


def score(rows: list[dict], fusion: Fusion) -> float:
    values = []
    for row in rows:
        rankings = [[(i, float(s)) for i, s in ranking] for ranking in row["lists"]]
        sources = list(dict.fromkeys(row["sources"].get(i, "") for i in fusion(rankings)))
        values.append(ndcg_at_k(sources, [row["expected_source"]], 10))
    return statistics.fmean(values) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=Path, default=LISTS_FILE)
    args = parser.parse_args()
    saved: dict[str, list[dict]] = json.loads(args.lists.read_text())
    table = []
    for name, fusion in variants(Settings().dense_weight).items():
        table.append(
            {"fusion": name, **{s: round(score(rows, fusion), 3) for s, rows in saved.items()}}
        )
    print(markdown_table(table))


if __name__ == "__main__":
    main()
