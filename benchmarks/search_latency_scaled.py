"""Warm search latency at index sizes beyond what this machine can embed in a benchmark run
(20,000 and 100,000 chunks), with synthesised vectors and real queries.

The FAQ benchmark folder is ingested for real (about 3,800 chunks, the default embeddings).
Further chunks are copies of those: the same text (so the lexical index keeps the real word
distribution, each copy a document of its own) and the real vector plus Gaussian noise
(``--noise``, then normalised), written straight into the manifest and the vector store as an
ingest would (one file record per copied document). Each size is timed after the copies that
reach it, with the FAQ questions as queries, every mode in rotating order; the baselines in
the same run are dense-only and lexical-only on the same index.

``python -m benchmarks.search_latency_scaled --sizes 20000 100000``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.index.manifest import ChunkRecord, DocumentRecord, FileRecord
from assistant.offline import go_offline
from assistant.services import Services, build_services
from benchmarks.faq_dataset import add_faq_arguments, ensure_dataset, load_queries
from benchmarks.reporting import RESULTS_DIR, markdown_table, save_results
from benchmarks.search_latency import (
    P50_GOAL_MS,
    P95_GOAL_MS,
    latency_rows,
    time_searches,
)


def copy_documents(services: Services, copy: int, noise: float, seed: int) -> int:
    """Add one synthesised copy of every real document; return the chunks added."""
    manifest = services.index.manifest
    rng = np.random.default_rng(seed + copy)
    documents, files, vectors = [], [], {}
    for doc_hash, source, meta, _ in manifest.documents():
        if "#copy" in doc_hash:
            continue
        record = manifest.document_record(doc_hash)
        path = record.path if record else source
        new_hash = f"{doc_hash}#copy{copy}"
        chunks = []
        stored = manifest.vectors([c.id for c in manifest.document_chunks(doc_hash)])
        for chunk in manifest.document_chunks(doc_hash):
            new_id = f"{chunk.id}#copy{copy}"
            chunk_meta = {**chunk.meta, "source": f"copy{copy}/{chunk.meta.get('source', '')}"}
            chunks.append(
                ChunkRecord(new_id, new_hash, chunk.idx, chunk.text, chunk.header, chunk_meta)
            )
            vector = stored[chunk.id] + rng.normal(0.0, noise, stored[chunk.id].shape)
            vectors[new_id] = (vector / np.linalg.norm(vector)).astype(np.float32)
        copied_meta = {**meta, "source": f"copy{copy}/{source}"}
        documents.append(
            DocumentRecord(new_hash, f"copy{copy}/{source}", path, copied_meta, chunks)
        )
        files.append(FileRecord(f"{path}#copy{copy}", new_hash, 0, 0, ""))
    chunks = [c for d in documents for c in d.chunks]
    services.index.add_vectors(chunks, np.vstack([vectors[c.id] for c in chunks]))
    manifest.commit(documents, files, vectors)
    return len(chunks)


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_faq_arguments(parser, embeddings="ensemble")
    parser.add_argument("--sizes", nargs="+", type=int, default=[20000, 100000])
    parser.add_argument("--queries", type=int, default=200, help="timed queries per mode")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--noise", type=float, default=0.02, help="vector noise per dimension")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=RESULTS_DIR / "latency_scaled")
    args = parser.parse_args()

    settings = Settings(data_dir=args.work, embeddings=args.embeddings)
    questions = [q["query"] for q in load_queries(args.data)]
    queries = [questions[i % len(questions)] for i in range(args.queries)]
    services = build_services(settings)
    results = []
    try:
        report = services.ingestor.ingest([ensure_dataset(args.data)], "faq")
        real = services.index.chunk_count()
        print(f"real index: {real} chunks ({report.chunks_added} embedded now)", flush=True)
        copy = 0
        for size in sorted(args.sizes):
            started = time.perf_counter()
            while services.index.chunk_count() < size:
                copy += 1
                copy_documents(services, copy, args.noise, args.seed)
            services.index.rebuild_lexical()
            count = services.index.chunk_count()
            print(f"{count} chunks ({copy} copies, {time.perf_counter() - started:.0f}s)")
            timings = time_searches(services, queries, questions[-args.warmup :], args.k)
            rows = latency_rows(timings)
            hybrid = rows[0]
            met = float(hybrid["p50_ms"]) < P50_GOAL_MS and float(hybrid["p95_ms"]) < P95_GOAL_MS
            print(f"\n## {count} chunks ({real} real, the rest synthesised), k={args.k}\n")
            print(markdown_table(rows))
            print(f"goal p50 < {P50_GOAL_MS:.0f} ms, p95 < {P95_GOAL_MS:.0f} ms: {met}\n")
            results.append({"chunks": count, "real_chunks": real, "rows": rows, "goal_met": met})
    finally:
        services.close()
    path = save_results(
        "search_latency_scaled",
        {"embeddings": args.embeddings, "noise": args.noise, "k": args.k, "sizes": results},
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
