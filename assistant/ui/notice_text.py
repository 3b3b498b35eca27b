"""Notices (a message code and values from the document layer) in the page's language."""

from __future__ import annotations

from typing import Any

from assistant.notices import Notice, notice_messages
from assistant.prompts import PromptLibrary
from assistant.ui.labels import Labels

# Values that hold a code, and the kind of label that says it in words.
CODED_VALUES = {"access": "access", "stored": "access"}


class NoticeText:
    """Says notices in English or Traditional Chinese (``prompts/ingest_messages.yaml``);
    coded values such as access levels come out in words (``prompts/ui_labels.yaml``)."""

    def __init__(self, library: PromptLibrary, labels: Labels) -> None:
        self._messages = notice_messages(library)
        self._labels = labels

    def _words(self, name: str, value: Any, language: str) -> Any:
        kind = CODED_VALUES.get(name)
        return self._labels.code(kind, value, language) if kind else value

    def say(self, notice: Notice | dict[str, Any], language: str) -> str:
        if isinstance(notice, dict):
            notice = Notice.from_dict(notice)
        return notice.text(self._messages, language, self._words)

    def join(self, notices: list[Notice] | list[dict[str, Any]], language: str) -> str:
        """Several notices about one file, as one line."""
        said = [self.say(notice, language) for notice in notices]
        line = said[0] if said else ""
        for then in said[1:]:
            line = self._messages.get("one_after_another", language, first=line, then=then)
        return line
