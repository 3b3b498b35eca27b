"""The document library: list, inspect, upload, replace, delete and re-index documents.
One ingest runs at a time; uploads are copied under ``<data_dir>/uploads`` with safe names."""

from __future__ import annotations

import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.admin.users import User
from assistant.documents.loader import SUPPORTED_SUFFIXES
from assistant.documents.metadata import ACCESS_LEVELS
from assistant.errors import NoticeError
from assistant.index.knowledge_index import shown_title
from assistant.index.manifest import ChunkRecord
from assistant.ingest.ingestor import Ingestor, IngestReport
from assistant.notices import Notice

Progress = Callable[[int, int, int], None]  # (files done, files in all, passages)
FileStarted = Callable[[int, int, str], None]  # (number of the file, files in all, its name)
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


class UploadError(NoticeError):
    """An upload was refused (type, size or name)."""


def safe_filename(name: str, max_length: int = 120, max_bytes: int = 200) -> str:
    """Keep only the last path component, drop control and odd characters, never start with a
    dot, fit ``max_length`` characters and ``max_bytes`` UTF-8 bytes (file systems count
    bytes: 255 at most); refuse names that end up empty."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" ._")
    stem, dot, suffix = base.rpartition(".")
    if dot:
        room = max_length - len(suffix) - 1, max_bytes - len(suffix.encode()) - 1
        base = f"{_fit(stem, *room)}.{suffix}"
    else:
        base = _fit(base, max_length, max_bytes)
    if not base or base.startswith("."):
        raise UploadError(Notice.of("unusable_name", name=shown_name(name)))
    return base


def _fit(text: str, characters: int, size: int) -> str:
    """``text`` cut to at most ``characters`` characters and ``size`` UTF-8 bytes."""
    text = text[: max(characters, 0)]
    while text and len(text.encode()) > size:
        text = text[:-1]
    return text.rstrip(" ._")


def shown_name(name: str, limit: int = 60) -> str:
    """A name as it may appear in a message: control characters shown as '?', shortened."""
    clean = "".join("?" if unicodedata.category(ch)[0] == "C" else ch for ch in name or "")
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def _matches(path: Path, record) -> bool:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns) == (record.size, record.mtime_ns)


def _backup_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.previous")


def _size_text(size: int) -> str:
    """``23 KB`` under a megabyte, else ``5.0 MB``."""
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class DocumentRow:
    doc_hash: str
    source: str
    title: str
    doc_type: str
    language: str
    access: str
    collection: str
    chunks: int
    path: str
    fmt: str

    def as_dict(self) -> dict[str, Any]:
        """As JSON; the file's path is ``location`` (a ``path`` key reads as a file upload to
        gradio_client)."""
        data = dict(self.__dict__)
        data["location"] = data.pop("path")
        return data


@dataclass(frozen=True)
class UploadResult:
    """What became of one uploaded file: a status code and what to tell the user about it."""

    name: str
    status: str
    notices: tuple[Notice, ...]

    @property
    def message(self) -> str:
        """In English (the CLI and the API's ``message``)."""
        line = str(self.notices[0]) if self.notices else ""
        for then in self.notices[1:]:
            line = str(Notice.of("one_after_another", first=line, then=then))
        return line

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "notices": [notice.as_dict() for notice in self.notices],
        }


class DocumentLibrary:
    def __init__(
        self, ingestor: Ingestor, manifest_source, uploads_dir: Path, max_file_mb: float
    ) -> None:
        self._ingestor = ingestor
        self._index = manifest_source
        self._uploads = uploads_dir
        self._max_bytes = int(max_file_mb * 1024 * 1024)
        self._max_file_mb = max_file_mb
        self._ingest_lock = threading.Lock()
        self.recovered: list[Notice] = []

    # -- after a restart ---------------------------------------------------------------------

    def recover_staged(self) -> list[Notice]:
        """Finish what an upload interrupted by a crash left in the uploads folder: a file that
        never made it into the index is removed, and a file it displaced is put back. Returns
        one notice per file, for the Library to show (also kept in ``recovered``)."""
        lines: list[Notice] = []
        if not self._uploads.is_dir():
            return lines
        with self._exclusive():
            indexed = {f.path: f for f in self._index.files()}
            for backup in sorted(self._uploads.rglob(".*.previous")):
                target = backup.with_name(backup.name[1 : -len(".previous")])
                record = indexed.get(str(target))
                if record is not None and target.exists() and _matches(target, record):
                    backup.unlink(missing_ok=True)  # the new version made it in
                    continue
                os.replace(backup, target)
                lines.append(Notice.of("upload_undone", name=target.name))
            for path in sorted(self._uploads.rglob("*")):
                if path.is_file() and not path.name.startswith(".") and str(path) not in indexed:
                    path.unlink(missing_ok=True)
                    lines.append(Notice.of("upload_removed", name=path.name))
        self.recovered = lines
        return lines

    # -- reading -----------------------------------------------------------------------------

    def documents(self, viewer: User) -> list[DocumentRow]:
        rows = []
        for doc_hash, source, meta, count in self._index.documents():
            if meta.get("access") == "internal" and not viewer.sees_internal:
                continue
            rows.append(
                DocumentRow(
                    doc_hash=doc_hash,
                    source=source,
                    title=shown_title(meta, str(meta.get("title", source))),
                    doc_type=str(meta.get("doc_type", "")),
                    language=str(meta.get("language", "")),
                    access=str(meta.get("access", "public")),
                    collection=str(meta.get("collection", "")),
                    chunks=count,
                    path=str(meta.get("path", "")),
                    fmt=str(meta.get("format", "")),
                )
            )
        return rows

    def document(self, doc_hash: str, viewer: User) -> DocumentRow:
        for row in self.documents(viewer):
            if row.doc_hash == doc_hash or row.doc_hash.startswith(doc_hash):
                return row
        raise NoticeError(Notice.of("no_such_document"))

    def chunks(self, doc_hash: str, viewer: User) -> list[ChunkRecord]:
        row = self.document(doc_hash, viewer)
        return self._index.document_chunks(row.doc_hash)

    # -- changing ----------------------------------------------------------------------------

    def ingest_paths(
        self,
        paths: list[Path],
        collection: str,
        access: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        with self._exclusive():
            return self._ingestor.ingest(paths, collection, access, False, progress)

    @contextmanager
    def _exclusive(self):
        if not self._ingest_lock.acquire(timeout=600):
            raise NoticeError(Notice.of("ingest_busy"))
        try:
            yield
        finally:
            self._ingest_lock.release()

    @property
    def busy(self) -> bool:
        return self._ingest_lock.locked()

    def upload(
        self,
        files: list[tuple[str, Path]],
        collection: str,
        access: str = "public",
        progress: Progress | None = None,
        on_file: FileStarted | None = None,
    ) -> list[UploadResult]:
        """Copy each (original name, temporary path) under the uploads folder and ingest it;
        ``on_file`` is told each file's number and name (as uploaded) before it is read.

        Staging and ingest run under the ingest lock, so two uploads of one name are taken one
        after the other: the first is "added", the second "replaced" (or "unchanged"), and
        each caller is told what happened to its own file."""
        if access not in ACCESS_LEVELS:
            levels = " or ".join(map(repr, ACCESS_LEVELS))
            raise UploadError(Notice.of("access_must_be", levels=levels))
        try:
            safe_filename(collection)
        except UploadError:
            raise UploadError(
                Notice.of("unusable_collection", name=shown_name(collection))
            ) from None
        with self._exclusive():
            return self._upload_locked(files, collection, access, progress, on_file)

    def _upload_locked(
        self, files, collection, access, progress, on_file=None
    ) -> list[UploadResult]:
        results: list[UploadResult] = []
        staged: list[tuple[str, Path]] = []
        for original, temp in files:
            try:
                taken = {path for _, path in staged}
                staged.append((original, self._stage(original, temp, collection, taken)))
            except UploadError as exc:
                results.append(UploadResult(original, "failed", (exc.notice,)))
            except OSError as exc:
                why = Notice.of(
                    "cannot_store", name=shown_name(original), reason=exc.strerror or "I/O error"
                )
                results.append(UploadResult(original, "failed", (why,)))
        if staged:
            original_of = {path: original for original, path in staged}

            def started(number: int, total: int, path: Path) -> None:
                if on_file is not None:
                    on_file(number, total, original_of.get(path, path.name))

            try:
                report = self._ingestor.ingest(
                    [p for _, p in staged], collection, access, False, progress, started
                )
            except Exception:
                # Nothing was indexed (a vector store outage, say): leave no staged file behind.
                for _, path in staged:
                    self._unstage(path)
                raise
            results += [self._result(original, path, report) for original, path in staged]
        return results

    def replace(self, doc_hash: str, original: str, temp: Path, viewer: User) -> UploadResult:
        """Put a new version in place of a document (same collection, same or stricter access).
        The old version is dropped only once the new one is indexed: a broken replacement
        loses nothing."""
        row = self.document(doc_hash, viewer)
        with self._exclusive():
            result = self._upload_locked([(original, temp)], row.collection, row.access, None)[0]
            if result.status in ("added", "replaced"):
                # Files still holding the old version (none when the new one took its name).
                old_files = [
                    Path(f.path) for f in self._index.files() if f.doc_hash == row.doc_hash
                ]
                if old_files:
                    self._ingestor.remove(old_files)
                    for path in old_files:
                        if self._uploads in path.parents:
                            path.unlink(missing_ok=True)
        return result

    def delete(self, doc_hash: str, viewer: User) -> list[str]:
        row = self.document(doc_hash, viewer)
        files = [Path(f.path) for f in self._index.files() if f.doc_hash == row.doc_hash]
        with self._ingest_lock:
            removed = self._ingestor.remove(files)
        for path in files:
            if self._uploads in path.parents:
                path.unlink(missing_ok=True)
        return removed

    def reindex(
        self, progress: Progress | None = None, on_file: FileStarted | None = None
    ) -> IngestReport:
        """Re-read every indexed file that changed on disk, then rebuild the lexical index and
        bring the vector store in line with the manifest (from the stored vectors); files are
        numbered across collections for ``on_file``."""
        files = self._index.files()
        paths = [Path(f.path) for f in files]
        collection_of = {
            h: str(meta.get("collection", "kb")) for h, _, meta, _ in self._index.documents()
        }
        by_collection: dict[str, list[Path]] = {}
        for f in files:
            if f.doc_hash in collection_of:
                by_collection.setdefault(collection_of[f.doc_hash], []).append(Path(f.path))
        report = IngestReport()
        total = sum(1 for group in by_collection.values() for p in group if p.exists())
        before = 0

        def started(number: int, _: int, path: Path) -> None:
            if on_file is not None:
                on_file(before + number, total, path.name)

        with self._ingest_lock:
            for collection, group in by_collection.items():
                existing = [p for p in group if p.exists()]
                part = self._ingestor.ingest(existing, collection, None, False, progress, started)
                before += len(existing)
                for name in ("added", "replaced", "unchanged", "duplicates", "failed"):
                    getattr(report, name).extend(getattr(part, name))
                report.chunks_added += part.chunks_added
            # Files gone from disk stay indexed (nothing is lost by a re-index); the report
            # names them so an admin can delete them on purpose.
            gone = Notice.of("missing_on_disk")
            report.failed += [(str(p), gone) for p in paths if not p.exists()]
            self._index.rebuild_lexical()
            # Repair the vector store in place (orphans out, missing passages back from their
            # stored vectors); it is rebuilt whole only when damaged, so searches running
            # meanwhile never meet a dropped collection.
            self._index.reconcile()
        return report

    # -- internals ---------------------------------------------------------------------------

    def _stage(self, original: str, temp: Path, collection: str, taken: set[Path]) -> Path:
        """Copy an upload under the uploads folder; two files of one batch whose safe names
        collide are kept apart (``name (2).md``)."""
        name = safe_filename(original)
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise UploadError(
                Notice.of("unsupported_upload", name=name, suffix=suffix or "(none)", kinds=kinds)
            )
        size = temp.stat().st_size
        if size == 0:
            raise UploadError(Notice.of("upload_empty", name=name))
        if size > self._max_bytes:
            raise UploadError(
                Notice.of(
                    "upload_too_large", name=name, size=_size_text(size), limit=self._max_file_mb
                )
            )
        folder = self._uploads / safe_filename(collection)
        folder.mkdir(parents=True, exist_ok=True)
        target = (folder / name).resolve()
        stem, number = target.stem, 2
        while target in taken:
            target = target.with_name(f"{stem} ({number}){target.suffix}")
            number += 1
        if folder.resolve() not in target.parents:
            raise UploadError(Notice.of("unusable_name", name=shown_name(original)))
        if target.exists():
            # A same-name re-upload: keep the indexed version's file until the new one is in.
            os.replace(target, _backup_path(target))
        shutil.copyfile(temp, target)
        return target

    @staticmethod
    def _unstage(path: Path) -> None:
        """A staged file that did not make it in: put back the file it displaced, if any."""
        backup = _backup_path(path)
        if backup.exists():
            os.replace(backup, path)
        else:
            path.unlink(missing_ok=True)

    @staticmethod
    def _keep(path: Path) -> None:
        _backup_path(path).unlink(missing_ok=True)

    @staticmethod
    def _result(original: str, path: Path, report: IngestReport) -> UploadResult:
        key = str(path)
        for failed, why in report.failed:
            if failed == key:
                DocumentLibrary._unstage(path)
                return UploadResult(original, "failed", (why,))
        DocumentLibrary._keep(path)
        notes = tuple(note for noted, note in report.notes if noted == key)
        for dup, other in report.duplicates:
            if dup == key:
                same = Notice.of("same_content", other=Path(other).name)
                return UploadResult(original, "duplicate", (same,))
        if key in report.replaced:
            return UploadResult(original, "replaced", (Notice.of("new_version"), *notes))
        if key in report.unchanged:
            return UploadResult(original, "unchanged", (Notice.of("already_indexed"), *notes))
        return UploadResult(original, "added", (Notice.of("indexed"), *notes))
