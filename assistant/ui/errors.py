"""Handlers show problems as messages in the page, never as tracebacks."""

import functools
import inspect
import logging

import gradio as gr

from assistant.errors import KamError

log = logging.getLogger(__name__)


def _message(exc: Exception) -> gr.Error:
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, KamError):
        return gr.Error(str(exc), print_exception=False)  # an expected problem: no traceback
    log.exception("unexpected error in a web handler")
    # Logged once above, with its traceback; Gradio need not print it again.
    return gr.Error(
        "Something went wrong; the problem was logged. Please try again.", print_exception=False
    )


def friendly(fn):
    """Turn KamError (and anything unexpected) into a gr.Error the page shows as a message."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise _message(exc) from None

        return generator

    @functools.wraps(fn)
    def plain(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise _message(exc) from None

    return plain
