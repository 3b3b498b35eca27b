"""Extractive answers: coherent excerpts of the passages that answer best. The passages whose
best sentence clears a bar relative to the best passage's (usually one to three) are quoted,
the best first; from each, the contiguous run of sentences around its best one, in reading
order, with the list a sentence introduces; nothing from a passage that does not address the
question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering.support import (
    LIST_INTRO_ENDS,
    LIST_ITEM,
    is_heading,
    is_informative,
    passage_units,
    token_overlap,
)
from assistant.answering.tables import is_table_row
from assistant.answering.unknown_names import asks_for_a_figure, figure_kinds, has_figure
from assistant.retrieval.search import Passage
from assistant.seams import Embedder
from assistant.text.language import detect_language, is_chinese
from assistant.text.tokens import lexical_tokens

# Sentences about the document itself rather than the subject.
_META = re.compile(
    r"^(this (document|guide|article|section|note)|本文|本文件|這份文件)", re.IGNORECASE
)
_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "兩": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_KINDS = (
    r"types?|kinds?|factors?|steps?|ways?|stages?|levels?|elements?|things?|reasons?|"
    r"principles?|pillars?|criteria|areas?|categories|groups?|questions?|components?|"
    r"phases?|dimensions?|roles?|tiers?|pillars?|keys?|rules?|capabilities|skills?|"
    r"drivers?|companies|lessons?|trends?|characteristics|features?|members?|tips?"
)
_ANNOUNCED_EN = re.compile(
    rf"\b(\d{{1,2}}|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[\w-]+\s+){{0,3}}?"
    rf"(?:{_KINDS})\b",
    re.IGNORECASE,
)
_ANNOUNCED_ZH = re.compile(
    # not an ordinal: 第二級 is "the second level", not "two levels"
    r"(?<![第\d])([兩二三四五六七八九十]|\d{1,2})\s*(?:個|種|類|項|大|步|點|階段|級|層|家|條|位)"
)
MAX_LIST_ITEMS = 12


def announced_count(sentence: str, most: int = MAX_LIST_ITEMS) -> int | None:
    """The number of items a sentence announces ("There are 2 types of accounts", "the
    five critical success factors", "三種客戶"), if any (2 to ``most``)."""
    match = _ANNOUNCED_EN.search(sentence) or _ANNOUNCED_ZH.search(sentence)
    if match is None:
        return None
    word = match.group(1).lower()
    count = int(word) if word.isdigit() else _NUMBERS.get(word)
    return count if count and 2 <= count <= most else None


UNTRANSLATED_WEIGHT = 0.5


def concept_overlap(
    question: str,
    terms: Sequence[tuple[str, Sequence[str]]],
    held: Sequence[set[str]],
    ignored: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Per text (``held``: each text's ``lexical_tokens``), the share of the question's
    concepts it holds, each concept weighted by its rarity among the texts (inverse document
    frequency; a concept is present in whichever language it is written). A concept is a
    translated term ("KAM" or 關鍵客戶管理) or a remaining word of the question. A text in the
    other language is measured against the translated concepts alone, so the question's
    untranslated words do not dilute it. A sentence that shares only the ubiquitous "KAM", in
    either language, is no match. ``ignored``: tokens that are no concept (the names the
    question uses to point at a document)."""
    own: list[set[str]] = []  # each concept as the question writes it
    translated: list[list[set[str]]] = []  # its other-language forms (none for plain words)
    for term, others in terms:
        tokens = set(lexical_tokens(term))
        if tokens and tokens <= ignored:
            continue
        own.append(tokens)
        translated.append([f for f in (set(lexical_tokens(o)) for o in others) if f])
    claimed = set().union(*own) if own else set()
    for token in set(lexical_tokens(question)) - claimed - ignored:
        own.append({token})
        translated.append([])
    if not own or not held:
        return np.zeros(len(held))
    direct = np.array([[bool(c) and c <= h for h in held] for c in own], dtype=float)
    through = np.array([[any(f <= h for f in forms) for h in held] for forms in translated])
    present = np.maximum(direct, through.astype(float))
    weights = np.log(1.0 + len(held) / (1.0 + present.sum(axis=1)))
    share_direct = (weights @ direct) / weights.sum()
    has_forms = np.array([bool(forms) for forms in translated])
    if not has_forms.any():
        return share_direct
    # The untranslated words count half: a sentence in the other language cannot show them,
    # but holding only the few translated words is no full match either.
    scale = np.where(has_forms, 1.0, UNTRANSLATED_WEIGHT)
    share_through = (weights[has_forms] @ through[has_forms]) / (weights * scale).sum()
    return np.maximum(share_direct, share_through)


def _shares(claim: str, held: Sequence[set[str]]) -> np.ndarray:
    """Per text, the share of the claim's distinct tokens it holds (``token_overlap``)."""
    tokens = set(lexical_tokens(claim))
    if not tokens:
        return np.zeros(len(held))
    return np.array([len(tokens & h) / len(tokens) for h in held])


# Rank prior: a sentence of the retriever's n-th passage counts 1 / (1 + RANK_PRIOR n) for the
# decline checks' evidence, as calibrated; what the answer quotes trusts the retriever's order
# half as much (0.05: key facts 0.672 -> 0.682 on the twelve seed sets, declines unchanged;
# 0.0 and 0.03 lost, session 15), so a later passage's sentence that answers can lead.
RANK_PRIOR = 0.1
QUOTE_RANK_PRIOR = 0.05
# A sentence in the other language counts this much of one in the question's language, after
# the two languages' similarities are levelled: evidence in the question's language first when
# it is as good (0.85 before levelling; seed sets, session 9). With the spreads levelled too
# (session 11), 0.98 and 1.0 gained a question or two of key facts on the seed sets and lost
# as many declines on the bundled abstention sets.
OTHER_LANGUAGE = 0.95
_LEVEL_MIN = 5


def _level_languages(semantic: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The multilingual encoder finds a sentence in the question's language closer than an
    equally relevant one in the other language (a Chinese question scores every Chinese
    sentence about KAM over the English sentence that answers it), and it spreads the other
    language's similarities less. When each language has enough sentences, the other
    language's similarities are put on the question language's scale: the same median and
    the same spread (standard deviation)."""
    if own.sum() < _LEVEL_MIN or (~own).sum() < _LEVEL_MIN:
        return semantic
    mine, other = semantic[own], semantic[~own]
    spread = float(np.std(other))
    scale = float(np.std(mine)) / spread if spread > 1e-6 else 1.0
    levelled = np.median(mine) + (semantic - np.median(other)) * scale
    return np.where(own, semantic, levelled)


TITLE_WEIGHT = 0.6
# The rest of a passage that carried text addressed to the assistant (left out of it) weighs
# this much: the document is not trusted to lead an answer (its clean passages weigh 1).
ADDRESSED_ASSISTANT = "addressed_assistant"
UNTRUSTED_WEIGHT = 0.5
# A sentence of a document the question names ("Actando 認為 ...") weighs this much more, in
# either language (answering/named_sources.py): a Chinese question about an English article
# gets that article's sentences, not similar Chinese ones from elsewhere. Eighteen seed sets:
# key facts 0.684 -> 0.689 (1.3: fewer gains, and a near miss answered).
NAMED_WEIGHT = 1.15
_TITLE_MOST_CJK = 30

# A passage's text from this character on only completes a list its borrowed sentences opened
# (``list_tail.with_borrowed_list``): it is quoted as that list's items, never chosen on its
# own, so it neither takes the answer's sentences nor moves the other candidates' scores.
LIST_ONLY_FROM = "list_only_from"


def own_text(passage: Passage) -> str:
    """The passage's text without the list lines only joined to complete a list."""
    return passage.text[: passage.meta.get(LIST_ONLY_FROM, len(passage.text))]


def is_title(sentence: str) -> bool:
    """A heading (``is_heading``) that ends no clause either and is no list item or table row,
    of at most ``_TITLE_MOST_CJK`` Chinese characters ("為什麼製藥企業必須投資於關鍵客戶管理
    能力")."""
    text = sentence.strip()
    return (
        is_heading(text)
        and not text.endswith(("；", ";", *LIST_INTRO_ENDS))
        and not LIST_ITEM.match(text)
        and not text.startswith("|")
        and len(re.findall(r"[\u4e00-\u9fff]", text)) <= _TITLE_MOST_CJK
    )


# A web page saved as text keeps its controls ("如有價格方面的疑問請按下「詢問」鍵", "Subscribe to
# our email news alerts"). They weigh this much when the quote is chosen; the decline checks
# read them as they are. Twenty-one seed sets: key facts 0.689 -> 0.693, one answer without
# its key facts declined (session 24).
PAGE_CHROME_WEIGHT = 0.5
_PAGE_CHROME = re.compile(
    r"\b(?:click|press|tap) (?:here|the\b)|\badd to (?:cart|basket)\b|\bsubscribe to\b|"
    r"\bsign (?:up|in) (?:for|to)\b|請按下|按下「|點擊|點選|加入購物車|訂閱",
    re.IGNORECASE,
)


def is_page_chrome(sentence: str) -> bool:
    """A web page's control or call to action, not what the page says."""
    return bool(_PAGE_CHROME.search(sentence))


def _form_weight(sentence: str) -> float:
    """Sentences about the document itself say little; a question in the text ("How should
    pharma assess KAMs?") asks rather than answers; a table row is a fragment."""
    if _META.match(sentence):
        return 0.5
    if sentence.rstrip().endswith(("?", "？")):
        return 0.6
    return 0.8 if sentence.startswith("|") else 1.0


@dataclass(frozen=True)
class Candidate:
    passage_index: int
    position: int
    text: str
    relevance: float
    semantic: float
    lexical: float
    item: bool = False  # an item of a list in its passage


@dataclass(frozen=True)
class Selection:
    """The chosen sentences (in reading order) and the evidence strength behind them."""

    sentences: list[Candidate]
    best_semantic: float
    best_lexical: float
    continuations: dict[tuple[int, int], list[str]] | None = None
    # What the decline checks read: the sentences of the passages that clear the stricter
    # evidence bar (the answer may quote more passages than the decision rests on).
    core: list[Candidate] | None = None

    @property
    def evidence(self) -> list[Candidate]:
        return self.sentences if self.core is None else self.core


class ExtractiveComposer:
    def __init__(
        self,
        encoder: Embedder,
        max_sentences: int = 9,
        evidence_sentences: int = 7,
        redundancy: float = 0.85,
        relative_floor: float = 0.5,
        passage_bar: float = 0.6,
        max_passages: int = 3,
        evidence_bar: float = 0.8,
        bridge_bar: float = 0.6,
        run_floor: float = 0.3,
        judged_passages: int = 10,
    ) -> None:
        self._encoder = encoder
        # An answer quotes up to ``max_sentences`` (seven before session 20: nine gained 1.8
        # points of key facts on sixteen seed sets, answers about 15% longer; eleven 0.4 more);
        # the decline checks read the ``evidence_sentences`` they were calibrated on.
        self._max = max_sentences
        self._evidence_most = evidence_sentences
        self._redundancy = redundancy
        self._floor = relative_floor
        self._passage_bar = passage_bar
        self._max_passages = max_passages
        self._evidence_bar = evidence_bar
        # a weaker sentence joins a run when the one after it reaches this share of the best
        self._bridge_bar = bridge_bar
        # A quoted run goes on while its sentences keep this share of its best one; the decline
        # checks read runs at relative_floor. The sentence after the best one often carries
        # the answer in words the question does not use (seed sets, session 11).
        self._run_floor = run_floor
        # The evidence strength the decline thresholds read (the best sentence's similarity
        # and word share) comes from the retriever's first passages alone, as many as the
        # thresholds were calibrated on: reading more passages for the quote must not make a
        # near miss look answered.
        self._judged = judged_passages

    def select(
        self,
        question: str,
        passages: list[Passage],
        terms: Sequence[tuple[str, Sequence[str]]] = (),
        named: frozenset[str] = frozenset(),
        naming: frozenset[str] = frozenset(),
    ) -> Selection:
        """``terms``: the question's terms with their other-language words, as far as the
        passages use them; ``named``: the documents (sources) the question names;
        ``naming``: the names it names them by."""
        expansion = " ".join(other for _, others in terms for other in others)
        # Every unit, short list items included (a list is quoted whole); only informative
        # sentences compete to be chosen.
        by_passage = [passage_units(passage.text, keep_items=True) for passage in passages]
        informative = [
            {sentence for sentence, _ in passage_units(own_text(passage))} for passage in passages
        ]
        candidates: list[tuple[int, int, str]] = [
            (i, j, sentence)
            for i, units in enumerate(by_passage)
            for j, (sentence, _) in enumerate(units)
            if sentence in informative[i]
        ]
        if not candidates:
            return Selection([], 0.0, 0.0)
        texts = [c[2] for c in candidates]
        vectors = self._encoder.embed_array(texts)
        query = self._encoder.embed_array([question])[0]
        semantic = vectors @ query
        # Words shared with the question, or with its translation (a sentence in the other
        # language is measured against the translated terms alone, not diluted by the
        # question's own words, nor lifting its own language's sentences).
        held = [set(lexical_tokens(t)) for t in texts]  # tokenised once for both measures
        lexical = np.maximum(_shares(question, held), _shares(expansion, held))
        # Rank prior: the retriever's order is evidence too (less so for what is quoted).
        prior = np.array([1.0 / (1.0 + RANK_PRIOR * c[0]) for c in candidates])
        quote_prior = np.array(
            [
                (PAGE_CHROME_WEIGHT if is_page_chrome(t) else 1.0) / (1.0 + QUOTE_RANK_PRIOR * i)
                for i, _, t in candidates
            ]
        )
        # Prefer the question's language when both are available; sentences about the
        # document itself say little.
        chinese_question = is_chinese(detect_language(question))
        own = np.array([is_chinese(detect_language(t)) == chinese_question for t in texts])
        meta = np.array([_form_weight(t) for t in texts])
        # What is left of a passage that addressed the assistant is not trusted to lead.
        meta = meta * np.array(
            [
                UNTRUSTED_WEIGHT if passages[i].meta.get(ADDRESSED_ASSISTANT) else 1.0
                for i, _, _ in candidates
            ]
        )
        # A document's opening title names its subject, close to every question about it.
        meta = meta * np.array(
            [
                TITLE_WEIGHT
                if j == 0 and passages[i].meta.get("chunk") == 0 and is_title(t)
                else 1.0
                for i, j, t in candidates
            ]
        )
        if named:
            meta = meta * np.array(
                [NAMED_WEIGHT if passages[i].source in named else 1.0 for i, _, _ in candidates]
            )
        # A question that asks for a figure is answered by a sentence that holds one.
        kinds = figure_kinds(question)
        wants_figure = asks_for_a_figure(question)
        figure = np.array(
            [1.2 if wants_figure and has_figure(t, question, kinds) else 1.0 for t in texts]
        )
        # For ranking, words count by how rare they are among the candidates: a sentence that
        # shares only the ubiquitous "KAM" (or its translation) with the question is no match.
        levelled = _level_languages(semantic, own)
        other = np.where(own, 1.0, OTHER_LANGUAGE)

        def based(ignored: frozenset[str]) -> np.ndarray:
            weighted = concept_overlap(question, terms, held, ignored)
            words = 0.35 * np.minimum(weighted * 2.0, 1.0)
            return (0.65 * levelled + words) * other * meta * figure

        base = based(frozenset())
        # A name that points at a document ("the ZS study", "Actando's article") says which
        # document answers, not which of its sentences: what the answer quotes is ranked
        # without it (else the sentence that introduces the study leads every answer about
        # it). The decline checks read the question whole.
        naming_tokens = frozenset(t for w in naming for t in lexical_tokens(w))
        quote_base = based(naming_tokens) if naming_tokens else base

        def scored_with(weights: np.ndarray, base: np.ndarray = base) -> list[Candidate]:
            return [
                Candidate(i, j, t, float(r), float(s), float(lx), by_passage[i][j][1])
                for (i, j, t), r, s, lx in zip(
                    candidates, base * weights, semantic, lexical, strict=True
                )
            ]

        scored = scored_with(prior)
        quoted_from = scored_with(quote_prior, quote_base)
        chosen = self._pick(
            quoted_from, vectors, self._passage_bar, self._max, self._bridge_bar, self._run_floor
        )
        # The decline checks read the passages that clear the stricter bar, without the
        # weaker sentences a run takes along.
        core = self._pick(
            scored, vectors, self._evidence_bar, self._evidence_most, 0.0, self._floor
        )
        chosen = _with_next_sentence(chosen, quoted_from, by_passage, self._max)
        chosen = _with_whole_lists(chosen, quoted_from, by_passage)
        continuations = {}
        quoted = {(c.passage_index, c.position) for c in chosen}
        for c in chosen:
            units = by_passage[c.passage_index]
            if units[c.position][1] or (c.passage_index, c.position + 1) in quoted:
                continue  # a list item itself, or what follows is quoted anyway
            items = list_after(units, c.position, c.text)
            if items:
                continuations[(c.passage_index, c.position)] = items
        judged = np.array([c[0] < self._judged for c in candidates])
        if not judged.any():
            judged[:] = True
        return Selection(
            chosen,
            float(semantic[judged].max()),
            float(lexical[judged].max()),
            continuations,
            core,
        )

    def _pick(
        self,
        scored: list[Candidate],
        vectors: np.ndarray,
        bar: float,
        most: int,
        bridge: float,
        floor: float,
    ) -> list[Candidate]:
        """Excerpts: the passages whose best sentence reaches ``bar`` of the best one
        (and the retriever's first passage, at ``relative_floor``; ``max_passages`` at most,
        best first); from each, its best sentence and the
        neighbours around it that keep ``floor`` of that sentence's relevance, as
        one contiguous run in reading order; ``most`` in all. A sentence that repeats
        one already chosen is skipped."""
        by_passage: dict[int, list[int]] = {}
        for index, candidate in enumerate(scored):
            by_passage.setdefault(candidate.passage_index, []).append(index)
        tops = {
            passage: max(indexes, key=lambda i: scored[i].relevance)
            for passage, indexes in by_passage.items()
        }
        best = max(scored[i].relevance for i in tops.values())
        passages = sorted(tops, key=lambda p: (-scored[tops[p]].relevance, p))
        # The retriever's first passage stays while its best sentence keeps relative_floor of
        # the best: the passage ranking weighs more than one sentence's score.
        kept = [
            p
            for p in passages
            if scored[tops[p]].relevance >= best * bar
            or (p == min(tops) and scored[tops[p]].relevance >= best * self._floor)
        ]
        picked: list[int] = []
        for passage in kept[: self._max_passages]:
            if len(picked) >= most:
                break
            run = self._run(
                scored, by_passage[passage], tops[passage], most - len(picked), bridge, floor
            )
            # Of two sentences that say the same, the better one stays; reading order after.
            kept: list[int] = []
            for index in sorted(run, key=lambda i: -scored[i].relevance):
                duplicate = any(
                    float(vectors[index] @ vectors[other]) > self._redundancy
                    or token_overlap(scored[index].text, scored[other].text) > 0.8
                    for other in picked + kept
                )
                if not duplicate:
                    kept.append(index)
            picked.extend(sorted(kept, key=lambda i: scored[i].position))
        return [scored[i] for i in picked]

    def _run(
        self,
        scored: list[Candidate],
        indexes: list[int],
        top: int,
        budget: int,
        bridge: float,
        floor: float,
    ) -> list[int]:
        """The contiguous run of a passage's sentences around its best one (``indexes`` in
        reading order) whose relevance keeps ``floor`` of the best's, ``budget``
        sentences at most, in reading order. One weaker sentence between two that keep it
        is taken along ("Each has different priorities." between the two kinds of account
        and what drives each)."""
        order = sorted(indexes, key=lambda i: scored[i].position)
        at = order.index(top)
        bar = scored[top].relevance * floor

        def reach(edge: int, step: int) -> tuple[int, float]:
            """How far the run may grow on one side (1 or, over a weak sentence, 2) and the
            relevance that earns it; (0, -1) when it may not."""
            first = edge + step
            if not 0 <= first < len(order):
                return 0, -1.0
            if scored[order[first]].relevance >= bar:
                return 1, scored[order[first]].relevance
            second = first + step
            if (
                bridge
                and 0 <= second < len(order)
                and scored[order[second]].relevance >= scored[top].relevance * bridge
            ):
                return 2, scored[order[second]].relevance
            return 0, -1.0

        start = end = at
        while end - start + 1 < budget:
            (grow_left, left), (grow_right, right) = reach(start, -1), reach(end, 1)
            if right >= left and grow_right and end - start + grow_right < budget:
                end += grow_right
            elif grow_left and end - start + grow_left < budget:
                start -= grow_left
            else:
                break
        return order[start : end + 1]


# A sentence that opens on a connective or a word pointing back ("Still, ...", "It becomes
# clear ...", "此外，..."), or on the author's verdict on what was just said ("I would argue
# that this ...", "我認為..."), carries on the one before it.
_CARRIES_ON = re.compile(
    r"^(?:(?:still|however|but|and|yet|so|thus|therefore|hence|also|moreover|furthermore|"
    r"in addition|indeed|instead|otherwise|this|these|that|those|it|its|they|their|such|both|"
    r"then|as a result|for example|for instance|consequently|nevertheless|nonetheless|"
    r"likewise|similarly|meanwhile|in fact|even so|in other words|above all|"
    r"(?:i|we) (?:would |do |)(?:argue|believe|think|suggest|contend|say))\b"
    r"|此外|但|然而|因此|所以|而且|並且|同時|另外|這|其|它|他們|也|甚至|例如|不過|只是|否則|"
    r"相反|結果|於是|總之|換句話說|尤其|特別是|我認為|我們認為|筆者認為|我相信)",
    re.IGNORECASE,
)


def carries_on(sentence: str) -> bool:
    return bool(_CARRIES_ON.match(sentence.strip()))


def _with_next_sentence(
    chosen: list[Candidate],
    scored: list[Candidate],
    by_passage: list[list[tuple[str, bool]]],
    most: int,
) -> list[Candidate]:
    """A quoted run that ends at its passage's best sentence goes on by one sentence when that
    sentence carries on from it ("Once a KAM crosses the first distrust barrier, ... Still,
    decisions aren't usually made by only one person."): what follows the closest sentence
    often answers in words the question does not use. Not where a list follows (it is quoted
    whole), nor into a list item; ``most`` sentences in all."""
    at = {(c.passage_index, c.position): c for c in scored}
    last: dict[int, Candidate] = {}
    best: dict[int, Candidate] = {}
    for c in chosen:
        last[c.passage_index] = c
        if c.passage_index not in best or c.relevance > best[c.passage_index].relevance:
            best[c.passage_index] = c
    result: list[Candidate] = []
    room = most - len(chosen)
    for c in chosen:
        result.append(c)
        units = by_passage[c.passage_index]
        following = at.get((c.passage_index, c.position + 1))
        if (
            room > 0
            and following is not None
            and last[c.passage_index] is c is best[c.passage_index]
            and not units[c.position][1]
            and not units[c.position + 1][1]
            and carries_on(following.text)
            and not list_after(units, c.position, c.text)
        ):
            result.append(following)
            room -= 1
    return result


def _with_whole_lists(
    chosen: list[Candidate], scored: list[Candidate], by_passage: list[list[tuple[str, bool]]]
) -> list[Candidate]:
    """A chosen list item brings its whole list. Where the passage holds the sentence that
    introduces the list ("Usually, you deal with 3 levels of accounts:"), that sentence takes
    the item's place and the items follow it (``list_after``); where the passage starts
    inside the list, the list's sentences are quoted in reading order."""
    at = {(c.passage_index, c.position): c for c in scored}
    result: list[Candidate] = []
    taken: set[tuple[int, int]] = set()
    for candidate in chosen:
        units = by_passage[candidate.passage_index]
        leads = [candidate]
        if units[candidate.position][1]:
            first, last = list_bounds(units, candidate.position)
            intro = first - 1
            if intro >= 0 and (
                units[intro][0].endswith(LIST_INTRO_ENDS) or announced_count(units[intro][0])
            ):
                # an introduction too short to compete as a sentence still leads its list
                leads = [
                    at.get(
                        (candidate.passage_index, intro),
                        replace(
                            candidate, position=intro, text=units[intro][0], item=units[intro][1]
                        ),
                    )
                ]
            elif first == 0 and last > first:
                leads = [
                    at[(candidate.passage_index, k)]
                    for k in range(first, last + 1)
                    if (candidate.passage_index, k) in at
                ]
        for lead in leads:
            if (lead.passage_index, lead.position) not in taken:
                taken.add((lead.passage_index, lead.position))
                result.append(lead)
    return result


def list_bounds(units: list[tuple[str, bool]], position: int) -> tuple[int, int]:
    """The first and last unit of the list the item at ``position`` belongs to: its items and
    the sentences that continue an item before the next one ("1. The first level is ... .
    This is usually not a key account." then "2. ...")."""

    def continues(k: int, step: int) -> bool:
        neighbour = k + step
        if not 0 <= neighbour < len(units):
            return False
        if units[neighbour][1]:
            return True
        beyond = neighbour + step
        return (
            0 <= beyond < len(units)
            and units[beyond][1]
            and not units[neighbour][0].endswith(LIST_INTRO_ENDS)
        )

    first = last = position
    while continues(first, -1):
        first -= 1
    while continues(last, 1):
        last += 1
    return first, last


def list_after(units: list[tuple[str, bool]], position: int, intro: str) -> list[str]:
    """The list a sentence introduces: the items that follow it (all of them, up to
    ``MAX_LIST_ITEMS``), or as many following units as it announces ("There are 2 types of
    accounts ...") when they are not marked as items."""
    announced = announced_count(intro)
    following = units[position + 1 : position + 1 + MAX_LIST_ITEMS]
    if (
        following
        and is_table_row(following[0][0])
        and (intro.endswith(LIST_INTRO_ENDS) or announced)
    ):
        # "... should shift with the stage of the account:" then a table: the table's rows.
        rows = []
        for text, _ in following:
            if not is_table_row(text):
                break
            rows.append(text)
        return rows
    if (
        len(following) > 1
        and not following[0][1]
        and following[1][1]
        and following[0][0].endswith(LIST_INTRO_ENDS)
        and not is_informative(following[0][0])
    ):
        # A line too short to be a sentence introduces the list ("Evidence that convinces
        # nursing leaders:"): the sentence before it leads the line and its items.
        return [following[0][0], *list_after(units, position + 1, following[0][0])]
    if announced and following and following[0][0].endswith(LIST_INTRO_ENDS):
        # A heading that announces the list, then the sentence that introduces it ("The 5
        # key success factors" / "There are 5 critical factors:"): the items follow that one.
        return [following[0][0], *list_after(units, position + 1, following[0][0])]
    if announced and following and not following[0][1]:
        return [text for text, _ in following[:announced]]
    items: list[str] = []
    for index, (text, is_item) in enumerate(following):
        if (
            not is_item
            and items
            and (announced or intro.endswith(LIST_INTRO_ENDS))
            and _item_goes_on(following, index, announced, len(items))
        ):
            # "1. The first level is ... . This is usually not a key account." then "2. ...":
            # the item's second sentence.
            items[-1] = f"{items[-1]} {text}"
            continue
        if not is_item and not (intro.endswith(LIST_INTRO_ENDS) and not items):
            break
        items.append(text)
        if announced and len(items) == announced:
            break
    if items and (intro.endswith(LIST_INTRO_ENDS) or announced or following[0][1]):
        return items
    return []


ITEM_BODY_GAP = 2  # an item may go on for this many sentences before the next item


def _item_goes_on(
    following: list[tuple[str, bool]], index: int, announced: int | None, found: int
) -> bool:
    """Whether the sentence at ``index`` (not an item) continues the item before it: the list
    has not yet given the items it announced (if it announced a number), and an item follows
    within ``ITEM_BODY_GAP`` sentences ("• Consolidation: ... " then two sentences about it,
    then "· Cost management: ...")."""
    if announced is not None and found >= announced:
        return False
    ahead = following[index + 1 : index + 1 + ITEM_BODY_GAP]
    return any(is_item for _, is_item in ahead)
