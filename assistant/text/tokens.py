"""Tokenizers: a lexical one for BM25 (English words, Chinese bigrams) and an embedder-token
estimate used to keep chunks within what the embedding model reads."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import snowballstemmer

_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(rf"[{_CJK_CLASS}]+|[^\W_{_CJK_CLASS}]+", re.UNICODE)
_ESTIMATE_PIECES = re.compile(rf"[{_CJK_CLASS}]|[A-Za-z]+|\d+|[^\sA-Za-z\d{_CJK_CLASS}]")

STOPWORDS = frozenset(
    """a an and are as at be but by can could did do does for from had has have how i if in into
    is it its itself me my of on or our she should so than that the their them then there these
    they this those to too us was we were what when where which while who whom why will with would
    you your""".split()  # noqa: SIM905
)


def _normalise_word(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def lexical_tokens(text: str) -> list[str]:
    """Lower-cased English words (light plural folding, stop words dropped) and CJK bigrams."""
    tokens: list[str] = []
    for piece in _PIECES.findall(text.lower()):
        if "\u3400" <= piece[0] <= "\ufaff":
            if len(piece) == 1:
                tokens.append(piece)
            else:
                tokens.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        elif piece not in STOPWORDS:
            tokens.append(_normalise_word(piece))
    return tokens


INDEX_TERMS_VERSION = "snowball-en-2"  # bump when index_term changes: saved indexes rebuild


@cache
def _english_stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def index_term(token: str) -> str:
    """The term a lexical token is indexed under: an English word's Snowball stem
    ("installing", "installation" -> "instal"); CJK bigrams and digits as they are."""
    if token.isascii() and token.isalpha() and len(token) > 3:
        return _english_stemmer().stemWord(token)
    return token


def estimate_embedder_tokens(text: str) -> int:
    """An upper-leaning estimate of WordPiece tokens: one per CJK character, punctuation mark
    and number group, and one per 5 letters of an English word (rare words split)."""
    total = 0
    for piece in _ESTIMATE_PIECES.findall(text):
        if piece.isalpha() and piece.isascii():
            total += 1 + (len(piece) - 1) // 5
        elif piece.isdigit():
            total += 1 + (len(piece) - 1) // 3
        else:
            total += 1
    return total
