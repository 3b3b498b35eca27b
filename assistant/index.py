"""The knowledge index: manifest (committed truth) + vector store + lexical index, kept in step."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.embeddings import NamedEmbeddings
from assistant.lexical import LexicalIndex, LexicalRecord
from assistant.manifest import ChunkRecord, Manifest
from assistant.vectorstore import VectorStore


@dataclass(frozen=True)
class ReconcileReport:
    orphans_deleted: int
    chunks_restored: int


def chunk_fields(meta: dict) -> dict[str, str]:
    return {name: str(meta.get(name, "")) for name in ("collection", "doc_type", "language", "access")}


def vector_metadata(chunk: ChunkRecord) -> dict:
    """Chroma metadata must be flat scalars without None."""
    return {key: value for key, value in chunk.meta.items() if isinstance(value, (str, int, float, bool))}


class KnowledgeIndex:
    """Owns the store folder. One process owns a store at a time."""

    def __init__(self, store_dir: Path, embeddings: NamedEmbeddings, vectors: VectorStore) -> None:
        self.store_dir = store_dir
        self.embeddings = embeddings
        self.vectors = vectors
        self.manifest = Manifest(store_dir / f"manifest-{vectors.collection_name}.sqlite")
        self._lexical_path = store_dir / f"lexical-{vectors.collection_name}.npz"
        self._lexical: LexicalIndex | None = None
        self._committed: tuple[int, frozenset[str]] | None = None
        self._lock = threading.Lock()

    # -- derived state -----------------------------------------------------------------------

    def lexical(self) -> LexicalIndex:
        """The BM25 index of the committed state; rebuilt if it lags behind the manifest."""
        generation = self.manifest.generation
        with self._lock:
            if self._lexical is not None and self._lexical.generation == generation:
                return self._lexical
            loaded = LexicalIndex.load(self._lexical_path)
            if loaded is None or loaded.generation != generation:
                loaded = self.rebuild_lexical(generation)
            self._lexical = loaded
            return loaded

    def rebuild_lexical(self, generation: int | None = None) -> LexicalIndex:
        generation = self.manifest.generation if generation is None else generation
        records = (
            LexicalRecord(c.id, f"{c.header}\n{c.text}", chunk_fields(c.meta))
            for c in self.manifest.chunks()
        )
        index = LexicalIndex.build(records, generation)
        index.save(self._lexical_path)
        return index

    def committed_ids(self) -> frozenset[str]:
        generation = self.manifest.generation
        with self._lock:
            if self._committed is None or self._committed[0] != generation:
                self._committed = (generation, frozenset(self.manifest.chunk_ids()))
            return self._committed[1]

    # -- consistency -------------------------------------------------------------------------

    def reconcile(self) -> ReconcileReport:
        """Make the vector store hold exactly the manifest's passages (after a killed ingest)."""
        wanted = self.manifest.chunk_ids()
        present = self.vectors.all_ids()
        orphans = present - wanted
        if orphans:
            self.vectors.delete(sorted(orphans))
        missing = sorted(wanted - present)
        if missing:
            self.add_vectors(self.manifest.chunks(missing))
        return ReconcileReport(orphans_deleted=len(orphans), chunks_restored=len(missing))

    def add_vectors(self, chunks: list[ChunkRecord], vectors: np.ndarray | None = None) -> None:
        if not chunks:
            return
        if vectors is None:
            vectors = self.embeddings.embed_array([f"{c.header}\n{c.text}" for c in chunks])
        self.vectors.upsert(
            [c.id for c in chunks], vectors, [c.text for c in chunks],
            [vector_metadata(c) for c in chunks],
        )

    def stats(self) -> dict[str, int | str]:
        return {
            "documents": len(self.manifest.documents()),
            "chunks": self.manifest.chunk_count(),
            "embeddings": self.embeddings.name,
            "store": self.vectors.location,
        }
