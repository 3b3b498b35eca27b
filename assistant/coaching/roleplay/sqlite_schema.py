"""The role-play database's tables and their version: a newer file is refused, an older one
upgraded, a damaged one reported."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.errors import KamError
from assistant.storage.sqlite import open_database

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    trainee TEXT NOT NULL,
    scenario_id TEXT NOT NULL,
    scenario_title TEXT NOT NULL,
    language TEXT NOT NULL,
    scenario_json TEXT NOT NULL,
    state_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_trainee ON sessions (trainee, started_at);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    n INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('kam', 'persona')),
    text TEXT NOT NULL,
    mode TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (session_id, n)
);
CREATE TABLE IF NOT EXISTS scorecards (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id),
    score REAL NOT NULL,
    compliance_failed INTEGER NOT NULL,
    body TEXT NOT NULL,
    scored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS overrides (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    criterion_id TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('met', 'missing')),
    comment TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS overrides_by_session ON overrides (session_id, id);
"""


def open_store(path: Path) -> sqlite3.Connection:
    """The connection (write-ahead log, fully synced commits, shared across threads behind the
    caller's lock) with the schema in place."""
    try:
        db = open_database(path, "")
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise KamError(
                f"{path.name} was written by a newer KAM Coach (schema {version}; this "
                f"version reads {SCHEMA_VERSION}); upgrade KAM Coach to open it"
            )
        db.executescript(_SCHEMA)
        if version < SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as exc:
        raise KamError(f"the coaching database {path} cannot be opened ({exc})") from None
    return db
