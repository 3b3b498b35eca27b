"""Pick the parser for a file, then merge metadata from front matter, sidecar and detection."""

from __future__ import annotations

from pathlib import Path

from assistant.documents.docx import parse_docx
from assistant.documents.html import parse_html
from assistant.documents.markdown import parse_markdown
from assistant.documents.metadata import DocMeta
from assistant.documents.model import LoadedDocument, Section
from assistant.documents.pdf import parse_pdf
from assistant.documents.text_decoding import decode_text
from assistant.documents.titles import name_says_nothing, title_in_text
from assistant.errors import DocumentError
from assistant.notices import Notice
from assistant.text.language import detect_language

SUPPORTED_SUFFIXES = {
    ".pdf": "pdf",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}


def file_format(path: Path) -> str:
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise DocumentError(
            Notice.of("unsupported_type", name=path.name, suffix=path.suffix, kinds=supported)
        )
    return fmt


def load_document(path: Path, data: bytes, sidecar: DocMeta | None = None) -> LoadedDocument:
    """Parse ``data`` (the bytes of ``path``) into sections and complete its metadata."""
    name = path.name
    fmt = file_format(path)
    if not data.strip().removeprefix(b"\xef\xbb\xbf").strip():
        raise DocumentError(Notice.of("file_empty", name=name))
    meta, sections, found_title = _parse(fmt, data, name)
    if sidecar is not None:
        meta = meta.model_copy(update=sidecar.model_dump(exclude_unset=True))
    sections = [s for s in sections if s.text.strip()]
    if not sections:
        raise DocumentError(Notice.of("no_text", name=name))
    document = LoadedDocument(path=path, fmt=fmt, meta=meta, sections=sections)
    updates: dict[str, object] = {}
    if not meta.title:
        updates["title"] = found_title or path.stem.replace("_", " ").replace("-", " ")
        document.title_from_name = not found_title
        if not found_title and fmt == "text" and name_says_nothing(path.stem):
            document.shown_title = title_in_text(sections[0].text)
    if not meta.language:
        updates["language"] = detect_language(document.full_text()[:20000])
    if updates:
        document.meta = meta.model_copy(update=updates)
    return document


def _parse(fmt: str, data: bytes, name: str) -> tuple[DocMeta, list[Section], str | None]:
    if fmt == "pdf":
        title, sections = parse_pdf(data, name)
        return DocMeta(), sections, title
    if fmt == "docx":
        title, sections = parse_docx(data, name)
        return DocMeta(), sections, title
    text = decode_text(data, name)
    if fmt == "markdown":
        return parse_markdown(text, name)
    if fmt == "html":
        title, sections = parse_html(text, name)
        return DocMeta(), sections, title
    return DocMeta(), [Section(text=text.strip())], None
