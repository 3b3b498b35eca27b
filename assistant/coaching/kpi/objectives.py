"""Which account objective each KPI measures: by meaning (multilingual encoder) and by the
informative words it shares with an objective."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.coaching.kpi.checks import Check
from assistant.coaching.kpi.model import Kpi
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.text.tokens import lexical_tokens

_OBJECTIVE_NUMBER = re.compile(r"^(objective|obj\.?|目標)?\s*#?\s*(\d{1,2})$", re.IGNORECASE)
# How far below the link threshold a cosine still reads as "possibly linked".
_NEAR_MISS = 0.08


@dataclass(frozen=True)
class ObjectiveLink:
    check: Check
    objective: str = ""
    cosine: float = 0.0
    shared_terms: tuple[str, ...] = ()


class ObjectiveLinker:
    def __init__(self, rubric: KpiRubric, encoder: NamedEmbeddings) -> None:
        self._rubric = rubric
        self._encoder = encoder

    def link(
        self,
        kpis: Sequence[Kpi],
        kpi_vectors: np.ndarray,
        objectives: Sequence[str],
        account_name: str | None = None,
    ) -> list[ObjectiveLink]:
        objectives = [o.strip() for o in objectives if o and o.strip()]
        if not objectives:
            return [ObjectiveLink(Check("missing")) for _ in kpis]
        goals = [main_goal(o) for o in objectives]
        cosines = self._cosines(kpi_vectors, goals)
        ignore = set(self._rubric.generic_terms) | set(lexical_tokens(account_name or ""))
        objective_terms = [self._terms(goal, ignore) for goal in goals]
        kpi_terms = [self._terms(f"{k.name} {k.definition}", ignore) for k in kpis]
        context = _context_terms(kpi_terms)
        links = []
        for row, kpi in enumerate(kpis):
            explicit = self._explicit(kpi.objective, objectives)
            if explicit is not None:
                links.append(
                    ObjectiveLink(Check("met", objectives[explicit]), objectives[explicit])
                )
                continue
            links.append(
                self._best(cosines[row], kpi_terms[row] - context, objective_terms, objectives)
            )
        return links

    def _cosines(self, kpi_vectors: np.ndarray, objectives: list[str]) -> np.ndarray:
        """KPI-objective cosines; an objective that bundles goals ("keep the listing and protect
        the margin") is also compared clause by clause."""
        pieces: list[str] = []
        owners: list[int] = []
        for index, objective in enumerate(objectives):
            for piece in [objective, *_clauses(objective)]:
                pieces.append(piece)
                owners.append(index)
        piece_cosines = kpi_vectors @ self._encoder.embed_array(pieces).T
        cosines = np.full((len(kpi_vectors), len(objectives)), -1.0)
        for column, index in enumerate(owners):
            cosines[:, index] = np.maximum(cosines[:, index], piece_cosines[:, column])
        return cosines

    def _terms(self, text: str, ignore: set[str]) -> set[str]:
        """Informative words and CJK bigrams of a text, plus the subjects (concept groups)
        it names."""
        concepts = set()
        for number, concept in enumerate(self._rubric.concepts):
            text, found = concept.subn(" ", text)  # the subject replaces its words
            if found:
                concepts.add(f"#{number}")
        function = self._rubric.cjk_function_chars
        return concepts | {
            token
            for token in lexical_tokens(text)
            if token not in ignore
            and not token.isdigit()
            and (len(token) > 1 if token.isascii() else not (set(token) & function))
        }

    def _best(
        self,
        cosines: np.ndarray,
        terms: set[str],
        objective_terms: list[set[str]],
        objectives: list[str],
    ) -> ObjectiveLink:
        """The objective the KPI measures: close in meaning, or sharing specific words (two, or
        one with some closeness in meaning)."""
        thresholds = self._rubric.thresholds
        shared = [terms & other for other in objective_terms]
        weight = [sum(_weight(term) for term in s) for s in shared]
        linked = [
            i
            for i, cosine in enumerate(cosines)
            if cosine >= thresholds["link_cosine"]
            or weight[i] >= thresholds["link_shared_terms"]
            or (weight[i] >= 1 and cosine >= thresholds["link_cosine_with_term"])
        ]
        best = max(
            linked or range(len(objectives)),
            key=lambda i: float(cosines[i]) + 0.05 * len(shared[i]),
        )
        cosine, quote = float(cosines[best]), tuple(sorted(shared[best]))
        if linked:
            return ObjectiveLink(Check("met", objectives[best]), objectives[best], cosine, quote)
        if cosine >= thresholds["link_cosine"] - _NEAR_MISS or shared[best]:
            return ObjectiveLink(Check("partly", objectives[best]), objectives[best], cosine, quote)
        return ObjectiveLink(Check("missing"), "", cosine, ())

    def _explicit(self, named: str, objectives: list[str]) -> int | None:
        """The objective a KPI's own ``objective`` field points to: its number, or its text."""
        named = named.strip()
        if not named:
            return None
        number = _OBJECTIVE_NUMBER.match(named)
        if number and 1 <= int(number.group(2)) <= len(objectives):
            return int(number.group(2)) - 1
        folded = named.lower()
        for index, objective in enumerate(objectives):
            if folded in objective.lower() or objective.lower() in folded:
                return index
        return None


_CLAUSE_SPLIT = re.compile(r"\band\b|;|,|，|、|；|以及|並且|並|與|及")
_PUNCTUATION_SPLIT = re.compile(r"[,;，；]")
# "... after Brand X loses exclusivity", 「原廠藥專利到期後，...」: when, not what, the goal is.
_TEMPORAL_TAIL = re.compile(r"\s*\b(after|once|when|until|before|while|during)\b[^,;]*$", re.I)
_TEMPORAL_CLAUSE = re.compile(
    r"^\s*(after|once|when|until|before|while|during)\b|(之後|以後|以前|之前|期間|後|前|時)\s*$",
    re.I,
)


def main_goal(objective: str) -> str:
    """The objective without clauses that only say when (the goal's subject stays)."""
    clauses = [c for c in _PUNCTUATION_SPLIT.split(objective) if c.strip()]
    kept = [c for c in clauses if not _TEMPORAL_CLAUSE.search(c)] or clauses
    text = "，".join(c.strip() for c in kept)
    return _TEMPORAL_TAIL.sub("", text).strip() or objective


def _clauses(objective: str) -> list[str]:
    """The separate goals of an objective that names several; none when it names one."""
    parts = [p.strip() for p in _CLAUSE_SPLIT.split(objective)]
    parts = [p for p in parts if len(p) >= 4]
    return parts if len(parts) > 1 else []


def _weight(term: str) -> float:
    """A shared subject (concept group, "#n") weighs as much as two English words; a Chinese
    bigram, often a fragment of a word, two thirds of one (a four-character word, three
    bigrams, weighs as much as two English words)."""
    if term.startswith("#"):
        return 2.0
    return 1.0 if term.isascii() else 2 / 3


def _context_terms(kpi_terms: Sequence[set[str]]) -> set[str]:
    """Words most KPIs of the set share (the product, the channel): they say nothing about
    which objective one KPI serves. Subjects (concept groups) are never context."""
    if len(kpi_terms) < 3:
        return set()  # with one or two KPIs, nothing is "most of the set"
    counts: dict[str, int] = {}
    for terms in kpi_terms:
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    return {
        term
        for term, count in counts.items()
        if count >= 2 and count > len(kpi_terms) / 2 and not term.startswith("#")
    }
