"""Check that the three parts of an index agree (used by the ingest and fault tests)."""

from __future__ import annotations

from assistant.services import Services


def assert_consistent(services: Services) -> None:
    index = services.index
    manifest_ids = index.manifest.chunk_ids()
    assert index.vectors.all_ids() == manifest_ids, "vector store and manifest disagree"
    assert set(index.lexical().ids) == manifest_ids, "lexical index and manifest disagree"
    referenced = {f.doc_hash for f in index.manifest.files()}
    documents = {doc_hash for doc_hash, *_ in index.manifest.documents()}
    assert referenced == documents, "documents without files, or files without documents"
    for _doc_hash, source, _meta, count in index.manifest.documents():
        assert count > 0, f"{source} has no chunks"
