"""How well a passage supports a sentence: lexical overlap and embedding similarity.

Used to pick sentences for extractive answers, to assign citations to generated sentences, and
by the evaluation to judge citation precision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.answering.claim_checks import (
    CrossLingualCoverage,
    Window,
    contradicts,
    figures_in_place,
    figures_supported,
    is_chinese_text,
    list_items_supported,
    quotes_held,
    swapped_roles,
    unsupported_scope,
    windows,
    without_attribution,
)
from assistant.ingest.chunking import split_sentences
from assistant.rules.injection import looks_like_injection
from assistant.seams import Embedder
from assistant.text.tokens import lexical_tokens
from assistant.text.translation import TermTranslator

_MARKUP = re.compile(r"^\s*(?:[-*+]\s+|[•·・‧●▪◦○■□►➢✓]\s*|\d+[.)]\s+|#+\s+|>\s*)|\*\*|__|`")
_CITATION_MARKS = re.compile(r"\s*\[\d+(?:[,\s]*\d+)*\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_NAME = re.compile(r"(?<![\w&])([A-Z][A-Za-z0-9&-]*[A-Z0-9a-z])(?![\w&])")
_NEGATION_EN = re.compile(
    r"\b(not|no|never|none|nobody|nothing|neither|nor|without|cannot|fail(s|ed)? to|"
    r"lack(s|ed)?)\b|n[’']t\b",
    re.IGNORECASE,
)
# "a partner, not a seller", "not only X but Y", "X rather than Y": a contrast, no negation
_CONTRAST_EN = re.compile(
    r",\s*not\s+(?=(?:a|an|the|just|simply|merely|only)\b)|\bnot\s+(?=(?:only|just|merely)\b)",
    re.IGNORECASE,
)
_CONTRAST_ZH = re.compile(r"而(不是|不只是|非|不僅是)")  # "rather than": a contrast, no negation
_NEGATION_ZH = re.compile(
    r"不(是|會|能|可|該|應|必|需|得|要|再|曾|算|夠)|並不|並非|沒有|沒|[尚仍還並]未|"
    r"未(曾|經|能|必)?(?!來|滿足)|"  # 未滿足的需求: unmet, a noun; 尚未滿足: not yet met
    r"無法|無須|無需|毋須|別再|絕不|從不|不"
    r"(?![同過但僅只論斷少然久足盡])"
)
_ACRONYM_SKIP = frozenset({"and", "of", "&", "the", "for"})
CROSS_LINGUAL_EASING = 0.1  # a translation scores lower than a same-language restatement


def clean_sentence(text: str) -> str:
    text = _MARKUP.sub("", text)
    return " ".join(text.replace("**", "").split())


def is_informative(sentence: str) -> bool:
    """Long enough to say something, not a table rule, not an instruction to the assistant."""
    if set(sentence) <= set("|-: "):
        return False
    cjk = len(re.findall(r"[\u4e00-\u9fff]", sentence))
    words = len(re.findall(r"[A-Za-z]+", sentence))
    return (cjk >= 8 or words >= 6) and not looks_like_injection(sentence)


LIST_ITEM = re.compile(
    r"^\s*(?:[-*+]\s+|[•·・‧●▪◦○■□►➢✓]\s*|\d+[.)]\s+|\d+、\s*|[（(][一二三四五六七八九十\d]+[)）]\s*"
    r"|[一二三四五六七八九十]+、\s*)"
)


# The colon that ends a line introducing a list ("There are 5 critical factors:").
LIST_INTRO_ENDS = (":", "：")

SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "」", '"', "”")
HEADING_MOST_WORDS = 12


def is_heading(line: str) -> bool:
    """A short line that ends no sentence ("The expert panel for KAM Metrics",
    "為什麼製藥企業必須投資於關鍵客戶管理能力"): a heading or a title."""
    text = line.strip()
    return (
        bool(text)
        and not text.endswith(SENTENCE_ENDS)
        and len(text.split()) <= HEADING_MOST_WORDS
        and len(text) <= 100
    )


TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")  # a Markdown table's |---| line


def passage_units(text: str, keep_items: bool = False) -> list[tuple[str, bool]]:
    """Informative sentences of a passage, each flagged if it is a list item. A table's
    header row (the line above its |---| rule) names columns and says nothing by itself.
    With ``keep_items``, short list items ("1. Customer focus") and the short line that
    introduces them are kept too: a list is quoted whole, though each item is too short to
    be an answer alone."""
    raws = split_sentences(text)
    units = []
    for index, raw in enumerate(raws):
        following = raws[index + 1] if index + 1 < len(raws) else ""
        if raw.lstrip().startswith("|") and TABLE_RULE.match(following):
            continue
        cleaned = clean_sentence(raw)
        item = bool(LIST_ITEM.match(raw))
        # a short line that introduces the list below it ("Evidence that convinces nursing
        # leaders:") is kept with the items it introduces
        intro = cleaned.endswith(LIST_INTRO_ENDS) and bool(LIST_ITEM.match(following))
        if is_informative(cleaned) or (
            keep_items and (item or intro) and cleaned and not looks_like_injection(cleaned)
        ):
            units.append((cleaned, item))
    return units


def passage_sentences(text: str) -> list[str]:
    return [sentence for sentence, _ in passage_units(text)]


def strip_citation_marks(text: str) -> str:
    """Drop citation marks a model wrote itself ("... [1]", "[2, 3]"); the app assigns its own."""
    return _CITATION_MARKS.sub("", text).strip()


def token_overlap(claim: str, evidence: str) -> float:
    """Share of the claim's distinct content tokens that appear in the evidence."""
    claim_tokens = set(lexical_tokens(claim))
    if not claim_tokens:
        return 0.0
    return len(claim_tokens & set(lexical_tokens(evidence))) / len(claim_tokens)


_NUMBER_WORDS = {
    word: str(value)
    for value, words in enumerate(
        (
            (),
            ("one", "一"),
            ("two", "兩", "二"),
            ("three", "三"),
            ("four", "四"),
            ("five", "五"),
            ("six", "六"),
            ("seven", "七"),
            ("eight", "八"),
            ("nine", "九"),
            ("ten", "十"),
            ("eleven",),
            ("twelve",),
        )
    )
    for word in words
}
_SPELLED = re.compile(
    r"\b("
    + "|".join(w for w in _NUMBER_WORDS if w.isascii())
    + r")\b|([一兩二三四五六七八九十])(?=[個位家種項條名人年次%])",
    re.IGNORECASE,
)


def numbers_supported(claim: str, evidence: str) -> bool:
    """Every number in the claim also appears in the evidence (no invented figures); the
    evidence may spell small numbers out ("only eight people" supports "8 people")."""
    found = set(_NUMBER.findall(evidence))
    for match in _SPELLED.finditer(evidence):
        found.add(_NUMBER_WORDS[(match.group(1) or match.group(2)).lower()])
    return all(number in found for number in _NUMBER.findall(claim))


@dataclass(frozen=True)
class Support:
    passage_index: int
    quote: str
    score: float
    lexical: float
    semantic: float


class SupportScorer:
    """Scores claims against passages with a fast multilingual sentence encoder."""

    def __init__(
        self,
        encoder: Embedder,
        lexical_weight: float = 0.5,
        translator: TermTranslator | None = None,
    ) -> None:
        self._encoder = encoder
        self._lexical_weight = lexical_weight
        self._translator = translator
        dictionary = translator.dictionary if translator else None
        self._coverage = CrossLingualCoverage(dictionary) if dictionary else None
        self._matches = lru_cache(maxsize=512)(translator.matches) if translator else None

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._encoder.embed_array(texts) if texts else np.zeros((0, 1), dtype=np.float32)

    def best_support(self, claims: list[str], passages: list[str]) -> list[Support | None]:
        """For each claim, the passage sentence that supports it best (None if no passage)."""
        evidence = [
            (i, Window(s, (s,))) for i, text in enumerate(passages) for s in passage_sentences(text)
        ]
        return self._best(claims, evidence)

    def _best(self, claims: list[str], evidence: list[tuple[int, Window]]) -> list[Support | None]:
        """For each claim, the piece of evidence (passage index, window) most like it. A
        window's vector is the normalised sum of its parts' (each part encoded once)."""
        if not evidence or not claims:
            return [None] * len(claims)
        parts = list(dict.fromkeys(part for _, window in evidence for part in window.parts))
        position = {part: row for row, part in enumerate(parts)}
        part_vectors = self.encode(parts)
        vectors = np.stack(
            [part_vectors[[position[p] for p in w.parts]].sum(axis=0) for _, w in evidence]
        )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = vectors / np.where(norms == 0, 1.0, norms)
        claim_vectors = self.encode(claims)
        similarity = claim_vectors @ vectors.T
        results: list[Support | None] = []
        for row, claim in enumerate(claims):
            lexical = np.array([self._overlap(claim, w.text) for _, w in evidence])
            combined = self._lexical_weight * lexical + (1 - self._lexical_weight) * similarity[row]
            best = int(np.argmax(combined))
            index, window = evidence[best]
            results.append(
                Support(
                    index,
                    window.text,
                    float(combined[best]),
                    float(lexical[best]),
                    float(similarity[row, best]),
                )
            )
        return results

    def _overlap(self, claim: str, evidence: str) -> float:
        """Words shared with the evidence; across languages, the share of the claim's
        dictionary terms whose translation the evidence holds."""
        claim_tokens = _token_set(claim)
        same = len(claim_tokens & _token_set(evidence)) / len(claim_tokens) if claim_tokens else 0.0
        if self._matches is None or is_chinese_text(claim) == is_chinese_text(evidence):
            return same
        best = same
        matches = self._matches(claim)
        if len(matches) >= 2:
            lowered = evidence.lower()
            covered = sum(any(o.lower() in lowered for o in others) for _, others in matches)
            best = max(best, covered / len(matches))
        if self._coverage is not None:
            if is_chinese_text(claim):
                best = max(best, self._coverage.chinese_claim(claim, evidence))
            else:
                best = max(best, self._coverage.english_claim(claim, evidence))
        return best

    def verdicts(
        self,
        claims: list[str],
        passages: list[str],
        threshold: float,
        contexts: list[str] | None = None,
    ) -> list[Support | None]:
        """For each claim, its support when a passage supports it, judged against the
        passage's best window (one to three sentences, or clauses of a long sentence): a
        score at the threshold or above (a claim in the other language than its evidence
        needs ``CROSS_LINGUAL_EASING`` less; its words are read through the dictionary);
        every figure of the claim in that passage in any notation, every name in it or its
        title (an attribution "According to X," aside); no scope word ("all", "only",
        "mainly", "may") or opposite the window does not say; no quotation the passage does
        not hold word for word (``quotes_held``); and, in the same language, no
        negation the window lacks (or the reverse), no list member the passage lacks and no
        two roles traded. None when none does."""
        evidence = [
            (i, window)
            for i, text in enumerate(passages)
            for window in windows(passage_sentences(text))
        ]
        kept: list[Support | None] = []
        for claim, support in zip(claims, self._best(claims, evidence), strict=True):
            if support is None:
                kept.append(None)
                continue
            passage = passages[support.passage_index]
            context = contexts[support.passage_index] if contexts else ""
            same_language = is_chinese_text(claim) == is_chinese_text(support.quote)
            bar = threshold if same_language else threshold - CROSS_LINGUAL_EASING
            if (
                support.score < bar
                or not figures_supported(claim, passage)
                or not figures_in_place(claim, passage)
                or unsupported_scope(claim, support.quote) is not None
                or not self.names_supported(without_attribution(claim), passage, context)
                or not quotes_held(claim, f"{context}\n{passage}")
                or contradicts(claim, support.quote)
                or (same_language and negated(claim) != negated(support.quote))
                or (same_language and not list_items_supported(claim, passage))
                or (same_language and swapped_roles(claim, support.quote))
            ):
                kept.append(None)
            else:
                kept.append(support)
        return kept

    def names_supported(self, claim: str, passage: str, context: str = "") -> bool:
        """Every name or acronym the claim spells in Latin letters (not the sentence's first
        word) is in the passage or its document's title (``context``), spelled out there
        ("P&L": "profit and loss"), or, in a Chinese passage, translated."""
        text = f"{context}\n{passage}"
        lowered = text.lower()
        for match in _NAME.finditer(claim):
            name = re.sub(r"(?<=[A-Z])s$", "", match.group(1))  # "KAMs": the plural of "KAM"
            if match.start() == 0 or name.lower() in lowered or spelled_out(name, text):
                continue
            translations = self._translator.translations(name) if self._translator else []
            if not any(t.lower() in lowered for t in translations):
                return False
        return True


@lru_cache(maxsize=4096)
def _token_set(text: str) -> frozenset[str]:
    """The distinct content tokens ``token_overlap`` compares (cached: a claim meets every
    window, a window every claim)."""
    return frozenset(lexical_tokens(text))


def spelled_out(acronym: str, text: str) -> bool:
    """Whether the text spells the acronym out: "KAM(s)" in "Key Account Manager(s)",
    "P&T" in "pharmacy and therapeutics"."""
    letters = [c.lower() for c in acronym.rstrip("s") if c.isalpha()]
    if len(letters) < 2 or not acronym.rstrip("s").replace("&", "").isupper():
        return False
    words = [w for w in re.findall(r"[A-Za-z]+", text.lower()) if w not in _ACRONYM_SKIP]
    initials = "".join(w[0] for w in words)
    return "".join(letters) in initials


def negated(sentence: str) -> bool:
    """Whether a sentence says something is not so (English or Chinese negation words)."""
    if is_chinese_text(sentence):
        return bool(_NEGATION_ZH.search(_CONTRAST_ZH.sub("", sentence)))
    return bool(_NEGATION_EN.search(_CONTRAST_EN.sub(", ", sentence)))
