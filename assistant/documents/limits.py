"""Bounds on the work one file may cause at ingest: decompressed size and ratio of ZIP-based
formats (DOCX), pages and extracted text. A file over a bound fails with one clear line."""

from __future__ import annotations

import io
import zipfile

from assistant.errors import DocumentError
from assistant.notices import Notice

MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # all parts of a DOCX, decompressed
MAX_ZIP_RATIO = 100  # decompressed size over compressed size, for the whole package
MAX_ZIP_ENTRIES = 10_000
MAX_PAGES = 3_000
MAX_TEXT_CHARS = 8_000_000  # extracted text of one file


def check_zip_package(data: bytes, name: str) -> None:
    """Refuse a ZIP container (DOCX) that would expand past the bounds, before any part of it
    is decompressed: a few hundred kilobytes can hold gigabytes of XML."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        return  # the loader reports the damage in its own words
    if len(entries) > MAX_ZIP_ENTRIES:
        raise DocumentError(
            Notice.of("too_many_parts", name=name, count=len(entries), limit=MAX_ZIP_ENTRIES)
        )
    unzipped = sum(max(e.file_size, 0) for e in entries)
    packed = max(sum(max(e.compress_size, 0) for e in entries), 1)
    if unzipped > MAX_UNZIPPED_BYTES:
        limit_mb = MAX_UNZIPPED_BYTES // 1048576
        size_mb = unzipped / 1048576
        raise DocumentError(
            Notice.of("expands_too_far", name=name, size_mb=size_mb, limit_mb=limit_mb)
        )
    if unzipped > 1024 * 1024 and unzipped / packed > MAX_ZIP_RATIO:
        ratio = unzipped / packed
        raise DocumentError(
            Notice.of("compressed_too_far", name=name, ratio=ratio, limit=MAX_ZIP_RATIO)
        )


def check_pages(count: int, name: str) -> None:
    if count > MAX_PAGES:
        raise DocumentError(Notice.of("too_many_pages", name=name, count=count, limit=MAX_PAGES))


class TextBudget:
    """Counts extracted characters; past the bound the file fails instead of running on."""

    def __init__(self, name: str, limit: int = MAX_TEXT_CHARS) -> None:
        self._name, self._limit, self._used = name, limit, 0

    def spend(self, text: str) -> str:
        self._used += len(text)
        if self._used > self._limit:
            raise DocumentError(Notice.of("too_much_text", name=self._name, limit=self._limit))
        return text
