"""A question's terms in the other language: the hand-written domain glossary first, then the
general dictionary (CC-CEDICT) for every other word, kept only where the documents use the
translation (a ``known`` check against the index vocabulary), so a word's rare senses do not
pull in passages about something else."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.text.dictionary import BilingualDictionary
from assistant.text.glossary import Glossary
from assistant.text.language import detect_language, is_chinese
from assistant.text.tokens import lexical_tokens

KnownCheck = Callable[[str], bool]
PER_TERM = 2  # dictionary translations kept per question term
GLOSS_SENSES = 1  # dictionary senses a gloss gives per Chinese word
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&'.+-]*(?: [A-Za-z][A-Za-z0-9&'.+-]*)*")


class TermTranslator:
    """Glossary and dictionary behind one interface (``translations``, ``matches``)."""

    def __init__(
        self, glossary: Glossary | None, dictionary: BilingualDictionary | None = None
    ) -> None:
        self._glossary = glossary
        self._dictionary = dictionary

    @property
    def glossary(self) -> Glossary | None:
        return self._glossary

    @property
    def dictionary(self) -> BilingualDictionary | None:
        return self._dictionary

    def matches(self, text: str, known: KnownCheck | None = None) -> list[tuple[str, list[str]]]:
        """Each term of the text (either language) with its other-language words: glossary
        terms, then dictionary terms the glossary does not cover."""
        found = list(self._glossary.matches(text)) if self._glossary else []
        if self._dictionary is None:
            return found
        covered = {term.lower() for term, _ in found}
        lowered = text.lower()
        pairs: list[tuple[str, list[str]]]
        if is_chinese(detect_language(text)):
            pairs = [
                (w, self._dictionary.english_senses(w))
                for w in self._dictionary.chinese_words(lowered)
            ]
        else:
            pairs = self._dictionary.english_terms(lowered)
        for term, others in pairs:
            if any(term in c or c in term for c in covered):
                continue
            kept = [o for o in others if known is None or known(o)][:PER_TERM]
            if kept:
                found.append((term, kept))
        return found

    def gloss(self, text: str) -> str:
        """A Chinese text read word by word in English, for the English model to embed: each
        glossary term's English, each other dictionary word's first sense, and the Latin-script
        words the text carries ("KAM", "Chris Morgan"), in the text's order. Empty for English
        text, or when no word is known."""
        if self._dictionary is None or not is_chinese(detect_language(text)):
            return ""
        lowered = text.lower()
        placed: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []

        def place(term: str, english: str) -> None:
            at = lowered.find(term.lower())
            while at >= 0 and any(a <= at < b for a, b in taken):
                at = lowered.find(term.lower(), at + 1)
            if at < 0:
                return
            taken.append((at, at + len(term)))
            placed.append((at, english))

        for term, others in self._glossary.matches(text) if self._glossary else []:
            if others and not _LATIN.fullmatch(term):
                place(term, others[0])
        for word in self._dictionary.chinese_words(lowered):
            senses = self._dictionary.english_senses(word)[:GLOSS_SENSES]
            if senses:
                place(word, " ".join(senses))
        for match in _LATIN.finditer(text):
            placed.append((match.start(), match.group(0)))
        return " ".join(english for _, english in sorted(placed, key=lambda pair: pair[0]))

    def translations(self, text: str, known: KnownCheck | None = None) -> list[str]:
        """The other-language words for the text's terms, in order, without repeats."""
        words = [other for _, others in self.matches(text, known) for other in others]
        return list(dict.fromkeys(words))


def vocabulary_check(vocabulary: dict[str, int]) -> KnownCheck:
    """``known`` for an index vocabulary: every lexical token of the word is in it."""

    def known(word: str) -> bool:
        tokens = lexical_tokens(word)
        return bool(tokens) and all(token in vocabulary for token in tokens)

    return known
