"""A lock that many holders share and one takes alone: searches and writes share the open
Chroma client; reopening it (to see another process's writes) waits until none is using it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SharedExclusiveLock:
    """``shared()`` may be held by any number of threads at once; ``exclusive()`` waits for
    them to leave and keeps new ones out until it is released. A waiting exclusive holder
    goes first, so a steady stream of searches cannot starve a reopen."""

    def __init__(self) -> None:
        self._state = threading.Condition()
        self._sharing = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._state:
            while self._exclusive or self._waiting:
                self._state.wait()
            self._sharing += 1
        try:
            yield
        finally:
            with self._state:
                self._sharing -= 1
                if not self._sharing:
                    self._state.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._state:
            self._waiting += 1
            try:
                while self._exclusive or self._sharing:
                    self._state.wait()
            finally:
                self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._state:
                self._exclusive = False
                self._state.notify_all()
