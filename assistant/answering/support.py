"""How well a passage supports a sentence: lexical overlap and embedding similarity.

Used to pick sentences for extractive answers, to assign citations to generated sentences, and
by the evaluation to judge citation precision."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.embeddings.encoders import NamedEmbeddings
from assistant.ingest.chunking import split_sentences
from assistant.rules.injection import looks_like_injection
from assistant.text.tokens import lexical_tokens

_MARKUP = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#+\s+|>\s*)|\*\*|__|`")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


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


_LIST_ITEM = re.compile(
    r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\d+、\s*|[（(][一二三四五六七八九十\d]+[)）]\s*"
    r"|[一二三四五六七八九十]+、\s*)"
)


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def passage_units(text: str, keep_items: bool = False) -> list[tuple[str, bool]]:
    """Informative sentences of a passage, each flagged if it is a list item. A table's
    header row (the line above its |---| rule) names columns and says nothing by itself.
    With ``keep_items``, short list items ("1. Customer focus") are kept too: a list is
    quoted whole, though each item is too short to be an answer alone."""
    raws = split_sentences(text)
    units = []
    for index, raw in enumerate(raws):
        following = raws[index + 1] if index + 1 < len(raws) else ""
        if raw.lstrip().startswith("|") and _TABLE_RULE.match(following):
            continue
        cleaned = clean_sentence(raw)
        item = bool(_LIST_ITEM.match(raw))
        if is_informative(cleaned) or (
            keep_items and item and cleaned and not looks_like_injection(cleaned)
        ):
            units.append((cleaned, item))
    return units


def passage_sentences(text: str) -> list[str]:
    return [sentence for sentence, _ in passage_units(text)]


def token_overlap(claim: str, evidence: str) -> float:
    """Share of the claim's distinct content tokens that appear in the evidence."""
    claim_tokens = set(lexical_tokens(claim))
    if not claim_tokens:
        return 0.0
    return len(claim_tokens & set(lexical_tokens(evidence))) / len(claim_tokens)


def numbers_supported(claim: str, evidence: str) -> bool:
    """Every number in the claim also appears in the evidence (no invented figures)."""
    found = set(_NUMBER.findall(evidence))
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

    def __init__(self, encoder: NamedEmbeddings, lexical_weight: float = 0.5) -> None:
        self._encoder = encoder
        self._lexical_weight = lexical_weight

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._encoder.embed_array(texts) if texts else np.zeros((0, 1), dtype=np.float32)

    def best_support(self, claims: list[str], passages: list[str]) -> list[Support | None]:
        """For each claim, the passage sentence that supports it best (None if no passage)."""
        evidence = [(i, s) for i, text in enumerate(passages) for s in passage_sentences(text)]
        if not evidence or not claims:
            return [None] * len(claims)
        vectors = self.encode([s for _, s in evidence])
        claim_vectors = self.encode(claims)
        similarity = claim_vectors @ vectors.T
        results: list[Support | None] = []
        for row, claim in enumerate(claims):
            lexical = np.array([token_overlap(claim, s) for _, s in evidence])
            combined = self._lexical_weight * lexical + (1 - self._lexical_weight) * similarity[row]
            best = int(np.argmax(combined))
            index, quote = evidence[best]
            results.append(
                Support(
                    index,
                    quote,
                    float(combined[best]),
                    float(lexical[best]),
                    float(similarity[row, best]),
                )
            )
        return results
