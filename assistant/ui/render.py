"""HTML and Markdown the app shows. Everything that comes from a document or a user is escaped:
a document holding HTML or script shows as text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from assistant.answering.support import TABLE_RULE
from assistant.answering.tables import is_table_row
from assistant.index.manifest import ChunkRecord
from assistant.text.markup import escape_markup


def esc(value: Any) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def markdown_safe(text: str) -> str:
    """Answer text for a Markdown view: HTML in it is shown, not interpreted."""
    return escape_markup(text)


_MARK = re.compile(r"\[(\d{1,2})\]")


def bubble_text(answer: str, citations: list[dict[str, Any]]) -> str:
    """An answer for the chat bubble: escaped, without the source list the panel shows, each
    [n] a link to its source in the panel."""
    lines = answer.split("\n")
    if citations:
        # The list starts after the last blank line before the first "[1] ..." entry.
        first = next((i for i, line in enumerate(lines) if line.startswith("[1] ")), None)
        if first is not None:
            lines = lines[: max(first - 1, 0)]
    text = markdown_safe("\n".join(lines).rstrip())
    known = {str(c.get("n")) for c in citations}
    return _MARK.sub(
        lambda m: (
            f"[\\[{m.group(1)}\\]](#source-{m.group(1)})" if m.group(1) in known else m.group(0)
        ),
        text,
    )


def sources_html(citations: Iterable[dict[str, Any]], page_word: str = "p.") -> str:
    """The sources panel: each cited passage with document, page, section and an open link."""
    blocks = []
    for c in citations:
        where = [esc(c.get("source"))]
        if c.get("page"):
            page = (
                f"{page_word} {c['page']} 頁" if page_word == "第" else f"{page_word} {c['page']}"
            )
            where.append(esc(page))
        if c.get("section"):
            where.append(esc(c["section"]))
        link = c.get("link")
        title = esc(c.get("title") or c.get("source"))
        heading = (
            f'<a class="kam-open" href="{esc(link)}" target="_blank" rel="noopener">{title}</a>'
            if link
            else title
        )
        blocks.append(
            f'<div class="kam-source" id="source-{esc(c.get("n"))}">'
            f"<b>[{esc(c.get('n'))}]</b> {heading}<br><small>{' · '.join(where)}</small>"
            f"<blockquote>{quote_html(c.get('quote'))}</blockquote></div>"
        )
    return "\n".join(blocks)


def quote_html(quote: object) -> str:
    """A cited quote, escaped; table rows (``| a | b |``, with or without their header and
    rule) as a small HTML table rather than raw pipes."""
    text = str(quote or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(line.startswith("|") for line in lines):
        return esc(text)
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in lines
        if is_table_row(line)
    ]
    header = len(lines) > 1 and TABLE_RULE.match(lines[1]) is not None
    html_rows = []
    for i, row in enumerate(rows):
        tag = "th" if header and i == 0 else "td"
        html_rows.append("<tr>" + "".join(f"<{tag}>{esc(cell)}</{tag}>" for cell in row) + "</tr>")
    return f"<table>{''.join(html_rows)}</table>"


def _markdown_renderer():
    from markdown_it import MarkdownIt

    # Raw HTML in a document is shown as text, never rendered; links keep markdown-it's
    # checks (no javascript: or data: URLs).
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def document_page(
    title: str,
    source: str,
    chunks: list[ChunkRecord],
    focus: str | None,
    fmt: str = "text",
    page_word: str = "p.",
) -> str:
    """A document as a page of its passages, the cited one highlighted and scrolled to.
    Markdown documents are rendered (tables, emphasis, lists); each section's heading is
    shown once, where the section starts."""
    renderer = _markdown_renderer() if fmt == "markdown" else None
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5}"
        ".chunk{padding:.5rem;border-left:3px solid #ddd;margin:.5rem 0}"
        ".plain{white-space:pre-wrap}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem}"
        ".focus{background:#fff6cc;border-left-color:#e0a800}</style></head><body>",
        f"<h1>{esc(title)}</h1><p><small>{esc(source)}</small></p>",
    ]
    shown_section, shown_page = None, None
    for chunk in chunks:
        section = chunk.meta.get("section") or ""
        page = chunk.meta.get("page")
        if section and section != shown_section:
            parts.append(f"<h2>{esc(section)}</h2>")
            shown_section = section
        if page and page != shown_page:
            parts.append(f"<p><small>{esc(page_word)} {esc(page)}</small></p>")
            shown_page = page
        css = "chunk focus" if chunk.id == focus else "chunk"
        if renderer is not None:
            body = renderer.render(chunk.text)
        else:
            css += " plain"
            body = esc(chunk.text)
        parts.append(f'<div class="{css}" id="{esc(chunk.id)}">{body}</div>')
    parts.append("</body></html>")
    return "".join(parts)


def table_rows(rows: Iterable[dict[str, Any]], columns: list[str]) -> list[list[Any]]:
    return [[row.get(c, "") for c in columns] for row in rows]
