"""Answer feedback (thumbs up/down, 'evidence is wrong', comments), stored in SQLite, and its
export as draft questions for a curated set."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import KamError
from assistant.storage.sqlite import open_database
from assistant.text.language import detect_language, is_chinese

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    user TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    sources TEXT NOT NULL,
    rating INTEGER NOT NULL,
    evidence_wrong INTEGER NOT NULL,
    comment TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class FeedbackItem:
    id: int
    created: str
    user: str
    question: str
    answer: str
    sources: list[str]
    rating: int
    evidence_wrong: bool
    comment: str


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_database(path, _SCHEMA)

    def record(
        self,
        question: str,
        answer: str,
        sources: list[str],
        rating: int,
        evidence_wrong: bool = False,
        comment: str = "",
        user: str = "local",
    ) -> int:
        if rating not in (-1, 1):
            raise KamError("rating must be 1 (thumbs up) or -1 (thumbs down)")
        if not question.strip():
            raise KamError("feedback needs the question it is about")
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO feedback (created, user, question, answer, sources, rating, "
                "evidence_wrong, comment) VALUES (?,?,?,?,?,?,?,?)",
                (
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    user,
                    question,
                    answer,
                    json.dumps(sources, ensure_ascii=False),
                    rating,
                    int(evidence_wrong),
                    comment,
                ),
            )
            return int(cursor.lastrowid)

    def items(self, negative_only: bool = False) -> list[FeedbackItem]:
        sql = (
            "SELECT * FROM feedback"
            + (" WHERE rating < 0" if negative_only else "")
            + " ORDER BY id"
        )
        with self._lock:
            rows = self._db.execute(sql).fetchall()
        return [
            FeedbackItem(i, c, u, q, a, json.loads(s), r, bool(e), m)
            for i, c, u, q, a, s, r, e, m in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def draft_questions(items: list[FeedbackItem]) -> dict[str, Any]:
    """A question set of drafts from thumbs-down feedback, for a maintainer to review: the
    expected sources and key facts are left for the reviewer to fill in."""
    questions = []
    for item in items:
        language = "zh-Hant" if is_chinese(detect_language(item.question)) else "en"
        note = "evidence is wrong" if item.evidence_wrong else "answer rated unhelpful"
        questions.append(
            {
                "id": f"feedback-{item.id}",
                "question": item.question,
                "lang": language,
                "answerable": True,
                "expected_sources": [],
                "key_facts": [],
                "tags": ["from-feedback", "needs-review"],
                "review": {
                    "reason": note,
                    "comment": item.comment,
                    "cited": item.sources,
                    "answer": item.answer,
                    "user": item.user,
                    "created": item.created,
                },
            }
        )
    return {
        "name": "feedback-drafts",
        "description": "Drafts from thumbs-down feedback: fill expected_sources and key_facts "
        "(or set answerable: false), delete the review block, then move them "
        "into a curated set.",
        "questions": questions,
    }


def write_drafts(items: list[FeedbackItem], path: Path) -> int:
    data = draft_questions(items)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), "utf-8")
    return len(data["questions"])
