"""What a loader produces: a document as ordered sections of text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents.metadata import DocMeta


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, on one page (PDF) or none."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None

    @property
    def section(self) -> str:
        return " > ".join(self.heading_path)


@dataclass
class LoadedDocument:
    path: Path
    fmt: str
    meta: DocMeta
    sections: list[Section] = field(default_factory=list)
    # The title was made from the file name: the document gave none (see dense_text).
    title_from_name: bool = False
    # What readers see in its place when the file name is a code and the text opens with a
    # title line (``titles.py``). Display only: search, chunking and the answer checks read
    # the title as before (a derived title read there cost key facts on the seed sets).
    shown_title: str | None = None

    def full_text(self) -> str:
        return "\n\n".join(section.text for section in self.sections)
