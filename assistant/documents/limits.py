"""Bounds on the work one file may cause at ingest: decompressed size and ratio of ZIP-based
formats (DOCX), pages and extracted text. A file over a bound fails with one clear line."""

from __future__ import annotations

import io
import zipfile

from assistant.errors import DocumentError

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
        raise DocumentError(f"{name}: refused: {len(entries):,} parts (limit {MAX_ZIP_ENTRIES:,})")
    unzipped = sum(max(e.file_size, 0) for e in entries)
    packed = max(sum(max(e.compress_size, 0) for e in entries), 1)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise DocumentError(
            f"{name}: refused: expands to {unzipped / 1048576:.0f} MB "
            f"(limit {MAX_UNZIPPED_BYTES // 1048576} MB); is it a ZIP bomb?"
        )
    if unzipped > 1024 * 1024 and unzipped / packed > MAX_ZIP_RATIO:
        raise DocumentError(
            f"{name}: refused: compressed {unzipped / packed:.0f} to 1 "
            f"(limit {MAX_ZIP_RATIO} to 1); is it a ZIP bomb?"
        )


def check_pages(count: int, name: str) -> None:
    if count > MAX_PAGES:
        raise DocumentError(f"{name}: refused: {count:,} pages (limit {MAX_PAGES:,})")


class TextBudget:
    """Counts extracted characters; past the bound the file fails instead of running on."""

    def __init__(self, name: str, limit: int = MAX_TEXT_CHARS) -> None:
        self._name, self._limit, self._used = name, limit, 0

    def spend(self, text: str) -> str:
        self._used += len(text)
        if self._used > self._limit:
            raise DocumentError(
                f"{self._name}: refused: more than {self._limit:,} characters of text"
            )
        return text
