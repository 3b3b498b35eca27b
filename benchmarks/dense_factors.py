"""Which factor puts our dense ranking under the tutorial baseline's on an English FAQ set?

Offline, on one set's development queries: the set's files chunked five ways (our chunker with
the header the product's encoder reads, ``knowledge_index.dense_text``: the section, and the
title unless it was made from the file name; the same without any header; the same at 256
tokens; the same with the previous chunk's last 200 characters of the section in front; and the
baseline's ``RecursiveCharacterTextSplitter(1000, 200)`` over its loaders), each embedded by int8
MiniLM, USE and (``--torch``) torch MiniLM; every chunking x encoder (and the int8 MiniLM + USE
mean, our ensemble's similarity) ranked by plain cosine, files ordered by their best chunk, nDCG@10
as ``bilingual_quality.py`` counts it. No Chroma, no BM25, no fusion: the encoders and
the chunking alone. Vectors are cached under ``benchmarks/results/dense_factors/<set>/``,
keyed by the texts.

``python -m benchmarks.dense_factors --data benchmarks/results/perl_faq [--torch]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.offline import go_offline
from benchmarks.metrics import score_rankings
from benchmarks.reporting import save_results

RESULTS = Path(__file__).resolve().parent / "results"
OVERLAP_CHARACTERS = 200  # as the baseline's splitter overlaps


def chunkings(docs: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Chunking name -> (texts to embed, each text's file name)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.documents.loader import load_document
    from assistant.index.knowledge_index import dense_text
    from assistant.index.manifest import ChunkRecord
    from assistant.ingest.chunking import chunk_document
    from benchmarks.baseline import CHUNK_OVERLAP, CHUNK_SIZE, load_documents

    def embedded(document, chunk) -> str:  # noqa: ANN001
        """What the product's encoder reads of the chunk (``knowledge_index.dense_text``)."""
        meta = {"title": document.meta.title or "", "title_from_name": document.title_from_name}
        return dense_text(ChunkRecord("", "", chunk.index, chunk.text, chunk.header, meta))

    found: dict[str, tuple[list[str], list[str]]] = {
        name: ([], [])
        for name in (
            "ours (as the product embeds)",
            "ours, text only",
            "ours at 256 tokens",
            "ours + the previous chunk's last 200 characters",
        )
    }
    for path in sorted(p for p in docs.iterdir() if p.is_file()):
        document = load_document(path, path.read_bytes())
        previous = None
        for chunk in chunk_document(document, 200):
            tail = ""
            if previous is not None and previous.section == chunk.section:
                tail = previous.text[-OVERLAP_CHARACTERS:] + "\n"
            for name, text in (
                ("ours (as the product embeds)", embedded(document, chunk)),
                ("ours, text only", chunk.text),
                (
                    "ours + the previous chunk's last 200 characters",
                    tail + embedded(document, chunk),
                ),
            ):
                found[name][0].append(text)
                found[name][1].append(path.name)
            previous = chunk
        for chunk in chunk_document(document, 256):
            found["ours at 256 tokens"][0].append(embedded(document, chunk))
            found["ours at 256 tokens"][1].append(path.name)
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    split = splitter.split_documents(load_documents(docs))
    found["baseline 1000/200"] = (
        [c.page_content for c in split],
        [Path(c.metadata["source"]).name for c in split],
    )
    return found


def encoders(torch: bool) -> dict[str, Callable[[Sequence[str]], np.ndarray]]:
    from assistant.embeddings.encoders import (
        MiniLMEmbeddings,
        OnnxMiniLMEmbeddings,
        USEEmbeddings,
    )

    found: dict[str, Callable[[Sequence[str]], np.ndarray]] = {
        "int8 MiniLM": OnnxMiniLMEmbeddings(RESULTS / "models" / "onnx").embed_array,
        "USE": USEEmbeddings(threads=2).embed_array,
    }
    if torch:
        found["torch MiniLM"] = MiniLMEmbeddings(torch_threads=2).embed_array
    return found


def ndcg(similarity: np.ndarray, sources: list[str], expected: list[str]) -> float:
    rankings = []
    for row, answer in zip(similarity, expected, strict=True):
        order = np.argsort(-row)[:300]
        rankings.append((list(dict.fromkeys(sources[i] for i in order)), answer))
    return round(score_rankings(rankings).ndcg_at_10, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a built set's folder")
    parser.add_argument("--torch", action="store_true", help="torch MiniLM as well (slow)")
    args = parser.parse_args()
    go_offline()
    queries = json.loads((args.data / "queries_dev.json").read_text(encoding="utf-8"))
    texts = [q["query"] for q in queries]
    expected = [q["expected_source"] for q in queries]
    cache = RESULTS / "dense_factors" / args.data.name
    cache.mkdir(parents=True, exist_ok=True)
    chunked = chunkings(args.data / "docs")
    models = encoders(args.torch)
    vectors: dict[tuple[str, str], np.ndarray] = {}
    for model, embed in models.items():
        vectors[model, "queries"] = embed(texts)
        for name, (chunk_texts, _) in chunked.items():
            # keyed by the texts themselves: a changed chunker must not reuse stale vectors
            digest = hashlib.sha256("\x00".join(chunk_texts).encode("utf-8")).hexdigest()[:16]
            file = cache / f"{model}-{digest}.npy".replace(" ", "_")
            if not file.exists():
                started = time.perf_counter()
                np.save(file, embed(chunk_texts))
                print(f"  {model} over {name}: {time.perf_counter() - started:.0f} s", flush=True)
            vectors[model, name] = np.load(file)
    combos = [(m,) for m in models] + [("int8 MiniLM", "USE")]
    table = []
    for name, (chunk_texts, sources) in chunked.items():
        row: dict[str, object] = {"chunking": name, "chunks": len(chunk_texts)}
        for combo in combos:
            similarity = sum(vectors[m, "queries"] @ vectors[m, name].T for m in combo)
            row[" + ".join(combo)] = ndcg(similarity / len(combo), sources, expected)
        table.append(row)
        print(row, flush=True)
    save_results(
        f"dense_factors_{args.data.name}",
        {"set": args.data.name, "queries": len(queries), "part": "dev", "table": table},
    )


if __name__ == "__main__":
    main()
