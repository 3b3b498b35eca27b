"""Carry an index over to a new embedding model.

Each embedding model has its own manifest and vector collections (their names carry the
model's), so changing ``KAM_EMBEDDINGS`` or ``KAM_ENCODER_RUNTIME`` starts an empty index.
Rather than lose what was indexed under the previous model (uploads, other collections,
access levels), the first use of the new model copies the newest other manifest's documents
and files, embedding their stored passages again: no source file is read or chunked again.
A carry-over that is interrupted resumes where it stopped.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.manifest import DocumentRecord, FileRecord, Manifest

if TYPE_CHECKING:
    from assistant.index.knowledge_index import KnowledgeIndex

log = logging.getLogger(__name__)

_STATE_KEY = "carrying_over_from"


def previous_manifest(index: KnowledgeIndex) -> Path | None:
    """The manifest to carry over: one being carried over already, or else (only while this
    index is empty) the newest other manifest in the store folder that holds documents."""
    underway = index.manifest.state(_STATE_KEY)
    if underway:
        return Path(underway) if Path(underway).is_file() else None
    if index.manifest.chunk_count():
        return None
    own = index.manifest_path.resolve()
    candidates = sorted(
        (p for p in index.store_dir.glob("manifest-*.sqlite") if p.resolve() != own),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for path in candidates:
        other = Manifest(path)
        try:
            if other.chunk_count():
                return path
        finally:
            other.close()
    return None


def carry_over(index: KnowledgeIndex, batch_chunks: int = 256) -> int:
    """Copy the previous model's documents into ``index``; returns the passages embedded."""
    source = previous_manifest(index)
    if source is None:
        return 0
    manifest = index.manifest
    manifest.set_state(_STATE_KEY, str(source))
    other = Manifest(source)
    embedded = 0
    try:
        files_by_doc: dict[str, list[FileRecord]] = defaultdict(list)
        for record in other.files():
            files_by_doc[record.doc_hash].append(record)
        documents: list[DocumentRecord] = []
        pending_files: list[FileRecord] = []
        log.warning(
            "the embedding model changed: indexing %d documents of %s again with %s",
            len(files_by_doc),
            source.name,
            index.embeddings.name,
        )
        for doc_hash, files in sorted(files_by_doc.items()):
            if manifest.has_document(doc_hash):
                continue  # carried over before an interruption
            document = other.document_record(doc_hash)
            if document is None:
                continue
            documents.append(document)
            pending_files += files
            if sum(len(d.chunks) for d in documents) >= batch_chunks:
                embedded += index.commit_documents(documents, pending_files)
                documents, pending_files = [], []
        if documents:
            embedded += index.commit_documents(documents, pending_files)
    finally:
        other.close()
    if manifest.vectors_dirty:
        manifest.set_vectors_dirty(False)
    manifest.set_state(_STATE_KEY, None)
    return embedded
