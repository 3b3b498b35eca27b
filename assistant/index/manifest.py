"""The manifest: which files are indexed, under which content hash, as which passages.

It is the committed state of the index. The vector store and the lexical index are derived
from it and reconciled against it, so a killed ingest never leaves a half-written index."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.storage.sqlite import open_database, write_transaction

VECTOR_DTYPE = np.float32

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    doc_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    options TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_doc ON files(doc_hash);
CREATE TABLE IF NOT EXISTS documents (
    doc_hash TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_hash TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    header TEXT NOT NULL,
    meta TEXT NOT NULL,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_hash);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class FileRecord:
    path: str
    doc_hash: str
    size: int
    mtime_ns: int
    options: str


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    doc_hash: str
    idx: int
    text: str
    header: str
    meta: dict[str, Any]


@dataclass(frozen=True)
class DocumentRecord:
    doc_hash: str
    source: str
    path: str
    meta: dict[str, Any]
    chunks: list[ChunkRecord]


class Manifest:
    def __init__(self, path: Path) -> None:
        self._lock = threading.RLock()
        self._db = open_database(path, _SCHEMA)
        # The generation this process's last write made, and whether another process wrote
        # in between: a reader then reopens the vector store to see what that process wrote.
        self.own_generation: int | None = None
        self.foreign_writes = False

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- reading -----------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        rows = self._query("SELECT value FROM state WHERE key='generation'")
        return int(rows[0][0]) if rows else 0

    def file(self, path: str) -> FileRecord | None:
        rows = self._query("SELECT * FROM files WHERE path=?", (path,))
        return FileRecord(*rows[0]) if rows else None

    def files(self) -> list[FileRecord]:
        return [FileRecord(*row) for row in self._query("SELECT * FROM files ORDER BY path")]

    def has_document(self, doc_hash: str) -> bool:
        return bool(self._query("SELECT 1 FROM documents WHERE doc_hash=?", (doc_hash,)))

    def document_source(self, doc_hash: str) -> str | None:
        rows = self._query("SELECT source FROM documents WHERE doc_hash=?", (doc_hash,))
        return rows[0][0] if rows else None

    def documents(self) -> list[tuple[str, str, dict[str, Any], int]]:
        """(doc_hash, source, meta, chunk count) for every indexed document."""
        rows = self._query(
            "SELECT d.doc_hash, d.source, d.meta, COUNT(c.id) FROM documents d "
            "LEFT JOIN chunks c ON c.doc_hash=d.doc_hash GROUP BY d.doc_hash ORDER BY d.source"
        )
        return [(h, s, json.loads(m), n) for h, s, m, n in rows]

    def chunk_ids(self) -> set[str]:
        return {row[0] for row in self._query("SELECT id FROM chunks")}

    def chunk_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM chunks")[0][0])

    def _chunk_rows(self, columns: str, ids: Iterable[str] | None) -> list[tuple]:
        if ids is None:
            return self._query(f"SELECT {columns} FROM chunks ORDER BY doc_hash, idx")
        wanted = list(ids)
        rows: list[tuple] = []
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows.extend(self._query(f"SELECT {columns} FROM chunks WHERE id IN ({marks})", part))
        return rows

    def chunks(self, ids: Iterable[str] | None = None) -> list[ChunkRecord]:
        return _chunk_records(self._chunk_rows(_CHUNK_COLUMNS, ids))

    def document_chunks(self, doc_hash: str) -> list[ChunkRecord]:
        """One document's chunks, in reading order."""
        sql = f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE doc_hash=? ORDER BY idx"
        return _chunk_records(self._query(sql, (doc_hash,)))

    def following_chunk(self, chunk_id: str) -> ChunkRecord | None:
        """The chunk after this one in its document (None: the last, or not indexed)."""
        records = _chunk_records(self._query(_FOLLOWING_CHUNK_SQL, (chunk_id,)))
        return records[0] if records else None

    def document_record(self, doc_hash: str) -> DocumentRecord | None:
        """A document with its chunks, as ``commit`` takes it."""
        rows = self._query(
            "SELECT doc_hash, source, path, meta FROM documents WHERE doc_hash=?", (doc_hash,)
        )
        if not rows:
            return None
        h, source, path, meta = rows[0]
        return DocumentRecord(h, source, path, json.loads(meta), self.document_chunks(h))

    def state(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM state WHERE key=?", (key,))
        return rows[0][0] if rows else None

    def set_state(self, key: str, value: str | None) -> None:
        """Set (or, with None, clear) one entry of the state table."""
        with self._transaction() as db:
            if value is None:
                db.execute("DELETE FROM state WHERE key=?", (key,))
            else:
                db.execute(
                    "INSERT INTO state VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (key, value),
                )

    def newest_chunk_ids(self, n: int) -> list[str]:
        return [
            row[0] for row in self._query("SELECT id FROM chunks ORDER BY rowid DESC LIMIT ?", (n,))
        ]

    def vectors(self, ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        """Stored embeddings by chunk id (chunks stored without one are left out)."""
        rows = self._chunk_rows("id, vector", ids)
        return {i: np.frombuffer(v, dtype=VECTOR_DTYPE) for i, v in rows if v is not None}

    @property
    def vectors_dirty(self) -> bool:
        """True while (or if) a write to the vector store has not been confirmed complete."""
        return self.state("vectors_dirty") == "1"

    def set_vectors_dirty(self, dirty: bool) -> None:
        self.set_state("vectors_dirty", "1" if dirty else "0")

    # -- writing -----------------------------------------------------------------------------

    def commit(
        self,
        documents: list[DocumentRecord],
        files: list[FileRecord],
        vectors: dict[str, np.ndarray] | None = None,
    ) -> list[str]:
        """Record new documents (with their chunks' vectors) and point files at them, in one
        transaction. Returns the chunk ids of documents no file refers to any more."""
        vectors = vectors or {}
        with self._transaction() as db:
            for document in documents:
                db.execute(
                    "INSERT OR REPLACE INTO documents VALUES (?,?,?,?)",
                    (
                        document.doc_hash,
                        document.source,
                        document.path,
                        json.dumps(document.meta, ensure_ascii=False),
                    ),
                )
                db.execute("DELETE FROM chunks WHERE doc_hash=?", (document.doc_hash,))
                db.executemany(
                    "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
                    [
                        (
                            c.id,
                            c.doc_hash,
                            c.idx,
                            c.text,
                            c.header,
                            json.dumps(c.meta, ensure_ascii=False),
                            _blob(vectors.get(c.id)),
                        )
                        for c in document.chunks
                    ],
                )
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                [(f.path, f.doc_hash, f.size, f.mtime_ns, f.options) for f in files],
            )
            return self._drop_unreferenced(db)

    def touch(self, files: list[FileRecord]) -> None:
        """Update size/mtime of files whose content did not change."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE files SET size=?, mtime_ns=? WHERE path=?",
                [(f.size, f.mtime_ns, f.path) for f in files],
            )

    def remove_files(self, paths: Iterable[str]) -> list[str]:
        with self._transaction() as db:
            db.executemany("DELETE FROM files WHERE path=?", [(p,) for p in paths])
            return self._drop_unreferenced(db)

    def _drop_unreferenced(self, db: sqlite3.Connection) -> list[str]:
        orphans = [
            row[0]
            for row in db.execute(
                "SELECT doc_hash FROM documents WHERE doc_hash NOT IN (SELECT doc_hash FROM files)"
            )
        ]
        dropped: list[str] = []
        for doc_hash in orphans:
            dropped.extend(
                row[0] for row in db.execute("SELECT id FROM chunks WHERE doc_hash=?", (doc_hash,))
            )
            db.execute("DELETE FROM chunks WHERE doc_hash=?", (doc_hash,))
            db.execute("DELETE FROM documents WHERE doc_hash=?", (doc_hash,))
        db.execute(
            "INSERT INTO state VALUES ('generation', '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )
        after = int(db.execute("SELECT value FROM state WHERE key='generation'").fetchone()[0])
        if self.own_generation is not None and after != self.own_generation + 1:
            self.foreign_writes = True  # another process wrote since this one last did
        self.own_generation = after
        return dropped


_CHUNK_COLUMNS = "id, doc_hash, idx, text, header, meta"
_FOLLOWING_CHUNK_SQL = (
    f"SELECT {', '.join('n.' + c.strip() for c in _CHUNK_COLUMNS.split(','))} "
    "FROM chunks c JOIN chunks n ON n.doc_hash=c.doc_hash AND n.idx=c.idx+1 WHERE c.id=?"
)


def _chunk_records(rows: list[tuple]) -> list[ChunkRecord]:
    return [ChunkRecord(i, h, x, t, hd, json.loads(m)) for i, h, x, t, hd, m in rows]


def _blob(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()
