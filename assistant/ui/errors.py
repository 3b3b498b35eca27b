"""Handlers show problems as messages in the page, never as tracebacks."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import gradio as gr

from assistant.errors import KamError

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# What a handler's problem says to the reader: the exception and the handler's arguments (where
# the request, and so the page's language, is found) -> the text of the message.
Wording = Callable[[Exception, tuple[Any, ...], dict[str, Any]], str]


def request_in(args: tuple[Any, ...], kwargs: dict[str, Any]) -> gr.Request | None:
    """The Gradio request among a handler's arguments, if it takes one."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, gr.Request):
            return value
    return None


def _message(exc: Exception, wording: Wording, args: tuple, kwargs: dict) -> gr.Error:
    if isinstance(exc, gr.Error):
        return exc
    if not isinstance(exc, KamError):
        log.exception("unexpected error in a web handler")
    # An expected problem needs no traceback; an unexpected one was logged once above, with its
    # traceback, and Gradio need not print it again.
    return gr.Error(wording(exc, args, kwargs), print_exception=False)


def friendly(fn: F, wording: Wording) -> F:
    """Turn KamError (and anything unexpected) into a gr.Error the page shows as a message,
    worded by ``wording`` (``AppContext.friendly`` says it in the page's language)."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise _message(exc, wording, args, kwargs) from None

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def plain(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise _message(exc, wording, args, kwargs) from None

    return plain  # type: ignore[return-value]
