"""Specifics a question asks for that the passages must hold for an answer: as many items as
the question announces ("the seven steps", "哪五個特徵") and the years it names ("in 2021").
A passage about the subject that announces seven steps without listing them, or gives the
figure of another year, does not answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.extractive import announced_count
from assistant.answering.support import passage_units
from assistant.text.language import has_cjk

MOST_ASKED_ITEMS = 20
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SEPARATORS = re.compile(r"[,;]|\band\b|\bor\b")
# In Chinese, "，" and "；" join clauses; the items of an enumeration are joined by "、" and a
# final 和/及/與/或 within one clause.
_CLAUSES_ZH = re.compile(r"[，；：。]")
_SEPARATORS_ZH = re.compile(r"、|以及|和|及|與|或")


# A count in a Chinese question asks for that many items only where the question asks for
# the items ("哪五個", "分別是哪些", "逐一列出"); "第一級客戶在三個層級中代表什麼" names three
# levels as context and asks about one.
_ASKS_FOR_ITEMS_ZH = re.compile(
    r"哪(些|幾|[一二兩三四五六七八九十\d])|列出|列舉|分別|逐一|各是|各為"
)


def asked_item_count(question: str) -> int | None:
    """How many items the question asks for ("What are the five ...", "列出16個"), if any."""
    if has_cjk(question) and not _ASKS_FOR_ITEMS_ZH.search(question):
        return None
    return announced_count(question, MOST_ASKED_ITEMS)


def longest_enumeration(texts: Sequence[str]) -> int:
    """The most items any passage enumerates: a run of list items, or the parts of one
    sentence that lists them ("A, B and C")."""
    best = 0
    for text in texts:
        run = 0
        for unit, is_item in passage_units(text, keep_items=True):
            run = run + 1 if is_item else 0
            best = max(best, run, _sentence_items(unit))
    return best


def _sentence_items(sentence: str) -> int:
    """How many parts one sentence lists ("A, B and C"; "目標、架構和營運模式")."""
    if not has_cjk(sentence):
        return len([p for p in _SEPARATORS.split(sentence) if p.strip()])
    best = 0
    for clause in _CLAUSES_ZH.split(sentence):
        best = max(best, len([p for p in _SEPARATORS_ZH.split(clause) if p.strip()]))
    return best


def missing_years(question: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The years the question names that no passage mentions."""
    joined = "\n".join(texts)
    return tuple(y for y in dict.fromkeys(_YEAR.findall(question)) if y not in joined)
