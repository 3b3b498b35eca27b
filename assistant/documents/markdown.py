"""Markdown: YAML front matter for metadata, headings for sections."""

from __future__ import annotations

import re

from assistant.documents.metadata import DocMeta, split_front_matter
from assistant.documents.model import Section
from assistant.documents.sections import SectionBuilder

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def parse_markdown(text: str, name: str) -> tuple[DocMeta, list[Section], str | None]:
    """Return metadata, sections (with heading paths) and the first H1, if any."""
    meta, body = split_front_matter(text, name)
    first_h1: str | None = None
    builder = SectionBuilder(hide=lambda level, title: level == 1 and title == first_h1)
    in_fence = False
    for line in body.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            level, title = len(match.group(1)), match.group(2).strip()
            if level == 1 and first_h1 is None:
                builder.flush()
                first_h1 = title
            builder.heading(level, title)
        else:
            builder.text(line)
    return meta, builder.finish(), first_h1
