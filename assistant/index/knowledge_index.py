"""The knowledge index: manifest (committed truth) + vector store + lexical index, kept in step."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embeddings.encoders import NamedEmbeddings
from assistant.index.lexical_index import LexicalIndex, LexicalRecord
from assistant.index.manifest import ChunkRecord, DocumentRecord, FileRecord, Manifest
from assistant.index.model_change import carry_over
from assistant.index.vector_store import DenseHit, VectorStore


@dataclass(frozen=True)
class ReconcileReport:
    orphans_deleted: int
    chunks_restored: int
    rebuilt: bool = False
    carried_over: int = 0  # passages embedded again after the embedding model changed


def chunk_fields(meta: dict) -> dict[str, str]:
    return {
        name: str(meta.get(name, "")) for name in ("collection", "doc_type", "language", "access")
    }


def vector_metadata(chunk: ChunkRecord) -> dict:
    """Chroma metadata must be flat scalars without None."""
    return {
        key: value
        for key, value in chunk.meta.items()
        if isinstance(value, (str, int, float, bool))
    }


def dense_text(chunk: ChunkRecord) -> str:
    """What the encoder reads: the chunk's header and text, less a title made from the file
    name. A name such as ``faq-library-12`` or ``002_f78969e5aa214a9f`` is no sentence, and
    before a short passage it makes the passages of one file alike to the encoder (the FAQ
    sets' dense nDCG@10 0.774 -> 0.816 and 0.553 -> 0.659 without it; benchmarks/README.md).
    The lexical index keeps the title's words."""
    header, title = chunk.header, chunk.meta.get("title", "")
    if chunk.meta.get("title_from_name") and title and header.startswith(title):
        header = header[len(title) :].removeprefix(" > ")
    return f"{header}\n{chunk.text}" if header else chunk.text


def shown_title(meta: dict[str, Any], title: str) -> str:
    """The title readers see for a document of this metadata: the title line of a file named
    by a code (``documents/titles.py``), else ``title``. Display only (see ``dense_text``)."""
    return str(meta.get("shown_title") or title)


class KnowledgeIndex:
    """Owns the store folder. One process owns a store at a time.

    The rest of the app reads and changes the index through the methods below (documents,
    passages, files, removal, the committed generation, dense search); ``manifest`` and
    ``vectors`` are this package's own business (tests may look inside)."""

    def __init__(self, store_dir: Path, embeddings: NamedEmbeddings, vectors: VectorStore) -> None:
        self.store_dir = store_dir
        self.embeddings = embeddings
        self.vectors = vectors
        self.manifest_path = store_dir / f"manifest-{vectors.collection_name}.sqlite"
        self.manifest = Manifest(self.manifest_path)
        self._lexical_path = store_dir / f"lexical-{vectors.collection_name}.npz"
        self._lexical: LexicalIndex | None = None
        self._committed: tuple[int, frozenset[str]] | None = None
        self._lock = threading.Lock()
        self._vectors_checked = False

    # -- the facade: what the committed index holds ------------------------------------------

    @property
    def generation(self) -> int:
        """A number that changes whenever a commit changes the index (any process)."""
        return self.manifest.generation

    def documents(self) -> list[tuple[str, str, dict[str, Any], int]]:
        """Every committed document as ``(doc_hash, source, metadata, passage count)``."""
        return self.manifest.documents()

    def document_source(self, doc_hash: str) -> str | None:
        """The source name a document was first indexed under (None: not indexed)."""
        return self.manifest.document_source(doc_hash)

    def document_chunks(self, doc_hash: str) -> list[ChunkRecord]:
        """One document's passages, in order."""
        return self.manifest.document_chunks(doc_hash)

    def chunks(self, ids: Iterable[str] | None = None) -> list[ChunkRecord]:
        """The committed passages with these ids (None: all of them)."""
        return self.manifest.chunks(ids)

    def following_chunk(self, chunk_id: str) -> ChunkRecord | None:
        """The passage after this one in its document (None: it is the last)."""
        return self.manifest.following_chunk(chunk_id)

    def chunk_count(self) -> int:
        """How many passages the index holds."""
        return self.manifest.chunk_count()

    def files(self) -> list[FileRecord]:
        """Every indexed file (path, document hash, size, mtime, options)."""
        return self.manifest.files()

    def file(self, path: str) -> FileRecord | None:
        """The record of one indexed file (None: not indexed)."""
        return self.manifest.file(path)

    def touch(self, files: list[FileRecord]) -> None:
        """Record new size/mtime for files whose content did not change."""
        self.manifest.touch(files)

    def remove_files(self, paths: Iterable[str]) -> list[str]:
        """Drop these files from the manifest and the passages no file refers to any more from
        the vector store (manifest first: a kill in between leaves orphans that reconcile
        drops). Returns the ids of the dropped passages."""
        dropped = self.manifest.remove_files(paths)
        self.vectors.delete(dropped)
        return dropped

    @property
    def vectors_dirty(self) -> bool:
        """True while a write may have left the vector store out of step with the manifest."""
        return self.manifest.vectors_dirty

    def set_vectors_dirty(self, dirty: bool) -> None:
        """Mark (or clear) a write in progress; see ``reconcile``."""
        self.manifest.set_vectors_dirty(dirty)

    def dense_search(
        self,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        chinese: bool | None = None,
    ) -> list[DenseHit]:
        """The k nearest passages in the vector store (may include passages not yet
        committed: filter with ``committed_ids``); ``chinese`` restricts to one side."""
        return self.vectors.query(vector, k, where, chinese)

    def vector_count(self) -> int:
        """How many vectors the vector store holds (raises when a store server is down)."""
        return self.vectors.count()

    def close(self) -> None:
        """Release the manifest's database connection."""
        self.manifest.close()

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
        """The passages the manifest holds; when another process changed it (an ingest from
        the command line while the app runs), the vector store is reopened first so that
        searches see its writes."""
        generation = self.manifest.generation
        with self._lock:
            if self._committed is None or self._committed[0] != generation:
                manifest = self.manifest
                if self._committed is not None and (
                    generation != manifest.own_generation or manifest.foreign_writes
                ):
                    manifest.foreign_writes = False
                    self.vectors.reopen()
                self._committed = (generation, frozenset(self.manifest.chunk_ids()))
            return self._committed[1]

    # -- consistency -------------------------------------------------------------------------

    def ensure_vectors(self) -> ReconcileReport | None:
        """Once per process: check the vector store against the manifest and repair it if a
        killed process left it behind (see ``reconcile``)."""
        if self._vectors_checked:
            return None
        with self._lock:
            if self._vectors_checked:
                return None
            report = self.reconcile()
            self._vectors_checked = True
            return report

    def reconcile(self) -> ReconcileReport:
        """Make the vector store hold exactly the manifest's passages.

        A write that was never confirmed (a killed ingest), or a vector index that lost recent
        additions (Chroma's on-disk HNSW index can lag its metadata after a kill), leads to a
        rebuild from the vectors stored in the manifest; no text is embedded again. An empty
        index whose embedding model just changed first takes over the previous model's
        documents (``assistant.index.model_change``)."""
        carried = carry_over(self)
        if self.manifest.vectors_dirty or not self._recent_vectors_searchable():
            report = ReconcileReport(0, self.rebuild_vectors(), rebuilt=True)
        else:
            wanted = self.manifest.chunk_ids()
            present = self.vectors.all_ids()
            orphans = present - wanted
            if orphans:
                self.vectors.delete(sorted(orphans))
            missing = sorted(wanted - present)
            if missing:
                self.add_vectors(self.manifest.chunks(missing))
            report = ReconcileReport(orphans_deleted=len(orphans), chunks_restored=len(missing))
        if carried:
            report = ReconcileReport(report.orphans_deleted, report.chunks_restored, True, carried)
        self._vectors_checked = True  # this process has seen the store match the manifest
        return report

    def _recent_vectors_searchable(self, probes: int = 3) -> bool:
        newest = self.manifest.newest_chunk_ids(probes)
        stored = self.manifest.vectors(newest)
        for chunk_id in newest:
            vector = stored.get(chunk_id)
            if vector is None:
                continue
            try:
                hits = self.vectors.query(vector, 5, {"chunk": {"$gte": 0}})
            except Exception:  # a damaged index answers with errors: rebuild it
                return False
            if chunk_id not in {h.id for h in hits}:
                return False
        return True

    def rebuild_vectors(self, batch: int = 2000) -> int:
        """Refill the vector store from the manifest (stored vectors; embeds only chunks
        stored without one)."""
        self.manifest.set_vectors_dirty(True)
        self.vectors.reset()
        ids = sorted(self.manifest.chunk_ids())
        for start in range(0, len(ids), batch):
            part = ids[start : start + batch]
            chunks = self.manifest.chunks(part)
            stored = self.manifest.vectors(part)
            if all(c.id in stored for c in chunks):
                self.add_vectors(chunks, np.vstack([stored[c.id] for c in chunks]))
            else:
                self.add_vectors(chunks)
        self.manifest.set_vectors_dirty(False)
        return len(ids)

    def commit_documents(self, documents: list[DocumentRecord], files: list[FileRecord]) -> int:
        """Embed and store the documents' passages, then record them in the manifest; the
        passages of documents no file refers to any more leave the vector store. Vectors go
        first and the manifest second, with the store marked dirty (the caller clears the
        mark when its whole run ends): a kill in between leaves orphans that reconcile
        drops. Returns the number of passages embedded."""
        chunks = [c for d in documents for c in d.chunks]
        if not self.manifest.vectors_dirty:
            self.manifest.set_vectors_dirty(True)
        vectors = self.add_vectors(chunks)
        dropped = self.manifest.commit(
            documents, files, {c.id: v for c, v in zip(chunks, vectors, strict=True)}
        )
        self.vectors.delete(dropped)
        return len(chunks)

    def add_vectors(
        self, chunks: list[ChunkRecord], vectors: np.ndarray | None = None
    ) -> np.ndarray:
        if not chunks:
            return np.zeros((0, self.embeddings.dimension), dtype=np.float32)
        if vectors is None:
            vectors = self.embeddings.embed_array([dense_text(c) for c in chunks])
        self.vectors.upsert(
            [c.id for c in chunks],
            vectors,
            [c.text for c in chunks],
            [vector_metadata(c) for c in chunks],
        )
        return vectors

    def stats(self) -> dict[str, int | str]:
        return {
            "documents": len(self.manifest.documents()),
            "chunks": self.manifest.chunk_count(),
            "embeddings": self.embeddings.name,
            "store": self.vectors.location,
        }
