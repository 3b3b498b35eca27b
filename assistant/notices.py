"""Notices: what happened to a file or a request, as a message code and its values. The words
live in ``prompts/ingest_messages.yaml`` in both languages; the web app renders a notice in the
page's language, and ``str()`` gives the English the CLI prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from assistant.prompts import Messages, PromptLibrary, default_library

NOTICE_FILE = "ingest_messages.yaml"


@dataclass(frozen=True)
class Notice:
    """A message code (a key of the notice file) and the values its text is filled with."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **values: Any) -> Notice:
        return cls(code, values)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notice:
        """The inverse of ``as_dict`` (a notice that went through the web app's API layer)."""
        values = {
            name: cls.from_dict(value) if isinstance(value, dict) and "code" in value else value
            for name, value in (data.get("values") or {}).items()
        }
        return cls(str(data["code"]), values)

    def as_dict(self) -> dict[str, Any]:
        values = {
            name: value.as_dict() if isinstance(value, Notice) else value
            for name, value in self.values.items()
        }
        return {"code": self.code, "values": values}

    def text(
        self,
        messages: Messages,
        language: str = "en",
        words: Callable[[str, Any, str], Any] | None = None,
    ) -> str:
        """The notice in ``language``. A value that is itself a notice is said in the same
        language; ``words(name, value, language)`` may put coded values (an access level) in
        words."""
        values = {}
        for name, value in self.values.items():
            if isinstance(value, Notice):
                value = value.text(messages, language, words)
            elif words is not None:
                value = words(name, value, language)
            values[name] = value
        return messages.get(self.code, language, **values)

    def __str__(self) -> str:
        return self.text(_english_messages(), "en")


def notice_messages(library: PromptLibrary) -> Messages:
    """The notice texts of a prompts folder (both languages hold the same codes)."""
    return Messages(library, NOTICE_FILE)


@cache
def _english_messages() -> Messages:
    """Read on the first ``str()`` of a notice, then kept."""
    return notice_messages(default_library())
