"""Specifics a question asks for that the passages must hold for an answer: as many items as
the question announces ("the seven steps", "哪五個特徵") and the years it names ("in 2021").
A passage about the subject that announces seven steps without listing them, or gives the
figure of another year, does not answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.extractive import announced_count
from assistant.answering.support import passage_units

MOST_ASKED_ITEMS = 20
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SEPARATORS = re.compile(r"[,，、;；]|\band\b|\bor\b|以及|和|及|與|或")


def asked_item_count(question: str) -> int | None:
    """How many items the question asks for ("What are the five ...", "列出16個"), if any."""
    return announced_count(question, MOST_ASKED_ITEMS)


def longest_enumeration(texts: Sequence[str]) -> int:
    """The most items any passage enumerates: a run of list items, or the parts of one
    sentence that lists them ("A, B and C")."""
    best = 0
    for text in texts:
        run = 0
        for unit, is_item in passage_units(text, keep_items=True):
            run = run + 1 if is_item else 0
            parts = len([p for p in _SEPARATORS.split(unit) if p.strip()])
            best = max(best, run, parts)
    return best


def missing_years(question: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The years the question names that no passage mentions."""
    joined = "\n".join(texts)
    return tuple(y for y in dict.fromkeys(_YEAR.findall(question)) if y not in joined)
