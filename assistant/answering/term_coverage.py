"""How much of a question's subject the retrieved passages cover.

A question names its subject with content units: English words, and Chinese characters (found
through the character bigrams the index holds); the words that only frame a question ("how
quickly", "哪些") are left out. Each unit is weighted by how rare it is in the knowledge base
(inverse document frequency), so a missing specific ("titrated", "年薪") counts for more than a
missing common word. A unit counts as covered when a retrieved passage holds it, or holds the
other-language form of a glossary term containing it. Two shares come out: covered by the
passages, and absent from the whole knowledge base."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import yaml

from assistant.index.lexical_index import LexicalIndex
from assistant.text.tokens import index_term, lexical_tokens
from assistant.text.translation import TermTranslator

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# (term, its other-language words) pairs, as ``TermTranslator.matches`` gives them
Matches = Sequence[tuple[str, Sequence[str]]]
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class TermCoverage:
    """Shares of the question's content terms (IDF-weighted): covered by the passages, and
    absent from the knowledge base. ``terms`` is how many content terms the question has."""

    covered: float
    absent: float
    terms: int
    missing: tuple[str, ...] = ()


class QuestionTerms:
    """Picks a question's content terms, leaving out the words that frame any question."""

    def __init__(self, english: frozenset[str], chinese: frozenset[str]) -> None:
        self._english = english
        self.function_characters = chinese

    @classmethod
    def load(cls) -> QuestionTerms:
        text = resources.files("assistant.data").joinpath("question_terms.yaml").read_text("utf-8")
        data = yaml.safe_load(text) or {}
        english = frozenset(str(word).lower() for word in data.get("english", []))
        return cls(english, frozenset(str(data.get("chinese", ""))))

    def content(self, question: str) -> list[str]:
        terms = []
        for term in dict.fromkeys(lexical_tokens(question)):
            if _CJK.match(term):
                if len(term) < 2 or any(ch in self.function_characters for ch in term):
                    continue
            elif len(term) < 2 or term.isdigit() or term in self._english:
                continue
            terms.append(term)
        return terms


class TermCoverageMeter:
    """Measures ``TermCoverage`` against one lexical index (its vocabulary and frequencies).

    Both shares are smoothed with the weight of ``strength`` IDF units (the covered share
    towards ``prior``, the absent share towards 0), so a question of one or two content words
    is not judged on them alone."""

    def __init__(
        self,
        lexical: LexicalIndex,
        translator: TermTranslator | None = None,
        terms: QuestionTerms | None = None,
        prior: float = 0.5,
        strength: float = 4.0,
    ) -> None:
        self._lexical = lexical
        self._translator = translator
        # a translation counts in any of its forms ("rank" for a knowledge base that says
        # "ranked")
        self._known = lexical.knows
        self._terms = terms or QuestionTerms.load()
        self._prior = prior
        self._strength = strength
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        """BM25-style inverse document frequency; a term the index lacks gets the highest."""
        if term not in self._idf:
            total = len(self._lexical)
            found = self._lexical.document_frequency(term)
            self._idf[term] = math.log1p((total - found + 0.5) / (found + 0.5))
        return self._idf[term]

    @staticmethod
    def _translated(matches: Matches, present: set[str]) -> set[str]:
        """Question terms whose translation (glossary, dictionary) appears in the passages."""
        covered: set[str] = set()
        for term, others in matches:
            # a translation counts when the passages hold all of it ("take over", not "take")
            if any(
                (tokens := lexical_tokens(other)) and all(t in present for t in tokens)
                for other in others
            ):
                covered.update(lexical_tokens(term))
        return covered

    @staticmethod
    def _translatable(matches: Matches) -> set[str]:
        """Question units with a translation the knowledge base uses: the subject is there,
        in the other language ("職缺" for a knowledge base that says "job advertisements")."""
        units: set[str] = set()
        for term, _ in matches:
            if _CJK.search(term):
                units.update(ch for ch in term if _CJK.match(ch))
            else:
                units.update(lexical_tokens(term))
        return units

    def _units(self, question: str) -> dict[str, set[str]]:
        """The question's content units, each with the index terms that can vouch for it: an
        English word vouches for itself; a Chinese character is vouched for by the bigrams it
        forms with its neighbours (Chinese has no spaces, so a bigram may straddle two words
        and mean nothing; the character is what must be found)."""
        units: dict[str, set[str]] = {}
        for term in self._terms.content(question):
            if not _CJK.match(term):
                units.setdefault(term, set()).add(term)
        for run in _CJK_RUN.findall(question.lower()):
            for i, char in enumerate(run):
                if char in self._terms.function_characters:
                    continue
                pairs = {run[j : j + 2] for j in (i - 1, i) if j >= 0 and j + 2 <= len(run)}
                if pairs:
                    units.setdefault(char, set()).update(pairs)
        return units

    def measure(self, question: str, passages: Sequence[str]) -> TermCoverage:
        units = self._units(question)
        if not units:
            return TermCoverage(covered=1.0, absent=0.0, terms=0)
        present: set[str] = set()
        for text in passages:
            present.update(lexical_tokens(text))
        # the question's terms with their translations the knowledge base uses, found once
        matches = self._translator.matches(question, self._known) if self._translator else []
        translated = self._translated(matches, present)
        vocabulary = self._lexical.vocabulary
        # An English word counts in any of its forms: "performing" is covered by a passage's
        # "performance", and not absent from a knowledge base that uses it.
        present_forms = {index_term(t) for t in present}
        translatable = self._translatable(matches)
        weights, hit, unknown = {}, [], []
        for unit, terms in units.items():
            known = [t for t in terms if t in vocabulary]
            weights[unit] = max((self.idf(t) for t in known), default=self.idf(unit))
            english = not _CJK.match(unit)
            if (
                any(t in present or t in translated for t in terms)
                or unit in translated
                or (english and index_term(unit) in present_forms)
            ):
                hit.append(unit)
            elif not known and not (
                (english and self._lexical.has_term(unit)) or unit in translatable
            ):
                unknown.append(unit)
        total = sum(weights.values())
        covered = (sum(weights[u] for u in hit) + self._prior * self._strength) / (
            total + self._strength
        )
        absent = sum(weights[u] for u in unknown) / (total + self._strength)
        missing = sorted((u for u in weights if u not in hit), key=lambda u: -weights[u])
        return TermCoverage(
            covered=covered, absent=absent, terms=len(units), missing=tuple(missing)
        )
