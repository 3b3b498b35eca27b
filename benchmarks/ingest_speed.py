"""Ingest speed on the FAQ folder: baseline vs KAM Coach, first ingest vs unchanged re-ingest.

MB/s is the folder's source size over wall seconds, model loading excluded (timed apart);
"cold" MB/s counts the model load as well (a first ingest after start). Give the baseline
several runs (``--baseline-threads 0 0 0``): the best run is its figure.
Goals: KAM >= 2x the baseline's MB/s; re-ingesting an unchanged folder >= 50x faster than
the first ingest. For every KAM embedding choice it also splits the first ingest into
parse+chunk, embedding, Chroma writes, BM25 rebuild and the rest (manifest, hashing).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from assistant.config import EmbeddingName
from assistant.documents import load_document
from assistant.ingest.chunking import chunk_document
from assistant.ingest.discovery import discover
from assistant.offline import go_offline
from assistant.services import Services
from benchmarks.baseline import build_baseline
from benchmarks.faq_dataset import add_faq_arguments, embedding_setups, ensure_dataset
from benchmarks.instrument import TimedEmbeddings, TimedVectorStore
from benchmarks.kam import temporary_services
from benchmarks.reporting import markdown_table, save_results

MB_GOAL = 2.0
REINGEST_GOAL = 50.0


def time_parse_and_chunk(folder: Path, chunk_tokens: int) -> tuple[float, int]:
    """Seconds to read, hash, parse and chunk every file the way the ingestor does."""
    files, _ = discover([folder])
    started = time.perf_counter()
    chunks = 0
    for path in files:
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        chunks += len(chunk_document(load_document(path, data), chunk_tokens))
    return time.perf_counter() - started, chunks


def measure_kam(
    label: str, name: EmbeddingName, runtime: str, folder: Path, source_mb: float
) -> tuple[dict[str, object], dict[str, object]]:
    """(speed row, time-breakdown row) for one embedding choice."""
    with temporary_services(name, encoder_runtime=runtime) as services:
        timed_embeddings, timed_vectors = instrument(services)
        started = time.perf_counter()
        timed_embeddings.warm_up()
        model_load = time.perf_counter() - started
        timed_embeddings.reset()
        first = services.ingestor.ingest([folder], "faq")
        embed_s, upsert_s = timed_embeddings.seconds, timed_vectors.upsert_seconds
        second = services.ingestor.ingest([folder], "faq")
        started = time.perf_counter()
        services.index.rebuild_lexical()
        lexical_s = time.perf_counter() - started
        parse_s, _ = time_parse_and_chunk(folder, services.settings.chunk_tokens)
    if first.failed or second.added or second.replaced:
        print(
            f"  WARNING {label}: first failed {len(first.failed)}, "
            f"second added {len(second.added)} replaced {len(second.replaced)}"
        )
    speed = {
        "system": f"KAM {label}",
        "chunks": first.chunks_added,
        "ingest_s": round(first.seconds, 2),
        "mb_per_s": source_mb / first.seconds,
        "reingest_s": round(second.seconds, 3),
        "reingest_mb_per_s": source_mb / second.seconds,
        "reingest_speedup": first.seconds / second.seconds,
        "model_load_s": round(model_load, 2),
        "cold_mb_per_s": source_mb / (first.seconds + model_load),
    }
    rest = first.seconds - embed_s - upsert_s - lexical_s - parse_s
    breakdown = {
        "system": f"KAM {label}",
        "total_s": first.seconds,
        "parse+chunk_s": parse_s,
        "embed_s": embed_s,
        "chroma_upsert_s": upsert_s,
        "bm25_rebuild_s": lexical_s,
        "rest_s": rest,
        "embed_share": embed_s / first.seconds,
        "chunks_per_embed_s": first.chunks_added / embed_s if embed_s else None,
    }
    print(
        f"  {speed['system']}: {speed['mb_per_s']:.4f} MB/s, re-ingest "
        f"{speed['reingest_speedup']:.0f}x faster",
        flush=True,
    )
    return speed, breakdown


def instrument(services: Services) -> tuple[TimedEmbeddings, TimedVectorStore]:
    """Swap the index's embeddings and vector store for timing wrappers (same objects inside)."""
    timed_embeddings = TimedEmbeddings(services.index.embeddings)
    timed_vectors = TimedVectorStore(services.index.vectors)
    services.index.embeddings = timed_embeddings
    services.index.vectors = timed_vectors  # type: ignore[assignment]
    return timed_embeddings, timed_vectors


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_faq_arguments(parser)
    parser.add_argument(
        "--baseline-threads",
        nargs="*",
        type=int,
        default=[0],
        help="torch threads per baseline run, in order; 0: torch's default (the tutorial's); "
        "give no value to skip the baseline",
    )
    args = parser.parse_args()
    folder = ensure_dataset(args.data)
    source_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    started_all = time.perf_counter()

    speed_rows: list[dict[str, object]] = []
    for threads in args.baseline_threads:
        baseline = build_baseline(folder, threads or None)
        try:
            speed_rows.append(
                {
                    "system": f"baseline (torch threads {baseline.torch_threads})",
                    "chunks": baseline.chunks,
                    "ingest_s": round(baseline.ingest_seconds, 2),
                    "mb_per_s": baseline.mb_per_second,
                    "model_load_s": round(baseline.model_load_seconds, 2),
                    "cold_mb_per_s": source_mb
                    / (baseline.ingest_seconds + baseline.model_load_seconds),
                }
            )
            print(f"  {speed_rows[-1]['system']}: {baseline.mb_per_second:.4f} MB/s", flush=True)
        finally:
            baseline.close()
    baselines = list(speed_rows)

    breakdowns: list[dict[str, object]] = []
    for label, name, runtime in embedding_setups(args.embeddings, args.runtimes):
        speed, breakdown = measure_kam(label, name, runtime, folder, source_mb)
        speed_rows.append(speed)
        breakdowns.append(breakdown)

    tutorial = baselines[0]["mb_per_s"] if baselines else None
    best = max((float(b["mb_per_s"]) for b in baselines), default=None)
    best_cold = max((float(b["cold_mb_per_s"]) for b in baselines), default=None)
    for row in speed_rows:
        mbps = float(row["mb_per_s"])  # type: ignore[arg-type]
        row["vs tutorial baseline"] = mbps / float(tutorial) if tutorial else None
        row["vs best baseline"] = mbps / best if best else None
        cold = float(row["cold_mb_per_s"])  # type: ignore[arg-type]
        row["cold vs best baseline cold"] = cold / best_cold if best_cold else None
    columns = [
        "system",
        "chunks",
        "ingest_s",
        "mb_per_s",
        "vs tutorial baseline",
        "vs best baseline",
        "cold_mb_per_s",
        "cold vs best baseline cold",
        "reingest_s",
        "reingest_mb_per_s",
        "reingest_speedup",
        "model_load_s",
    ]
    print(f"\n## Ingest speed ({source_mb:.3f} MB, {sum(1 for _ in folder.iterdir())} files)\n")
    print(markdown_table(speed_rows, columns))
    print(f"\nGoals: KAM MB/s >= {MB_GOAL}x baseline; re-ingest >= {REINGEST_GOAL}x faster.")
    print("\n## Where the first ingest's time goes (seconds)\n")
    print(markdown_table(breakdowns))
    elapsed = time.perf_counter() - started_all
    print(f"\ntotal {elapsed:.0f}s")
    path = save_results(
        "ingest_speed",
        {
            "source_mb": source_mb,
            "speed": speed_rows,
            "breakdown": breakdowns,
            "goals": {"mb_ratio": MB_GOAL, "reingest_speedup": REINGEST_GOAL},
            "seconds": round(elapsed, 1),
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
