"""Incremental ingestion: discover, hash, load, chunk, embed, commit; one clear line per file."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import load_document
from assistant.documents.loader import file_format
from assistant.documents.metadata import read_sidecar, sidecar_path, stricter_access
from assistant.errors import DocumentError, KamError, NoticeError
from assistant.index.knowledge_index import KnowledgeIndex
from assistant.index.manifest import ChunkRecord, DocumentRecord, FileRecord
from assistant.ingest.chunking import CHUNKING_VERSION, chunk_document
from assistant.ingest.discovery import discover
from assistant.notices import Notice

ProgressCallback = Callable[[int, int, int], None]  # (files done, files in all, passages)
FileCallback = Callable[[int, int, Path], None]  # (number of the file, files in all, file)
log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, Notice]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    chunks_added: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    restored_chunks: int = 0
    orphans_deleted: int = 0
    # (path, note): a file indexed, but not quite as asked (a stricter access level kept)
    notes: list[tuple[str, Notice]] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        """False only when there were files and none of them could be ingested."""
        usable = self.added or self.replaced or self.unchanged or self.duplicates or self.removed
        return bool(usable) or not self.failed

    def notices(self) -> list[Notice]:
        """One notice per line of the report, the totals last."""
        out = [Notice.of("line_added", path=p) for p in self.added]
        out += [Notice.of("line_replaced", path=p) for p in self.replaced]
        out += [Notice.of("line_duplicate", path=p, other=o) for p, o in self.duplicates]
        out += [Notice.of("line_removed", path=p) for p in self.removed]
        out += [Notice.of("line_note", path=p, text=why) for p, why in self.notes]
        out += [Notice.of("line_failed", path=p, text=why) for p, why in self.failed]
        out.append(
            Notice.of(
                "line_summary",
                added=len(self.added),
                replaced=len(self.replaced),
                unchanged=len(self.unchanged),
                duplicates=len(self.duplicates),
                removed=len(self.removed),
                failed=len(self.failed),
                chunks=self.chunks_added,
                seconds=self.seconds,
            )
        )
        return out

    def lines(self) -> list[str]:
        """The report in English, one line per file and the totals (the CLI prints these)."""
        return [str(notice) for notice in self.notices()]

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "duplicates": [list(d) for d in self.duplicates],
            "failed": [{"path": p, "error": str(e)} for p, e in self.failed],
            "removed": self.removed,
            "notes": [{"path": p, "note": str(n)} for p, n in self.notes],
            "chunks_added": self.chunks_added,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Pending:
    documents: list[DocumentRecord] = field(default_factory=list)
    files: list[FileRecord] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (kind, path)

    @property
    def chunk_total(self) -> int:
        return sum(len(d.chunks) for d in self.documents)


def _stat_signature(path: Path) -> tuple[int, int]:
    """Size and newest mtime of a file and its sidecar: a sidecar edit counts as a change."""
    stat = path.stat()
    size, mtime = stat.st_size, stat.st_mtime_ns
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        side = sidecar.stat()
        size, mtime = size + side.st_size, max(mtime, side.st_mtime_ns)
    return size, mtime


def _collection_of(record: FileRecord) -> str | None:
    try:
        return json.loads(record.options).get("collection")
    except (ValueError, AttributeError):
        return None


class Ingestor:
    """Ingests files into a ``KnowledgeIndex``."""

    def __init__(
        self, index: KnowledgeIndex, max_tokens: int, max_file_mb: float, group_chunks: int = 256
    ) -> None:
        self._index = index
        self._max_tokens = max_tokens
        self._max_file_mb = max_file_mb
        self._max_bytes = int(max_file_mb * 1024 * 1024)
        self._group_chunks = group_chunks

    def _options(self, options: dict[str, object]) -> str:
        """How a file is indexed, as stored with it: its collection and access, and how it is
        read into chunks. A file indexed under other options (chunking changed in a new
        version, or ``chunk_tokens``) is read again at its next ingest."""
        reading = f"{CHUNKING_VERSION}/{self._max_tokens}"
        return json.dumps({**options, "reading": reading}, sort_keys=True)

    def ingest(
        self,
        paths: list[Path],
        collection: str,
        access: str | None = None,
        prune: bool = False,
        progress: ProgressCallback | None = None,
        on_file: FileCallback | None = None,
    ) -> IngestReport:
        """``progress`` is told after each file, ``on_file`` before each (to say which file
        is being read)."""
        started = time.perf_counter()
        report = IngestReport()
        repair = self._index.reconcile()
        report.restored_chunks, report.orphans_deleted = (
            repair.chunks_restored,
            repair.orphans_deleted,
        )
        files, missing = discover(paths)
        report.failed += [(str(p), Notice.of("no_such_path")) for p in missing]
        pending = _Pending()
        generation_before = self._index.generation
        stored_access = self._stored_access()
        for number, path in enumerate(files, start=1):
            if on_file is not None:
                on_file(number, len(files), path)
            self._ingest_one(path, collection, access, stored_access, pending, report)
            if pending.chunk_total >= self._group_chunks:
                self._flush(pending, report)
            if progress is not None:
                progress(number, len(files), report.chunks_added + pending.chunk_total)
        self._flush(pending, report)
        if prune:
            report.removed = self._prune(paths, {str(f) for f in files})
        changed = self._index.generation != generation_before
        if changed or repair.orphans_deleted or repair.rebuilt:
            self._index.rebuild_lexical()
        if self._index.vectors_dirty:
            self._index.set_vectors_dirty(False)
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, paths: list[Path]) -> list[str]:
        """Drop files (or every file under folders) from the index."""
        prefixes = [str(p.expanduser().resolve()) for p in paths]
        doomed = [
            f.path
            for f in self._index.files()
            if any(f.path == p or f.path.startswith(p.rstrip("/") + "/") for p in prefixes)
        ]
        if doomed:
            self._index.ensure_vectors()
            self._index.set_vectors_dirty(True)
            self._index.remove_files(doomed)
            self._index.set_vectors_dirty(False)
            self._index.rebuild_lexical()
        return doomed

    # -- internals ---------------------------------------------------------------------------

    def _stored_access(self) -> dict[str, str]:
        """The access level each indexed file has now (by path)."""
        level_of = {
            h: str(meta.get("access", "public")) for h, _, meta, _ in self._index.documents()
        }
        return {f.path: level_of[f.doc_hash] for f in self._index.files() if f.doc_hash in level_of}

    def _ingest_one(
        self,
        path: Path,
        collection: str,
        requested: str | None,
        stored_access: dict[str, str],
        pending: _Pending,
        report: IngestReport,
    ) -> None:
        key = str(path)
        try:
            # A file keeps the stricter of the level asked for and the level it has: a
            # re-index (which asks for none) or a re-upload never makes it more visible.
            stored = stored_access.get(key)
            access = stricter_access(requested, stored)
            if requested and access != requested:
                report.notes.append((key, Notice.of("kept_access", access=access, stored=stored)))
            known = self._index.file(key)
            if requested is None and known is not None and _collection_of(known) == collection:
                # a re-index reads a file as it was first indexed (collection, access), with
                # today's chunking
                options = self._options(json.loads(known.options))
            else:
                options = self._options({"collection": collection, "access": access})
            file_format(path)
            size, mtime = _stat_signature(path)
            if known and (known.size, known.mtime_ns, known.options) == (size, mtime, options):
                report.unchanged.append(key)
                return
            if path.stat().st_size > self._max_bytes:
                raise DocumentError(
                    Notice.of("file_too_large", name=path.name, limit=self._max_file_mb)
                )
            data = path.read_bytes()
            sidecar, sidecar_bytes = read_sidecar(path)
            doc_hash = hashlib.sha256(data + b"\0" + sidecar_bytes + options.encode()).hexdigest()
            record = FileRecord(key, doc_hash, size, mtime, options)
            if known and known.doc_hash == doc_hash:
                self._index.touch([record])
                report.unchanged.append(key)
                return
            original = self._index.document_source(doc_hash) or next(
                (d.source for d in pending.documents if d.doc_hash == doc_hash), None
            )
            kind = "replaced" if known else "added"
            if original is None:
                pending.documents.append(
                    self._document(path, data, sidecar, doc_hash, collection, access)
                )
                report.bytes_read += len(data)
            else:
                kind = f"duplicate:{original}"
            pending.files.append(record)
            pending.outcomes.append((kind, key))
        except NoticeError as exc:
            report.failed.append((key, exc.notice))
        except KamError as exc:  # a message without a code: shown as it is
            report.failed.append((key, Notice.of("as_written", text=str(exc))))
        except OSError as exc:
            reason = exc.strerror or str(exc)
            report.failed.append((key, Notice.of("cannot_read", name=path.name, reason=reason)))
        except Exception as exc:  # a loader bug must not stop the batch
            log.warning("unexpected error while ingesting %s", path, exc_info=True)
            notice = Notice.of("unexpected_failure", name=path.name, kind=type(exc).__name__)
            report.failed.append((key, notice))

    def _document(self, path, data, sidecar, doc_hash, collection, access) -> DocumentRecord:
        document = load_document(path, data, sidecar)
        meta = document.meta
        if access:
            # The stricter of the sidecar's level and the one asked for.
            meta = meta.model_copy(update={"access": stricter_access(access, meta.access)})
        chunks = chunk_document(document, self._max_tokens)
        if not chunks:
            raise DocumentError(Notice.of("no_text", name=path.name))
        base = {
            "source": path.name,
            "path": str(path),
            "title": meta.title or path.stem,
            "doc_type": meta.doc_type,
            "language": meta.language or "und",
            "access": meta.access,
            "collection": collection,
            "content_hash": doc_hash,
            "attribution": meta.source or "",
            "date": meta.date or "",
            "tags": ",".join(meta.tags),
            "format": document.fmt,
            **({"title_from_name": True} if document.title_from_name else {}),
            **({"shown_title": document.shown_title} if document.shown_title else {}),
        }
        records = [
            ChunkRecord(
                id=f"{doc_hash[:24]}-{chunk.index:05d}",
                doc_hash=doc_hash,
                idx=chunk.index,
                text=chunk.text,
                header=chunk.header,
                meta={
                    **base,
                    "section": chunk.section,
                    "chunk": chunk.index,
                    **({"page": chunk.page} if chunk.page is not None else {}),
                },
            )
            for chunk in chunks
        ]
        return DocumentRecord(doc_hash, path.name, str(path), base, records)

    def _flush(self, pending: _Pending, report: IngestReport) -> None:
        if not pending.files:
            return
        # The dirty mark it sets is cleared when the ingest ends cleanly.
        report.chunks_added += self._index.commit_documents(pending.documents, pending.files)
        for kind, key in pending.outcomes:
            if kind == "added":
                report.added.append(key)
            elif kind == "replaced":
                report.replaced.append(key)
            else:
                report.duplicates.append((key, kind.split(":", 1)[1]))
        pending.documents.clear()
        pending.files.clear()
        pending.outcomes.clear()

    def _prune(self, roots: list[Path], seen: set[str]) -> list[str]:
        """Remove indexed files under the given folders that are gone from disk."""
        folders = [str(p.expanduser().resolve()).rstrip("/") + "/" for p in roots if p.is_dir()]
        gone = [
            f.path
            for f in self._index.files()
            if f.path not in seen
            and any(f.path.startswith(d) for d in folders)
            and not Path(f.path).exists()
        ]
        if gone:
            self._index.remove_files(gone)
        return gone
