"""DOCX via python-docx: 'Heading N' paragraphs start sections; tables become lines."""

from __future__ import annotations

import io
import zipfile
import zlib

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from assistant.documents.limits import check_zip_package
from assistant.documents.model import Section
from assistant.documents.sections import SectionBuilder
from assistant.errors import DocumentError
from assistant.notices import Notice


def _reason(exc: Exception) -> str:
    """The notice code that says what is wrong with a damaged DOCX."""
    if isinstance(exc, PackageNotFoundError):
        return "docx_not_package"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "docx_zip_damaged"
    if isinstance(exc, KeyError):
        return "docx_part_missing"
    if isinstance(exc, etree.XMLSyntaxError):
        return "docx_xml_damaged"
    return "docx_damaged"


def parse_docx(data: bytes, name: str) -> tuple[str | None, list[Section]]:
    """Return the document's title and its sections; any damage is one clear error."""
    check_zip_package(data, name)
    try:
        return _read(docx.Document(io.BytesIO(data)))
    except RecursionError:
        raise DocumentError(Notice.of("docx_too_nested", name=name)) from None
    except Exception as exc:  # python-docx and lxml raise many types on damaged files
        raise DocumentError(Notice.of(_reason(exc), name=name)) from None


def _read(document: Document) -> tuple[str | None, list[Section]]:
    builder = SectionBuilder()
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _heading_level(style)
        if level:
            builder.heading(level, text)
        else:
            builder.text(text)
    sections = builder.finish()
    for table in document.tables:
        rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows]
        rows = [row for row in rows if row.strip(" |")]
        if rows:
            sections.append(Section(text="\n".join(rows), heading_path=("Table",)))
    title = (document.core_properties.title or "").strip() or None
    return title, sections


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    if style.startswith("Heading "):
        suffix = style.removeprefix("Heading ").strip()
        if suffix.isdigit():
            return int(suffix)
    return 0
