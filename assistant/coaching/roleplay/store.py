"""Role-play sessions on disk (SQLite, write-ahead log, fully synced commits): every turn,
scorecard and trainer override is committed in its own transaction before the caller hears it
was saved, so a killed process loses nothing it reported saved and never leaves a half write."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.coaching.roleplay import export
from assistant.coaching.roleplay.behaviour import MESSAGES_FILE
from assistant.coaching.roleplay.records import (
    SessionRecord,
    SessionSummary,
    StoredTurn,
    TraineeProgress,
)
from assistant.coaching.roleplay.scenario import Scenario
from assistant.coaching.roleplay.scorecard import YES_NO, Override, Scorecard
from assistant.coaching.roleplay.sqlite_schema import open_store
from assistant.errors import KamError
from assistant.prompts import Messages, PromptLibrary
from assistant.storage.sqlite import write_transaction


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class SessionStore:
    """One connection shared across threads behind a lock; safe beside other processes.
    ``library`` (from the composition root) words its errors and its Markdown export."""

    def __init__(self, path: Path, library: PromptLibrary) -> None:
        self.path = path
        self._library = library
        self._messages = Messages(self._library, MESSAGES_FILE)
        self._lock = threading.RLock()
        self._db = open_store(path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing: one transaction each --------------------------------------------------

    def create_session(
        self, trainee: str, scenario: Scenario, state: dict[str, Any], opening: str, mode: str
    ) -> str:
        """A new session with the persona's opening line; returns its id."""
        session_id = secrets.token_hex(6)
        started = now()
        with self._write() as db:
            db.execute(
                "INSERT INTO sessions (id, trainee, scenario_id, scenario_title, language, "
                "scenario_json, state_json, status, started_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    session_id,
                    trainee,
                    scenario.id,
                    scenario.title,
                    scenario.language,
                    scenario.model_dump_json(),
                    json.dumps(state, ensure_ascii=False),
                    "active",
                    started,
                ),
            )
            db.execute(
                "INSERT INTO turns (session_id, n, role, text, mode, at) VALUES (?,?,?,?,?,?)",
                (session_id, 1, "persona", opening, mode, started),
            )
        return session_id

    def add_turn(
        self, session_id: str, role: str, text: str, mode: str = "", state: dict | None = None
    ) -> int:
        """Append a turn (and the conversation state after it); returns its number."""
        with self._write() as db:
            self._require_active(db, session_id)
            n = db.execute(
                "SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            db.execute(
                "INSERT INTO turns (session_id, n, role, text, mode, at) VALUES (?,?,?,?,?,?)",
                (session_id, n, role, text, mode, now()),
            )
            if state is not None:
                db.execute(
                    "UPDATE sessions SET state_json = ? WHERE id = ?",
                    (json.dumps(state, ensure_ascii=False), session_id),
                )
        return n

    def save_scorecard(self, session_id: str, scorecard: Scorecard) -> None:
        """Store the automatic scorecard and close the session."""
        with self._write() as db:
            self._require_active(db, session_id)
            stamp = now()
            db.execute(
                "INSERT INTO scorecards (session_id, score, compliance_failed, body, scored_at) "
                "VALUES (?,?,?,?,?)",
                (
                    session_id,
                    scorecard.score,
                    int(scorecard.compliance_failed),
                    json.dumps(scorecard.to_record(), ensure_ascii=False),
                    stamp,
                ),
            )
            db.execute(
                "UPDATE sessions SET status = 'ended', ended_at = ? WHERE id = ?",
                (stamp, session_id),
            )

    def override(
        self, session_id: str, criterion_id: str, result: str, comment: str, by: str
    ) -> Scorecard:
        """A trainer's verdict on one criterion, kept beside the automatic result (the history
        stays; the latest override counts). Returns the effective scorecard."""
        result = {"yes": "met", "no": "missing"}.get(str(result).strip().lower(), result)
        if result not in YES_NO or not (comment or "").strip() or not (by or "").strip():
            raise KamError(self._say("bad_override"))
        record = self.session(session_id)
        if record.automatic is None:
            raise KamError(self._say("not_scored", id=session_id))
        known = [c.id for c in record.automatic.criteria]
        if criterion_id not in known:
            raise KamError(
                self._say("unknown_criterion", criterion=criterion_id, known=", ".join(known))
            )
        with self._write() as db:
            db.execute(
                "INSERT INTO overrides (session_id, criterion_id, result, comment, by, at) "
                "VALUES (?,?,?,?,?,?)",
                (session_id, criterion_id, result, comment.strip(), by.strip(), now()),
            )
        return self.session(session_id).scorecard  # type: ignore[return-value]

    # -- reading -------------------------------------------------------------------------

    def session(self, session_id: str) -> SessionRecord:
        with self._lock:
            row = self._db.execute(
                "SELECT scenario_json, state_json FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                raise KamError(self._say("unknown_session", id=session_id))
            turns = [
                StoredTurn(*t)
                for t in self._db.execute(
                    "SELECT n, role, text, mode, at FROM turns WHERE session_id = ? ORDER BY n",
                    (session_id,),
                )
            ]
            automatic, overrides = self._scores(session_id)
            summary = self._summaries("WHERE s.id = ?", (session_id,))[0]
        return SessionRecord(
            summary,
            Scenario.model_validate_json(row[0]),
            turns,
            json.loads(row[1]),
            automatic,
            overrides,
        )

    def sessions(self, trainees: list[str] | None = None) -> list[SessionSummary]:
        """Sessions of these trainees (None: everyone), oldest first."""
        if trainees is None:
            return self._summaries("", ())
        if not trainees:
            return []
        marks = ",".join("?" * len(trainees))
        return self._summaries(f"WHERE s.trainee IN ({marks})", tuple(trainees))

    def trainees(self) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT trainee FROM sessions ORDER BY trainee")
            return [r[0] for r in rows]

    def progress(self, trainee: str) -> TraineeProgress:
        """First, best and latest result per criterion, and the score over time."""
        ended = [s for s in self.sessions([trainee]) if s.score is not None]
        ended.sort(key=lambda s: s.ended_at or "")
        return export.progress(trainee, [self.session(s.id) for s in ended])

    def export_session_markdown(self, session_id: str) -> str:
        return export.session_markdown(self.session(session_id), self._library)

    def export_cohort_csv(self, trainees: list[str] | None = None) -> str:
        records = [self.session(s.id) for s in self.sessions(trainees)]
        return export.cohort_csv(records)

    # -- internals -----------------------------------------------------------------------

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def _require_active(self, db: sqlite3.Connection, session_id: str) -> None:
        row = db.execute("SELECT status FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            raise KamError(self._say("unknown_session", id=session_id))
        if row[0] != "active":
            raise KamError(self._say("session_ended"))

    def _scores(self, session_id: str) -> tuple[Scorecard | None, list[Override]]:
        row = self._db.execute(
            "SELECT body FROM scorecards WHERE session_id = ?", (session_id,)
        ).fetchone()
        overrides = [
            Override(*o)
            for o in self._db.execute(
                "SELECT criterion_id, result, comment, by, at FROM overrides "
                "WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
        ]
        return (Scorecard.from_record(json.loads(row[0])) if row else None), overrides

    def _summaries(self, where: str, values: tuple) -> list[SessionSummary]:
        query = (
            "SELECT s.id, s.trainee, s.scenario_id, s.scenario_title, s.language, s.status, "
            "s.started_at, s.ended_at, (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id), "
            "c.body FROM sessions s LEFT JOIN scorecards c ON c.session_id = s.id "
            f"{where} ORDER BY s.started_at, s.id"
        )
        with self._lock:
            rows = self._db.execute(query, values).fetchall()
            summaries = []
            for *fields, body in rows:
                effective = automatic = None
                if body is not None:
                    automatic = Scorecard.from_record(json.loads(body))
                    effective = automatic.with_overrides(self._scores(fields[0])[1])
                summaries.append(
                    SessionSummary(
                        *fields,
                        score=effective.score if effective else None,
                        automatic_score=automatic.score if automatic else None,
                        compliance_failed=effective.compliance_failed if effective else None,
                        passed=effective.passed if effective else None,
                        overridden=bool(effective and effective.overrides),
                    )
                )
        return summaries

    def _say(self, key: str, **values: object) -> str:
        return self._messages.get(key, "en", **values)
