"""DOCX via python-docx: 'Heading N' paragraphs start sections; tables become lines."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError

from assistant.documents.model import Section
from assistant.documents.sections import SectionBuilder
from assistant.errors import DocumentError


def parse_docx(data: bytes, name: str) -> tuple[str | None, list[Section]]:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a valid DOCX file ({type(exc).__name__})") from None
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
