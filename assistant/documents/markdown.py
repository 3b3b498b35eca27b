"""Markdown: YAML front matter for metadata, headings for sections."""

from __future__ import annotations

import re

from assistant.documents.metadata import DocMeta, split_front_matter
from assistant.documents.model import Section

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def parse_markdown(text: str, name: str) -> tuple[DocMeta, list[Section], str | None]:
    """Return metadata, sections (with heading paths) and the first H1, if any."""
    meta, body = split_front_matter(text, name)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    first_h1: str | None = None
    buffer: list[str] = []
    in_fence = False

    def flush() -> None:
        content = "\n".join(buffer).strip()
        buffer.clear()
        if content:
            path = tuple(title for level, title in stack if not (level == 1 and title == first_h1))
            sections.append(Section(text=content, heading_path=path))

    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            flush()
            level, title = len(match.group(1)), match.group(2).strip()
            if level == 1 and first_h1 is None:
                first_h1 = title
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
        else:
            buffer.append(line)
    flush()
    return meta, sections, first_h1
