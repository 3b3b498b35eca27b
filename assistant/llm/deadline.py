"""LLM calls bounded by a wall-clock deadline: the configured timeout is the user's whole wait,
whatever the endpoint does (stalls before the first token, trickles, or never closes)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel

_DONE = object()


class DeadlineExceeded(TimeoutError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the language model did not finish within {seconds:g} s")


def stream_within(model: BaseChatModel, messages: Sequence[Any], deadline: float) -> Iterator[str]:
    """The model's text deltas until ``deadline`` (``time.monotonic()``); past it raise
    ``DeadlineExceeded`` and leave the call to end in the background."""
    pieces: queue.Queue = queue.Queue()

    def pump() -> None:
        try:
            for chunk in model.stream(list(messages)):
                pieces.put(str(chunk.content or ""))
            pieces.put(_DONE)
        except Exception as exc:  # handed to the reader, which raises it
            pieces.put(exc)

    threading.Thread(target=pump, name="llm-call", daemon=True).start()
    budget = deadline - time.monotonic()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(round(budget, 1))
        try:
            item = pieces.get(timeout=remaining)
        except queue.Empty:
            raise DeadlineExceeded(round(budget, 1)) from None
        if item is _DONE:
            return
        if isinstance(item, Exception):
            raise item
        if item:
            yield item


def invoke_within(model: BaseChatModel, messages: Sequence[Any], deadline: float) -> str:
    return "".join(stream_within(model, messages, deadline))
