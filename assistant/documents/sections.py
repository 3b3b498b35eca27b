"""Collect text under a stack of headings into ``Section``s (shared by the structured loaders)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.documents.model import Section


class SectionBuilder:
    """Feed headings and text in reading order; get sections with their heading paths."""

    def __init__(self, hide: Callable[[int, str], bool] | None = None) -> None:
        self._stack: list[tuple[int, str]] = []
        self._buffer: list[str] = []
        self._hide = hide or (lambda level, title: False)
        self.sections: list[Section] = []

    def heading(self, level: int, title: str) -> None:
        self.flush()
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self._stack.append((level, title))

    def text(self, line: str) -> None:
        self._buffer.append(line)

    def flush(self) -> None:
        content = "\n".join(self._buffer).strip()
        self._buffer.clear()
        if content:
            path = tuple(t for level, t in self._stack if not self._hide(level, t))
            self.sections.append(Section(text=content, heading_path=path))

    def finish(self) -> list[Section]:
        self.flush()
        return self.sections
