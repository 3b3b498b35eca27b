"""HTML: the main content area, split at h1-h6. The tree is walked without recursion and in
one pass, so a deeply nested page costs time in proportion to its size."""

from __future__ import annotations

from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

from assistant.documents.model import Section
from assistant.documents.sections import SectionBuilder
from assistant.errors import DocumentError
from assistant.notices import Notice

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset(
    (*_HEADINGS, "p", "li", "pre", "dt", "dd", "td", "th", "blockquote", "figcaption")
)
_NOISE = ("script", "style", "nav", "header", "footer", "noscript", "template", "form")


def _main_area(soup: BeautifulSoup) -> Tag:
    """The first of: an element with role=main, <main>, <article>, <div class=body>, <body>."""
    for found in (
        soup.find(attrs={"role": "main"}),
        soup.find("main"),
        soup.find("article"),
        soup.find("div", class_="body"),
        soup.find("body"),
    ):
        if isinstance(found, Tag):
            return found
    return soup


def parse_html(text: str, name: str) -> tuple[str | None, list[Section]]:
    """Return the page title and its sections."""
    try:
        soup = BeautifulSoup(text, "lxml")
        title_tag = soup.find("title")
        title = title_tag.get_text(" ", strip=True) if title_tag else None
        for tag in soup.find_all(_NOISE):
            tag.decompose()
        main = _main_area(soup)
        sections = _sections(main)
        if not sections:
            loose = main.get_text(" ", strip=True)
            sections = [Section(text=loose)] if loose else []
    except RecursionError:
        raise DocumentError(Notice.of("html_too_nested", name=name)) from None
    return title or None, sections


def _outer_blocks(main: Tag) -> Iterator[Tag]:
    """Block elements that sit in no other block, in reading order (an explicit stack: no
    recursion, and no walk up to the root for every block)."""
    stack = [iter(main.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child, Tag):
            if child.name in _BLOCKS:
                yield child
            else:
                stack.append(iter(child.children))


def _sections(main: Tag) -> list[Section]:
    builder = SectionBuilder()
    for block in _outer_blocks(main):
        text = block.get_text(" " if block.name != "pre" else "", strip=block.name != "pre")
        text = text.replace("\u00b6", "").strip()
        if not text:
            continue
        if block.name in _HEADINGS:
            builder.heading(int(block.name[1]), text)
        else:
            builder.text(text)
    return builder.finish()
