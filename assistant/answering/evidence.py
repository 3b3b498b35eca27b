"""Whether the evidence for a question is strong enough to answer: the facts the decision looks
at (closeness of the best sentence, names the knowledge base never mentions, figures of the
kind asked for, how much of the question's subject the passages cover) and the calibrated rules
that combine them (thresholds chosen by ``benchmarks/calibrate_abstention.py``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.answering.asked_specifics import (
    CountedThing,
    asked_item_count,
    counted_thing,
    counts_across,
    has_counted_figure,
    longest_enumeration,
    missing_years,
    offered_options,
    without_shares_or_years,
)
from assistant.answering.extractive import Selection, own_text
from assistant.answering.term_coverage import TermCoverageMeter
from assistant.answering.unknown_names import (
    CoverageChecker,
    asks_for_a_figure,
    asks_for_a_name,
    asks_for_a_person,
    asks_for_a_place,
    cased_words,
    figure_kinds,
    has_figure,
    has_name,
    has_person,
    has_place,
    holds_figures,
    load_places,
    only_listed,
    person_whose_words_are_asked,
    unmentioned_places,
)
from assistant.index.knowledge_index import chunk_fields
from assistant.index.lexical_index import LexicalIndex, LexicalRecord
from assistant.text.language import has_cjk
from assistant.text.tokens import STOPWORDS, index_term, lexical_tokens
from assistant.text.translation import TermTranslator

if TYPE_CHECKING:
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.retrieval.search import Passage


@dataclass(frozen=True)
class Evidence:
    """What the abstention decision looks at."""

    best_semantic: float
    best_lexical: float
    unknown_terms: tuple[str, ...]
    wants_figure: bool
    has_figure: bool
    covered: float = 1.0
    absent: float = 0.0
    content_terms: int = 0
    items_missing: bool = False  # asks for N items; no passage enumerates that many
    years_missing: tuple[str, ...] = ()  # years the question names that no passage mentions
    # asks for a name (a person, a place); the strongest evidence names nothing new of that kind;
    # or asks what a person said, and the passages only list that person among others
    name_missing: bool = False
    count_missing: bool = False  # asks how many of a thing; the evidence counts no such thing
    # offers answers to choose from ("a survey, a ranking, something else?"); the passages the
    # answer quotes mention none of them
    options_missing: bool = False


class Thresholds(Protocol):
    """The abstention settings the rules read (``AnswerSettings`` provides them)."""

    abstain_semantic: float
    abstain_lexical: float
    abstain_lexical_floor: float
    abstain_coverage: float
    abstain_coverage_floor: float
    abstain_absent: float
    coverage_min_terms: int
    require_figures: bool


class AbstentionJudge:
    """Gathers the evidence about a question and decides whether it is too weak to answer.
    Its word lists follow the committed index and are rebuilt when an ingest changes it."""

    def __init__(
        self, index: KnowledgeIndex, translator: TermTranslator | None, thresholds: Thresholds
    ) -> None:
        self._index = index
        self._translator = translator
        self._thresholds = thresholds
        self._checks: dict[tuple[str, ...], tuple[int, CoverageChecker, TermCoverageMeter]] = {}
        self._places = load_places()

    def _coverage(self, access: tuple[str, ...] = ()) -> tuple[CoverageChecker, TermCoverageMeter]:
        """Name and term checks for the committed index, rebuilt when it changes. With
        ``access`` they read only documents of those levels: whether the knowledge base
        "mentions" a name must never reveal a document the user may not see."""
        index = self._index
        generation = index.generation
        key = tuple(sorted(access))
        cached = self._checks.get(key)
        if cached is None or cached[0] != generation:
            chunks = index.chunks()
            if key:
                chunks = [c for c in chunks if str(c.meta.get("access", "public")) in key]
                lexical = LexicalIndex.build(
                    (
                        LexicalRecord(c.id, f"{c.header}\n{c.text}", chunk_fields(c.meta))
                        for c in chunks
                    ),
                    generation,
                )
            else:
                lexical = index.lexical()
            texts = [f"{c.header}\n{c.text}" for c in chunks]
            cased = cased_words(texts)
            cached = (
                generation,
                CoverageChecker(
                    lexical, self._translator, cased, unmentioned_places(texts, cased, self._places)
                ),
                TermCoverageMeter(lexical, self._translator),
            )
            self._checks[key] = cached
        return cached[1], cached[2]

    def _is_term(self, word: str) -> bool:
        """A word of the field (in the glossary or the dictionary), not a name."""
        return self._translator is not None and bool(self._translator.matches(word))

    def evidence(
        self,
        question: str,
        selection: Selection,
        passages: Sequence[Passage],
        access: tuple[str, ...] = (),
    ) -> Evidence:
        checker, meter = self._coverage(access)
        # What the question asks, without the asker's context: "Ninety percent of our
        # scorecard is revenue. What would the author say about ...?" asks for no figure, and
        # "I'm building our 2027 plan." asks for no year. Figures, counts, years, items and
        # names are looked for only where the question asks for them.
        asking = asking_part(question)
        # The figure must be in the strongest evidence (calibrated: the 4 best sentences).
        strongest = sorted(selection.evidence, key=lambda c: -c.relevance)[:4]
        # ... and the list items the answer quotes after them (a heading, then the panel)
        following = selection.continuations or {}
        named = [c.text for c in strongest] + [
            item for c in strongest for item in following.get((c.passage_index, c.position), [])
        ]
        texts = [f"{p.title}\n{p.section}\n{own_text(p)}" for p in passages]
        terms = meter.measure(question, texts)
        # Much of a long question can be the asker's situation ("My affiliate GM wants to give
        # the reps a new title ..."): how much of the subject the knowledge base never mentions
        # is judged on the whole question and on what it asks, and the lower share counts.
        absent = terms.absent
        if asking != question and absent > 0:
            absent = min(absent, meter.measure(asking, texts).absent)
        kinds = figure_kinds(asking)
        asked = asked_item_count(asking)
        # The items asked for must be in a passage the answer quotes: another passage's list
        # (a report's table of contents) does not answer "which are the 16 drivers?".
        quoted = {c.passage_index for c in selection.evidence}  # indexes into ``passages``
        listed = longest_enumeration([texts[i] for i in sorted(quoted)])
        return Evidence(
            # counted in what is asked: "幾家醫學中心" in the asker's situation counts nothing
            count_missing=self._count_missing(asking, kinds, selection),
            best_semantic=selection.best_semantic,
            best_lexical=selection.best_lexical,
            unknown_terms=tuple(checker.unknown_terms(asking)),
            wants_figure=asks_for_a_figure(asking),
            has_figure=holds_figures([c.text for c in strongest], question, kinds),
            covered=terms.covered,
            absent=absent,
            content_terms=terms.terms,
            items_missing=asked is not None and listed < asked,
            years_missing=missing_years(asking, texts),
            name_missing=(
                asks_for_a_name(asking)
                and not any(has_name(text, question, self._is_term) for text in named)
            )
            or (
                asks_for_a_person(asking)
                and not any(has_person(text, question, self._is_term) for text in named)
            )
            or (
                asks_for_a_place(asking)
                and not any(has_place(text, question, self._places) for text in named)
            )
            or _words_not_held(question, texts),
            options_missing=self._options_missing(question, [texts[i] for i in sorted(quoted)]),
        )

    def _options_missing(self, question: str, texts: Sequence[str]) -> bool:
        """The question offers answers to choose from, and the quoted passages mention none
        of them, in either language. An option is mentioned when half its words are there (a
        word, its English forms, or its dictionary translation); an option with no word to
        judge by ("1 to 5") counts as mentioned."""
        options = offered_options(question)
        if not options or not texts:
            return False
        joined = "\n".join(texts).lower()
        stems = {index_term(t) for t in lexical_tokens(joined)}
        for option in options:
            words = self._option_words(option)
            if not words:
                return False
            found = sum(self._word_present(word, joined, stems) for word in words)
            if 2 * found >= len(words):
                return False
        return True

    def _option_words(self, option: str) -> list[str]:
        dictionary = self._translator.dictionary if self._translator is not None else None
        words = [
            t
            for t in lexical_tokens(option)
            if not has_cjk(t) and len(t) > 1 and not t.isdigit() and t not in STOPWORDS
        ]
        if has_cjk(option) and dictionary is not None:
            words += dictionary.chinese_words(option.lower())
        return list(dict.fromkeys(words))

    def _word_present(self, word: str, joined: str, stems: set[str]) -> bool:
        if (has_cjk(word) and word in joined) or index_term(word) in stems:
            return True
        if self._translator is None:
            return False
        for _, others in self._translator.matches(word):
            for other in others:
                other = other.lower()
                if has_cjk(other) and other in joined:
                    return True
                tokens = lexical_tokens(other)
                if tokens and all(index_term(t) in stems for t in tokens):
                    return True
        return False

    def _count_missing(self, question: str, kinds: tuple[str, ...], selection: Selection) -> bool:
        """A count question ("how many M&A deals", "幾頁") that nothing the answer would
        quote counts. In the other language, the counted words and their dictionary
        translations ("executives" -> 行政) must share a sentence with a number that is no
        share and no year; where the dictionary knows no translation of them (a measure word
        such as 位), any such number is given the benefit of the doubt."""
        thing = counted_thing(question) if not kinds else None
        if thing is None:
            return False
        chinese = has_cjk(question)
        forms = self._counted_forms(thing)
        quoted = [c.text for c in selection.sentences + selection.evidence]
        quoted += [item for items in (selection.continuations or {}).values() for item in items]
        if thing.views and any(has_figure(text, question, ("share",)) for text in quoted):
            return False  # "30% of them said so" answers how many said so
        for text in quoted:
            if has_cjk(text) != chinese:
                if forms is None:
                    if has_figure(without_shares_or_years(text), question):
                        return False
                elif counts_across(text, thing, forms, question):
                    return False
            elif has_counted_figure(text, thing, question):
                return False
        return True

    def _counted_forms(self, thing: CountedThing) -> list[str] | None:
        """The counted words with their other-language forms, or None where the dictionary
        misses one of them ("strengths" has no entry for 優點: the check across languages
        then cannot judge). Words of up to three letters (KAM, IDN) are taken as written."""
        words = " ".join(thing.words) or thing.noun
        if not words or self._translator is None:
            return None
        matches = self._translator.matches(words, self._index.lexical().knows)
        matched = {token for term, _ in matches for token in term.lower().split()}
        if not matches or any(len(w) > 3 and w not in matched for w in thing.words):
            return None
        return [*thing.words, *(other for _, others in matches for other in others)]

    def too_weak(self, evidence: Evidence, selection: Selection) -> bool:
        """Abstain when nothing was selected, when the question names things the knowledge
        base never mentions, when the evidence shares (almost) no word with the question, when
        it asks for a figure the evidence does not hold (or a year, or more items than any
        passage enumerates), when the passages leave the question's
        subject (almost) uncovered or most of it is unknown to the knowledge base, or when the
        evidence is far from the question in meaning and in words and leaves much of its
        subject uncovered."""
        s = self._thresholds
        if (
            not selection.evidence
            or evidence.unknown_terms
            or evidence.items_missing
            or evidence.years_missing
            or evidence.name_missing
            or evidence.count_missing
            or evidence.options_missing
            or evidence.best_lexical < s.abstain_lexical_floor
        ):
            return True
        if s.require_figures and evidence.wants_figure and not evidence.has_figure:
            return True
        if evidence.content_terms >= s.coverage_min_terms and (
            evidence.covered < s.abstain_coverage_floor or evidence.absent >= s.abstain_absent
        ):
            return True
        return (
            evidence.best_semantic < s.abstain_semantic
            and evidence.best_lexical < s.abstain_lexical
            and evidence.covered < s.abstain_coverage
        )


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
# A sentence that asks without a question mark: a request ("Give me the percentages.",
# "List the five factors.", "請列出公司名稱。").
_REQUEST = re.compile(
    r"\s*(please\s+)?(give|list|tell|show|name|quote|explain|describe|summari[sz]e|spell out|"
    r"cite|compare|outline)\b|\s*(請|麻煩)?(給我|告訴我|列出|說明|解釋|描述|摘要|整理|比較|引用)",
    re.IGNORECASE,
)


def asking_part(question: str) -> str:
    """The sentences that ask ("...?"), without the asker's context before them ("I'm running
    a RACI workshop next month."): a name the asker uses only to say where they stand is no
    subject the knowledge base must know. The whole question when no sentence asks."""
    sentences = [s for s in _SENTENCE_END.split(question.strip()) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith(("?", "？")) or _REQUEST.match(s)]
    return " ".join(asking) if asking else question


def _words_not_held(question: str, texts: Sequence[str]) -> bool:
    """The question asks what a person said, and the passages only list that person among
    others (a report's expert panel): what they said is not there."""
    person = person_whose_words_are_asked(question)
    return person is not None and only_listed(person, texts)
