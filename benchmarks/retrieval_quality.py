"""Retrieval quality on the Python FAQ benchmark: baseline vs KAM Coach configurations.

Recall@5, MRR@10 and nDCG@10 with one relevant document per query (the expected source
file); several chunks of one file count once, at their best rank. KAM Coach is ingested once
per embedding model into a fresh temporary data folder; search modes and fusion settings are
query-time, so they share that index (every other setting is the product default; several
passages of one file do not change a file's first rank). Ratios are against the baseline's
nDCG@10.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.config import EmbeddingName
from assistant.offline import go_offline
from assistant.retrieval.search import HybridSearcher
from benchmarks.baseline import build_baseline
from benchmarks.faq_dataset import (
    add_faq_arguments,
    embedding_setups,
    ensure_dataset,
    load_queries,
)
from benchmarks.kam import temporary_services, variant
from benchmarks.metrics import score_rankings
from benchmarks.reporting import markdown_table, save_results

SearchFn = Callable[[str], list[str]]

# (label, mode, fusion, dense_weight)
KAM_CONFIGS: tuple[tuple[str, str, str, float], ...] = (
    ("dense", "dense", "rrf", 0.5),
    ("lexical (BM25)", "lexical", "rrf", 0.5),
    ("hybrid rrf", "hybrid", "rrf", 0.5),
    ("hybrid weighted 0.5 (default)", "hybrid", "weighted", 0.5),
    ("hybrid weighted 0.7", "hybrid", "weighted", 0.7),
    ("hybrid zscore 0.5", "hybrid", "zscore", 0.5),
    ("hybrid zscore 0.6", "hybrid", "zscore", 0.6),
    ("hybrid zscore 0.7", "hybrid", "zscore", 0.7),
)
REPORTED_BASELINE = {"recall@5": 0.865, "mrr@10": 0.710, "ndcg@10": 0.759}


def evaluate(search: SearchFn, queries: Sequence[dict[str, str]]) -> dict[str, float | int]:
    """Score one system; ``search`` returns ranked source file names (duplicates allowed)."""
    started = time.perf_counter()
    rankings = [(search(q["query"]), q["expected_source"]) for q in queries]
    result = score_rankings(rankings).as_dict()
    result["ms_per_query"] = round(1000 * (time.perf_counter() - started) / len(queries), 2)
    result["misses@10"] = sum(
        1 for ranked, expected in rankings if expected not in list(dict.fromkeys(ranked))[:10]
    )
    return result


def run_kam(
    label: str,
    embeddings: EmbeddingName,
    runtime: str,
    docs: Path,
    queries: Sequence[dict[str, str]],
    depth: int,
    candidates: int,
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """Ingest once with ``embeddings``, then score every query-time configuration."""
    with temporary_services(embeddings, encoder_runtime=runtime, candidates=candidates) as services:
        services.index.embeddings.warm_up()
        report = services.ingestor.ingest([docs], "faq")
        ingest = {
            "embeddings": label,
            "chunks": report.chunks_added,
            "ingest_s": round(report.seconds, 2),
            "failed": len(report.failed),
        }
        for path, why in report.failed:
            print(f"  FAILED {path}: {why}")
        rows = []
        for name, mode, fusion, weight in KAM_CONFIGS:
            with variant(services, fusion=fusion, dense_weight=weight) as configured:
                searcher = configured.searcher

                def search(query: str, s: HybridSearcher = searcher, m: str = mode) -> list[str]:
                    passages = s.search(query, k=depth, mode=m)  # type: ignore[arg-type]
                    return [p.source for p in passages]

                rows.append({"system": f"KAM {label} / {name}", **evaluate(search, queries)})
            print(f"  {rows[-1]['system']}: nDCG@10 {rows[-1]['ndcg@10']:.3f}", flush=True)
        return ingest, rows


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_faq_arguments(parser)
    parser.add_argument(
        "--depth",
        type=int,
        default=40,
        help="passages fetched per query before deduplicating sources (default: candidates)",
    )
    parser.add_argument("--candidates", type=int, default=40, help="KAM candidates per retriever")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="torch threads for the baseline's MiniLM (speed only; KAM uses its setting, 1)",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()

    docs = ensure_dataset(args.data)
    queries = load_queries(args.data)
    print(f"{len(queries)} queries over {sum(1 for _ in docs.iterdir())} files", flush=True)
    started = time.perf_counter()
    rows: list[dict[str, object]] = []
    ingests: list[dict[str, object]] = []

    if not args.skip_baseline:
        baseline = build_baseline(docs, args.torch_threads)
        try:
            ingests.append(
                {
                    "embeddings": "baseline (MiniLM)",
                    "chunks": baseline.chunks,
                    "ingest_s": round(baseline.ingest_seconds, 2),
                    "failed": 0,
                }
            )
            row = evaluate(lambda q: baseline.search(q, args.depth), queries)
            rows.append({"system": "baseline (LangChain tutorial, dense)", **row})
            print(f"  baseline: nDCG@10 {row['ndcg@10']:.3f}", flush=True)
        finally:
            baseline.close()

    for label, name, runtime in embedding_setups(args.embeddings, args.runtimes):
        ingest, kam_rows = run_kam(label, name, runtime, docs, queries, args.depth, args.candidates)
        ingests.append(ingest)
        rows += kam_rows

    reference = rows[0]["ndcg@10"] if not args.skip_baseline else None
    for row in rows:
        row["ndcg vs baseline"] = (
            round(float(row["ndcg@10"]) / float(reference), 3) if reference else None
        )
    columns = [
        "system",
        "recall@5",
        "mrr@10",
        "ndcg@10",
        "ndcg vs baseline",
        "misses@10",
        "ms_per_query",
    ]
    print("\n## Retrieval quality (Python FAQ, binary relevance)\n")
    print(markdown_table(rows, columns))
    print("\n## Ingests\n")
    print(markdown_table(ingests))
    if not args.skip_baseline:
        print(f"\nBaseline as reported in STACK.md/issue: {REPORTED_BASELINE}")
    elapsed = time.perf_counter() - started
    print(f"\ntotal {elapsed:.0f}s")
    path = save_results(
        "retrieval_quality",
        {
            "queries": len(queries),
            "depth": args.depth,
            "candidates": args.candidates,
            "reported_baseline": REPORTED_BASELINE,
            "rows": rows,
            "ingests": ingests,
            "seconds": round(elapsed, 1),
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
