"""What a client sends, checked before any service sees it: text only, bounded sizes, and
files only from Gradio's own upload folder. Any signed-in user can call every handler with
raw HTTP, so nothing here trusts the page."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.errors import KamError


class InputError(KamError):
    """A request carried something the app does not accept."""


def bounded_text(value: Any, what: str, limit: int, required: bool = False) -> str:
    """``value`` as text of at most ``limit`` characters; a clear message otherwise."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(f"{what} must be text")
    if len(value) > limit:
        raise InputError(f"{what} is {len(value):,} characters long; the limit is {limit:,}")
    if required and not value.strip():
        raise InputError(f"{what} is empty")
    return value


def chat_history(value: Any, max_turns: int, max_chars: int) -> list[tuple[str, str]]:
    """Earlier turns as ``[(question, answer), ...]``: plain text pairs only. A file, an image
    or any other structure is refused (it is how a client would smuggle a server path)."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise InputError("the chat history must be a list of [question, answer] pairs")
    if len(value) > max_turns:
        value = list(value)[-max_turns:] if max_turns else []
    turns = []
    for turn in value:
        if not isinstance(turn, (list, tuple)) or len(turn) < 2:
            raise InputError("each chat history turn must be a [question, answer] pair of text")
        question, answer = turn[0], turn[1]
        if not all(isinstance(part, str) for part in (question, answer)):
            raise InputError("the chat history may hold text only")
        turns.append(
            (
                bounded_text(question, "a question in the history", max_chars),
                bounded_text(answer, "an answer in the history", max_chars * 10),
            )
        )
    return turns


def text_list(value: Any, what: str, allowed: Sequence[str] | None = None) -> list[str]:
    """A list of short strings (filters), optionally from a fixed set."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{what} must be a list of names")
    if len(value) > 20:
        raise InputError(f"{what} may name at most 20 entries")
    if allowed is not None:
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise InputError(f"{what}: unknown {', '.join(unknown)} (one of {', '.join(allowed)})")
    return list(value)


def upload_folder() -> Path:
    import gradio.utils

    return Path(gradio.utils.get_upload_folder()).resolve()


def uploaded_file(path: Any) -> Path:
    """A file the browser uploaded through Gradio (inside its upload folder), never a path of
    the client's choosing."""
    raw = getattr(path, "path", path)
    if isinstance(raw, dict):
        raw = raw.get("path")
    if not isinstance(raw, (str, Path)) or not str(raw):
        raise InputError("choose a file to upload")
    resolved = Path(raw).resolve()
    if upload_folder() not in resolved.parents or not resolved.is_file():
        raise InputError("files must be uploaded through the page")
    return resolved


class UserSlots:
    """At most ``limit`` running requests per user: one user's burst is refused with a
    message instead of queueing everyone else behind it."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, username: str) -> Iterator[None]:
        with self._lock:
            if self._running.get(username, 0) >= self._limit:
                raise InputError("you already have questions running; wait for them to finish")
            self._running[username] = self._running.get(username, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[username] -= 1
                if not self._running[username]:
                    del self._running[username]
