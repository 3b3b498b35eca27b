"""Small pieces every ``kamcoach`` command module shares."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from assistant.documents.metadata import ACCESS_LEVELS
from assistant.errors import KamError

if TYPE_CHECKING:  # retrieval pulls in numpy and LangChain: not at CLI start
    from assistant.retrieval.search import SearchFilters


class KamTyper(typer.Typer):
    """A Typer app whose every command reports ``KamError`` as ``error: message`` and exit
    code 1 (never a traceback): commands need no ``try``/``except`` of their own."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)

        def decorate(function):
            @functools.wraps(function)
            def reported(*a, **k):
                try:
                    return function(*a, **k)
                except KamError as exc:
                    fail(str(exc))

            return register(reported)

        return decorate


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code`` (never a traceback)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def access_filters(access: list[str] | None) -> SearchFilters:
    """Search filters for an ``--access`` option; an unknown level exits with code 2."""
    from assistant.retrieval.search import SearchFilters

    unknown = sorted(set(access or ()) - set(ACCESS_LEVELS))
    if unknown:
        fail(f"--access must be {' or '.join(ACCESS_LEVELS)} (got {', '.join(unknown)})", 2)
    return SearchFilters(access=tuple(access or ()))


def write_output(path: Path, text: str, what: str = "", excel: bool = False) -> None:
    """Write a command's output file; CSV for spreadsheets gets a byte-order mark so they read
    Chinese correctly. A failure is a ``KamError`` naming ``what`` was being written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8-sig" if excel else "utf-8")
    except OSError as exc:
        target = f"{what} to {path}" if what else str(path)
        raise KamError(f"cannot write {target} ({exc.strerror})") from None
