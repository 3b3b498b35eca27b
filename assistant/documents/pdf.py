"""PDF via pypdf: one section per page, headed by the PDF outline when it has one."""

from __future__ import annotations

import io
import logging
import re

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PdfStreamError

from assistant.documents.limits import TextBudget, check_pages
from assistant.documents.model import Section
from assistant.errors import DocumentError
from assistant.notices import Notice

logging.getLogger("pypdf").setLevel(logging.ERROR)


def parse_pdf(data: bytes, name: str) -> tuple[str | None, list[Section]]:
    """Return the PDF's title and one section per page that has text."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise DocumentError(Notice.of("pdf_not_pdf", name=name))
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError(Notice.of("pdf_encrypted", name=name))
        check_pages(len(reader.pages), name)
        budget = TextBudget(name)
        outline = _outline_by_page(reader)
        sections: list[Section] = []
        heading: tuple[str, ...] = ()
        for number, page in enumerate(reader.pages, start=1):
            heading = outline.get(number, heading)
            text = budget.spend(join_spaced_cjk((page.extract_text() or "").strip()))
            if text:
                sections.append(Section(text=text, heading_path=heading, page=number))
        title = _title(reader)
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many (often undocumented) types on damaged files
        raise DocumentError(Notice.of(_reason(exc), name=name)) from None
    if not sections:
        raise DocumentError(Notice.of("pdf_no_text", name=name))
    return title, sections


_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACED_CJK = re.compile(f"(?<=[{_CJK}])[ \u00a0]+(?=[{_CJK}])")


def join_spaced_cjk(text: str) -> str:
    """Chinese from many PDFs comes out one character at a time with spaces between
    ("如 果 你 想"); Chinese puts no spaces between characters, so they are removed. Spaces
    between Chinese and Latin text stay."""
    return _SPACED_CJK.sub("", text)


def _opens_without_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an encryption this reader cannot try (AES without cryptography)
        return False


def _reason(exc: Exception) -> str:
    """The notice code that says what is wrong with a damaged PDF."""
    if isinstance(exc, PdfStreamError | PdfReadError | KeyError | IndexError | EOFError):
        return "pdf_damaged_structure"
    if isinstance(exc, RecursionError):
        return "pdf_too_nested"
    if isinstance(exc, NotImplementedError):
        return "pdf_unsupported_feature"
    return "pdf_damaged"


def _title(reader: PdfReader) -> str | None:
    try:
        info = reader.metadata
        return str(info.title).strip() or None if info and info.title else None
    except Exception:  # metadata is optional and often malformed
        return None


def _outline_by_page(reader: PdfReader) -> dict[int, tuple[str, ...]]:
    """Map 1-based page numbers to the outline path that starts there."""
    result: dict[int, tuple[str, ...]] = {}

    def walk(items: list, parents: tuple[str, ...]) -> None:
        last: tuple[str, ...] = parents
        for item in items:
            if isinstance(item, list):
                walk(item, last)
                continue
            try:
                page = reader.get_destination_page_number(item) + 1
                last = (*parents, str(item.title).strip())
            except Exception:  # a broken outline entry is skipped, not fatal
                continue
            result.setdefault(page, last)

    try:
        walk(reader.outline, ())
    except Exception:
        return {}
    # A single top-level entry is the document's own title: drop it from the section paths.
    tops = {path[0] for path in result.values() if path}
    if len(tops) == 1 and any(len(path) > 1 for path in result.values()):
        result = {page: path[1:] or path for page, path in result.items()}
    return result
