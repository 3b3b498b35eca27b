"""A title for a file that names none: a plain-text file (a web page saved as text) under a
code for a name (``002_f78969e5aa214a9f.txt``, ``2024-03-01.txt``) is titled by the first of its
opening lines that reads as a title, and by its name only where none does."""

from __future__ import annotations

import re

from assistant.text.language import cjk_count, has_cjk

# A name that says nothing: digits, separators and hexadecimal runs only.
_CODE_PART = re.compile(r"^(?:\d+|(?=[0-9a-f]*\d)[0-9a-f]{6,}|[a-z]{1,2})$", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"[\s_\-.]+")

OPENING_LINES = 15  # the lines, not counting blank ones, a title is looked for in
MOST_CHARACTERS = 120
_ENDS_NO_TITLE = tuple(".。:：;；!！?？,，、")
_CJK_SENTENCE_MARK = re.compile(r"[。，；！？]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|\b\d{4}[-/.年]\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}",
    re.IGNORECASE,
)
_LEAD_NUMBER = re.compile(r"^(?:[•·▪*-]|\d+[.)]|\(\d+\))\s")
MOST_CJK_TITLE = 8  # fewer Chinese characters: a label ("表紙", "市場調查報告書"), no title
CAPITALISED_SHARE = 0.6


def name_says_nothing(stem: str) -> bool:
    """Whether a file name is a code: numbers and hexadecimal runs, no word."""
    parts = [p for p in _NAME_SEPARATORS.split(stem) if p]
    return (
        bool(parts)
        and all(_CODE_PART.match(p) for p in parts)
        and not all(len(p) <= 2 and p.isalpha() for p in parts)
    )


def reads_as_title(line: str) -> bool:
    """A short line that ends no sentence and is no date, list item or label: Latin words
    mostly capitalised ("Synchronising KAM"), or a Chinese line of some length without a
    sentence mark inside."""
    line = line.strip()
    if not line or len(line) > MOST_CHARACTERS or line.endswith(_ENDS_NO_TITLE):
        return False
    if _DATE.search(line) or _LEAD_NUMBER.match(line):
        return False
    if has_cjk(line):
        return cjk_count(line) >= MOST_CJK_TITLE and not _CJK_SENTENCE_MARK.search(line)
    words = _WORD.findall(line)
    if len(words) < 2 or len(words) > 16:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= CAPITALISED_SHARE


def title_in_text(text: str) -> str | None:
    """The first of a text's opening lines that reads as a title, or None."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:OPENING_LINES]:
        if reads_as_title(line):
            return " ".join(line.split())
    return None
