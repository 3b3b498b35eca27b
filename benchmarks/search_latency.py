"""Warm search latency of KAM Coach over an index of about 20,000 chunks.

The corpus is the FAQ benchmark folder plus further python3.11-doc HTML pages (library,
c-api, whatsnew, ...), added in a fixed order until the chunker's count reaches the target;
only if those run out are copies with a varied first line added. The FAQ questions are the
queries (cycled to the requested number). Each query runs in every mode (hybrid, dense,
lexical) in rotating order, after warm-up queries. Goals: p50 < 50 ms, p95 < 150 ms.

The index lives in a persistent data folder under ``benchmarks/results/`` so a second run
only re-checks the unchanged files; ``--fresh`` rebuilds it.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import time
from pathlib import Path

from assistant.config import Settings
from assistant.documents import load_document
from assistant.ingest.chunking import chunk_document
from assistant.offline import go_offline
from assistant.services import Services, build_services
from benchmarks.faq_dataset import (
    DOC_ROOT,
    add_faq_arguments,
    ensure_dataset,
    load_queries,
)
from benchmarks.reporting import RESULTS_DIR, markdown_table, save_results

EXTRA_FOLDERS = (
    "library",
    "c-api",
    "whatsnew",
    "distutils",
    "install",
    "installing",
    "distributing",
)
MODES = ("hybrid", "dense", "lexical")
EMBEDDING = "query embedding only"
P50_GOAL_MS = 50.0
P95_GOAL_MS = 150.0


def count_chunks(path: Path, chunk_tokens: int) -> int:
    return len(chunk_document(load_document(path, path.read_bytes()), chunk_tokens))


def build_corpus(
    target: int, faq_docs: Path, out: Path, chunk_tokens: int, doc_root: Path = DOC_ROOT
) -> int:
    """Fill ``out`` with files whose chunks add up to at least ``target``; return the count.
    An existing ``out`` is reused as it is (delete it to rebuild)."""
    marker = out / ".chunks"
    if marker.is_file():
        return int(marker.read_text())
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for path in sorted(faq_docs.iterdir()):
        shutil.copyfile(path, out / path.name)
        total += count_chunks(path, chunk_tokens)
    extra = [p for folder in EXTRA_FOLDERS for p in sorted((doc_root / folder).glob("*.html"))]
    for path in extra:
        if total >= target:
            break
        target_path = out / f"{path.parent.name}-{path.name}"
        shutil.copyfile(path, target_path)
        total += count_chunks(target_path, chunk_tokens)
    copy = 0
    originals = sorted(p for p in out.iterdir() if p.suffix == ".txt")
    while total < target:  # only if the documentation runs out
        source = originals[copy % len(originals)]
        varied = out / f"copy{copy // len(originals)}-{source.name}"
        varied.write_text(f"Variant {copy}.\n" + source.read_text(encoding="utf-8"), "utf-8")
        total += count_chunks(varied, chunk_tokens)
        copy += 1
    marker.write_text(str(total))
    return total


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(q / 100 * len(ordered))) - 1)]


def time_searches(
    services: Services, queries: list[str], warmup: list[str], k: int
) -> dict[str, list[float]]:
    """Milliseconds per search in every mode (rotating order, after untimed warm-up
    queries), and of the query embedding alone (``"query embedding only"``)."""
    searcher = services.searcher
    searcher.search("warm up the lexical index", k=k)
    for query in warmup:
        for mode in MODES:
            searcher.search(query, k=k, mode=mode)  # type: ignore[arg-type]
    timings: dict[str, list[float]] = {mode: [] for mode in (*MODES, EMBEDDING)}
    for number, query in enumerate(queries):
        order = MODES[number % 3 :] + MODES[: number % 3]
        for mode in order:
            begun = time.perf_counter()
            searcher.search(query, k=k, mode=mode)  # type: ignore[arg-type]
            timings[mode].append(1000 * (time.perf_counter() - begun))
        begun = time.perf_counter()
        services.index.embeddings.embed_query(query)
        timings[EMBEDDING].append(1000 * (time.perf_counter() - begun))
    return timings


def latency_rows(timings: dict[str, list[float]]) -> list[dict[str, object]]:
    """p50 / p95 / mean / max per mode, hybrid first, each with its p50 against hybrid's."""
    rows: list[dict[str, object]] = []
    for mode, values in timings.items():
        rows.append(
            {
                "mode": mode,
                "queries": len(values),
                "p50_ms": percentile(values, 50),
                "p95_ms": percentile(values, 95),
                "mean_ms": statistics.fmean(values),
                "max_ms": max(values),
            }
        )
    for row in rows:
        row["p50 vs hybrid"] = float(row["p50_ms"]) / float(rows[0]["p50_ms"])  # type: ignore[arg-type]
    return rows


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_faq_arguments(parser, embeddings="ensemble")
    parser.add_argument("--chunks", type=int, default=20000, help="target index size in chunks")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per mode")
    parser.add_argument("--warmup", type=int, default=20, help="untimed queries first")
    parser.add_argument("--k", type=int, default=5, help="passages per search")
    parser.add_argument(
        "--work",
        type=Path,
        default=RESULTS_DIR / "latency",
        help="corpus and index folder (reused between runs)",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild corpus and index")
    args = parser.parse_args()

    if args.fresh and args.work.exists():
        shutil.rmtree(args.work)
    label = f"{args.embeddings}-{args.chunks}"
    settings = Settings(data_dir=args.work / f"index-{label}", embeddings=args.embeddings)
    corpus = args.work / f"corpus-{args.chunks}"
    started = time.perf_counter()
    planned = build_corpus(args.chunks, ensure_dataset(args.data), corpus, settings.chunk_tokens)
    corpus_s = time.perf_counter() - started
    questions = [q["query"] for q in load_queries(args.data)]
    queries = [questions[i % len(questions)] for i in range(args.queries)]
    services = build_services(settings)
    try:
        started = time.perf_counter()
        services.index.embeddings.warm_up()
        model_load_s = time.perf_counter() - started
        report = services.ingestor.ingest([corpus], "latency")
        chunk_count = services.index.chunk_count()
        files = sum(1 for p in corpus.iterdir() if not p.name.startswith("."))
        print(
            f"index: {chunk_count} chunks from {files} files ({report.chunks_added} embedded "
            f"now in {report.seconds:.0f}s; corpus prepared in {corpus_s:.0f}s)",
            flush=True,
        )
        timings = time_searches(services, queries, questions[-args.warmup :], args.k)
    finally:
        services.close()

    rows = latency_rows(timings)
    hybrid = rows[0]
    print(f"\n## Search latency ({args.embeddings}, {chunk_count} chunks, k={args.k}, warm)\n")
    print(markdown_table(rows))
    meets = float(hybrid["p50_ms"]) < P50_GOAL_MS and float(hybrid["p95_ms"]) < P95_GOAL_MS
    print(
        f"\nGoal hybrid p50 < {P50_GOAL_MS:.0f} ms and p95 < {P95_GOAL_MS:.0f} ms: "
        f"{'met' if meets else 'NOT met'}"
    )
    path = save_results(
        f"search_latency_{label}",
        {
            "embeddings": args.embeddings,
            "chunks": chunk_count,
            "planned_chunks": planned,
            "files": files,
            "k": args.k,
            "rows": rows,
            "goal_met": meets,
            "ingest_seconds": round(report.seconds, 1),
            "chunks_embedded": report.chunks_added,
            "model_load_seconds": round(model_load_s, 2),
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
