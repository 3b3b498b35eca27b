"""SQLite files of the app (manifest, feedback): opened the same durable way everywhere."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def open_database(path: Path, schema: str) -> sqlite3.Connection:
    """A connection shared across threads (callers hold a lock), autocommit, write-ahead log,
    fully synced commits, with ``schema`` applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.executescript(schema)
    return connection


@contextmanager
def write_transaction(
    connection: sqlite3.Connection, lock: threading.RLock
) -> Iterator[sqlite3.Connection]:
    """One immediate write transaction under ``lock``: committed on success, rolled back on
    any error (or interruption)."""
    with lock:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
