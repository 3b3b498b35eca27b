"""Fusion settings on the bilingual development queries: one ingest with the default
embeddings, then every setting scored on the same index (development queries only; the
held-out ones are never read). ``python -m benchmarks.fusion_sweep --data DIR``."""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

from assistant.offline import go_offline
from assistant.retrieval.search import HybridSearcher
from benchmarks.bilingual_quality import load_dev_queries, score_by_direction
from benchmarks.kam import temporary_services
from benchmarks.reporting import RESULTS_DIR


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--depth", type=int, default=40)
    args = parser.parse_args()
    settings = list(itertools.product(("weighted", "zscore", "rrf"), (0.5, 0.7, 0.85), (1.0, 2.0)))
    results: dict[str, list[dict]] = {}
    for data in args.data:
        queries = load_dev_queries(data)
        with temporary_services("ensemble") as services:
            services.ingestor.ingest([data / "docs"], "kb")
            base = services.searcher
            rows = []
            for fusion, dense_weight, cross in settings:
                searcher = HybridSearcher(
                    base.index,
                    fusion=fusion,
                    dense_weight=dense_weight,
                    candidates=services.settings.candidates,
                    cross_lingual_weight=cross,
                    glossary=base._glossary,
                    max_per_source=services.settings.max_per_source,
                )

                def search(query: str, s: HybridSearcher = searcher) -> list[str]:
                    return [p.source for p in s.search(query, k=args.depth)]

                ranked = {q["query"]: search(q["query"]) for q in queries}
                scores = score_by_direction(ranked, queries)
                row = {"fusion": fusion, "dense_weight": dense_weight, "cross": cross, **scores}
                rows.append(row)
                print(data.name, json.dumps(row), flush=True)
            results[data.name] = rows
    out = RESULTS_DIR / "fusion_sweep.json"
    out.write_text(json.dumps(results, indent=1))
    print("saved", out)


if __name__ == "__main__":
    main()
