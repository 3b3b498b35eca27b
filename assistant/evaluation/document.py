"""A report as a small structured document (a title and blocks: paragraphs, tables, lists,
images, code, and sections holding more blocks), and its two renderings, Markdown and HTML.

The renderers know nothing about what a report says; whatever text a block holds is escaped
by them: HTML special characters everywhere, and in Markdown also ``|`` and line breaks where a
line must stay one line (a table row, a heading, a list item)."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass

from assistant.text.markup import escape_markup


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Row:
    """A table row; a ``marked`` one asks for the reader's attention (a regression)."""

    cells: tuple[str, ...]
    marked: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class BulletList:
    """Bulleted items; ``marked`` ones ask for the reader's attention (a failed threshold)."""

    items: tuple[str, ...]
    marked: bool = False


@dataclass(frozen=True)
class Image:
    """A PNG image: a file of this name beside the Markdown, embedded in the HTML."""

    name: str
    png: bytes

    @property
    def base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Code:
    """Preformatted text, shown as it is."""

    text: str


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


Block = Paragraph | Table | BulletList | Image | Code | Section


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]


# Markdown ----------------------------------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _md_text(text: str) -> str:
    """Inline Markdown: HTML shows as text, a backslash as itself, all on one line."""
    return _LINE_BREAK.sub(" ", escape_markup(text.replace("\\", "\\\\")))


def _md_cell(text: str) -> str:
    return _md_text(text).replace("|", "\\|")


def _md_row(cells: tuple[str, ...], marked: bool = False) -> str:
    shown = [_md_cell(c) for c in cells]
    if marked:
        shown = [f"**{c}**" if c else c for c in shown]
    return "| " + " | ".join(shown) + " |"


def _md_fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _md_block(block: Block, level: int) -> list[str]:
    match block:
        case Section(heading, blocks):
            lines = ["#" * level + " " + _md_text(heading)]
            for inner in blocks:
                lines += ["", *_md_block(inner, level + 1)]
            return lines
        case Paragraph(text):
            return [_md_text(text)]
        case Table(header, rows):
            rule = "|" + "---|" * len(header)
            return [_md_row(header), rule, *(_md_row(r.cells, r.marked) for r in rows)]
        case BulletList(items, marked):
            return [f"- **{_md_text(i)}**" if marked else f"- {_md_text(i)}" for i in items]
        case Image(name):
            return [f"![{_md_text(name)}]({name})"]
        case Code(text):
            fence = _md_fence(text)
            return [fence, text, fence]
    raise TypeError(f"not a document block: {block!r}")


def to_markdown(document: Document) -> str:
    lines = ["# " + _md_text(document.title)]
    for block in document.blocks:
        lines += ["", *_md_block(block, 2)]
    return "\n".join(lines) + "\n"


# HTML --------------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:sans-serif;max-width:1000px}"
    "table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px}"
    "tr.marked{background:#fdd}li.marked{color:#b00;font-weight:bold}"
)


def _html_row(cells: tuple[str, ...], tag: str, marked: bool = False) -> str:
    opening = "<tr class='marked'>" if marked else "<tr>"
    return opening + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"


def _html_block(block: Block, level: int) -> str:
    match block:
        case Section(heading, blocks):
            inner = "".join(_html_block(b, level + 1) for b in blocks)
            return f"<section><h{level}>{html.escape(heading)}</h{level}>{inner}</section>"
        case Paragraph(text):
            return f"<p>{html.escape(text)}</p>"
        case Table(header, rows):
            body = "".join(_html_row(r.cells, "td", r.marked) for r in rows)
            return f"<table>{_html_row(header, 'th')}{body}</table>"
        case BulletList(items, marked):
            opening = "<li class='marked'>" if marked else "<li>"
            return "<ul>" + "".join(f"{opening}{html.escape(i)}</li>" for i in items) + "</ul>"
        case Image(name):
            source = f"data:image/png;base64,{block.base64}"
            return f"<img alt='{html.escape(name)}' src='{source}'/>"
        case Code(text):
            return f"<pre>{html.escape(text)}</pre>"
    raise TypeError(f"not a document block: {block!r}")


def to_html(document: Document) -> str:
    title = html.escape(document.title)
    body = "".join(_html_block(block, 2) for block in document.blocks)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>{body}</body></html>"
    )
