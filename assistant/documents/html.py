"""HTML: the main content area, split at h1-h6."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from assistant.documents.model import Section
from assistant.documents.sections import SectionBuilder
from assistant.errors import DocumentError

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = (*_HEADINGS, "p", "li", "pre", "dt", "dd", "td", "th", "blockquote", "figcaption")
_NOISE = ("script", "style", "nav", "header", "footer", "noscript", "template", "form")


def _main_area(soup: BeautifulSoup) -> Tag:
    for selector in ('[role="main"]', "main", "article", "div.body", "body"):
        found = soup.select_one(selector)
        if found is not None:
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
        raise DocumentError(f"{name}: HTML is nested too deeply to read") from None
    return title or None, sections


def _sections(main: Tag) -> list[Section]:
    builder = SectionBuilder()
    for block in main.find_all(_BLOCKS):
        if block.find_parent(_BLOCKS) is not None:
            continue
        text = block.get_text(" " if block.name != "pre" else "", strip=block.name != "pre")
        text = text.replace("\u00b6", "").strip()
        if not text:
            continue
        if block.name in _HEADINGS:
            builder.heading(int(block.name[1]), text)
        else:
            builder.text(text)
    return builder.finish()
