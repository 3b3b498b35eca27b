"""Evidence checks beyond similarity: names a question uses that the knowledge base never
mentions (a product, a company, a country, an acronym), and questions that ask for a figure
when the best evidence holds none. Either means the knowledge base cannot answer, however
similar the wording."""

from __future__ import annotations

import re

from assistant.glossary import Glossary
from assistant.lexical import LexicalIndex
from assistant.tokens import lexical_tokens

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'-]*[A-Za-z0-9]|[A-Za-z]")
_SENTENCE_START = re.compile(r"(^|[.?!:;。？！：；]\s*|\n\s*)$")
_COMMON_CAPS = frozenset({"OK", "I", "AM", "PM", "FAQ", "ID", "AI", "TV", "EU"})
_QUANTITY = re.compile(
    r"\b(how (much|many|long|often|soon)|what (percentage|share|proportion|fee|price|dose|"
    r"temperature|amount|rate|threshold|salary|budget)|which (month|year|date)|minimum|maximum|"
    r"percent|percentage|average)\b|多少|幾(個|次|天|月|年|%|成)|多久|比例|百分比|平均|上限|下限",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"\d|[一二三四五六七八九十百千萬兩]+(個|次|天|月|年|成|%|倍|位|家|項|種|級|層|類|階段|步|點|名|人|份|週|季)"
    r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|"
    r"hundred|thousand|half|twice|double|dozen|quarterly|annually|monthly|weekly)\b",
    re.IGNORECASE,
)


def asks_for_a_figure(question: str) -> bool:
    return bool(_QUANTITY.search(question))


def has_figure(text: str) -> bool:
    return bool(_FIGURE.search(text))


class CoverageChecker:
    def __init__(self, lexical: LexicalIndex, glossary: Glossary | None = None) -> None:
        self._vocabulary = lexical.vocabulary
        self._glossary = glossary

    def _known(self, word: str) -> bool:
        terms = lexical_tokens(word)
        if not terms or all(t in self._vocabulary for t in terms):
            return True
        if self._glossary:
            translated = " ".join(self._glossary.translations(word))
            return bool(translated) and any(
                t in self._vocabulary for t in lexical_tokens(translated)
            )
        return False

    def unknown_terms(self, question: str) -> list[str]:
        """Names and acronyms (capitalised, not opening a sentence) that appear nowhere in the
        indexed passages, in either language (the glossary translates domain terms)."""
        unknown: list[str] = []
        for match in _LATIN_WORD.finditer(question):
            word = match.group()
            proper = word[0].isupper() and not _SENTENCE_START.search(question[: match.start()])
            acronym = len(word) >= 2 and word.isupper() and word not in _COMMON_CAPS
            if (proper or acronym) and not self._known(word):
                unknown.append(word)
        return list(dict.fromkeys(unknown))
