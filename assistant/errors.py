"""Errors whose message is meant for the user, never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.notices import Notice


class KamError(Exception):
    """Base class: the message is shown to the user as it is."""


class NoticeError(KamError):
    """A problem that carries its notice (a message code and values), so the web app can say
    it in the page's language; ``str()`` is the English."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(str(notice))
        self.notice = notice


class DocumentError(NoticeError):
    """A file could not be turned into passages (corrupt, encrypted, empty, too large...)."""


class StoreUnavailableError(KamError):
    """The vector store (embedded or server) cannot be reached."""
