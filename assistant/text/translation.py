"""A question's terms in the other language: the hand-written domain glossary first, then the
general dictionary (CC-CEDICT) for every other word, kept only where the documents use the
translation (a ``known`` check against the index vocabulary), so a word's rare senses do not
pull in passages about something else."""

from __future__ import annotations

from collections.abc import Callable

from assistant.text.dictionary import BilingualDictionary
from assistant.text.glossary import Glossary
from assistant.text.language import detect_language, is_chinese
from assistant.text.tokens import lexical_tokens

KnownCheck = Callable[[str], bool]
PER_TERM = 2  # dictionary translations kept per question term


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
