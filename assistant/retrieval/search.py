"""Hybrid retrieval: dense (Chroma) + lexical (BM25), fused, filtered, access-aware."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from langchain_core.documents import Document

from assistant.errors import StoreUnavailableError
from assistant.index.knowledge_index import KnowledgeIndex, shown_title
from assistant.retrieval.fusion import reciprocal_rank_fusion, weighted_score_fusion, zscore_fusion
from assistant.text.language import detect_language, is_chinese
from assistant.text.translation import TermTranslator, vocabulary_check

SearchMode = Literal["hybrid", "dense", "lexical"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchFilters:
    """Restrict a search. Empty tuples mean 'any'."""

    collections: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    access: tuple[str, ...] = ()

    def as_fields(self) -> dict[str, tuple[str, ...]]:
        pairs = {
            "collection": self.collections,
            "doc_type": self.doc_types,
            "language": self.languages,
            "access": self.access,
        }
        return {name: values for name, values in pairs.items() if values}

    def chroma_where(self) -> dict[str, Any] | None:
        clauses = [{name: {"$in": list(values)}} for name, values in self.as_fields().items()]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class SearchResults(list):
    """Passages, best first; ``dense_unavailable`` when the vector store was down and only the
    lexical index was searched."""

    def __init__(self, passages=(), dense_unavailable: bool = False) -> None:
        super().__init__(passages)
        self.dense_unavailable = dense_unavailable


@dataclass(frozen=True)
class Passage:
    """A retrieved passage with everything needed to cite it."""

    id: str
    text: str
    score: float
    source: str
    title: str
    section: str
    page: int | None
    language: str
    doc_type: str
    access: str
    dense_score: float | None = None
    lexical_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("meta")
        return data

    @property
    def shown_title(self) -> str:
        """The title readers see: a file named by a code shows its text's title line."""
        return shown_title(self.meta, self.title)

    def location(self) -> dict[str, Any]:
        """Where the passage stands: what a citation shows."""
        return {
            "source": self.source,
            "page": self.page,
            "section": self.section,
            "title": self.shown_title,
        }

    def to_document(self) -> Document:
        return Document(page_content=self.text, metadata={**self.meta, "score": self.score})


class HybridSearcher:
    """Search over a ``KnowledgeIndex``; only passages the manifest has committed are returned,
    so an ingest in progress (or killed) never shows half-written state."""

    def __init__(
        self,
        index: KnowledgeIndex,
        fusion: str = "rrf",
        dense_weight: float = 0.5,
        candidates: int = 40,
        cross_lingual_weight: float = 1.0,
        translator: TermTranslator | None = None,
        max_per_source: int = 0,
        shared_scale: bool = False,
        full_vector_across: bool = False,
        monolingual_share: float | None = None,
        gloss_share: float = 0.0,
    ) -> None:
        self._index = index
        self._gloss_share = gloss_share
        self._monolingual_share = monolingual_share
        self._shared_scale = shared_scale
        self._full_vector_across = full_vector_across
        self._fusion = fusion
        self._dense_weight = dense_weight
        self._candidates = candidates
        self._cross_weight = cross_lingual_weight
        self._translator = translator
        self._max_per_source = max_per_source

    @property
    def index(self) -> KnowledgeIndex:
        return self._index

    @property
    def translator(self) -> TermTranslator | None:
        return self._translator

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        max_per_source: int | None = None,
    ) -> list[Passage]:
        """The ``k`` best passages, at most ``max_per_source`` of one document (the searcher's
        own limit when None; 0: any)."""
        query = query.strip()
        if not query or k <= 0:
            return []
        filters = filters or SearchFilters()
        pool = max(self._candidates, k)
        query_chinese = is_chinese(detect_language(query))
        rankings: list[list[tuple[str, float]]] = []
        weights: list[float] = []
        dense_scores: dict[str, float] = {}
        lexical_scores: dict[str, float] = {}
        dense_unavailable = False
        if mode == "hybrid":
            try:
                same, cross = self._dense(query, query_chinese, pool, filters)
            except StoreUnavailableError as exc:
                # The vector store is down: answer from the lexical index, and say so.
                log.warning("vector store unavailable, searching lexically: %s", exc)
                dense_unavailable, mode = True, "lexical"
        elif mode == "dense":
            same, cross = self._dense(query, query_chinese, pool, filters)
        if mode in ("hybrid", "dense"):
            rankings += [same, cross]
            share = self._dense_weight if self._fusion != "rrf" else 1.0
            weights += [share, share * self._cross_weight]
            dense_scores = {**dict(cross), **dict(same)}
        if mode in ("hybrid", "lexical"):
            same, cross = self._lexical(query, query_chinese, pool, filters)
            rankings += [same, cross]
            share = 1.0 - self._dense_weight if self._fusion != "rrf" else 1.0
            weights += [share, share * self._cross_weight]
            lexical_scores = {**dict(cross), **dict(same)}
        # one scale per retriever over both languages (see weighted_score_fusion)
        groups = [i // 2 for i in range(len(rankings))] if self._shared_scale else None
        if self._fusion == "weighted" and mode == "hybrid":
            fused = weighted_score_fusion(rankings, weights, groups)
        elif self._fusion == "zscore" and mode == "hybrid":
            fused = zscore_fusion(rankings, weights, groups)
        else:
            fused = reciprocal_rank_fusion(rankings, weights)
        # Read passages for the best of the fused list, widening the window while one
        # document's many near-identical chunks leave too few others to diversify over.
        window = max(k * 4, 20)
        per_source = self._max_per_source if max_per_source is None else max_per_source
        while True:
            passages = self._passages(fused[:window], dense_scores, lexical_scores)
            if window >= len(fused) or _enough_sources(passages, k, per_source):
                return SearchResults(diversify(passages, k, per_source), dense_unavailable)
            window *= 2

    def candidate_lists(
        self, query: str, filters: SearchFilters | None = None
    ) -> list[list[tuple[str, float]]]:
        """The four rankings hybrid search fuses (dense in the question's language, dense in
        the other, lexical as written, lexical translated), for benchmarks that study
        fusion."""
        filters = filters or SearchFilters()
        query_chinese = is_chinese(detect_language(query))
        dense = self._dense(query, query_chinese, self._candidates, filters)
        lexical = self._lexical(query, query_chinese, self._candidates, filters)
        return [*dense, *lexical]

    def sources_using(
        self, word: str, filters: SearchFilters | None = None, most: int = 50
    ) -> dict[str, int] | None:
        """The documents (sources) whose passages use ``word`` in any of its forms, among the
        passages ``filters`` lets through, each with how many of its passages do; None when
        more than ``most`` passages use it (a common word singles out no document)."""
        found = self._index.lexical().search(
            word, most + 1, (filters or SearchFilters()).as_fields()
        )
        if len(found) > most:
            return None
        chunks = self._index.chunks([chunk_id for chunk_id, _ in found])
        return dict(Counter(str(c.meta.get("source", "")) for c in chunks))

    def _lexical(
        self, query: str, query_chinese: bool, pool: int, filters: SearchFilters
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """BM25 for the query as written, and for its translations (glossary, dictionary)
        alone over the passages in the other language."""
        lexical = self._index.lexical()
        fields = filters.as_fields()
        same = lexical.search(query, pool, fields)
        translations = (
            self._translator.translations(query, vocabulary_check(lexical.vocabulary))
            if self._translator
            else []
        )
        if not translations:
            return same, []
        other = tuple(lang for lang in lexical.languages() if is_chinese(lang) != query_chinese)
        wanted = filters.languages
        allowed = tuple(lang for lang in other if not wanted or lang in wanted)
        if not allowed:
            return same, []
        cross = lexical.search(" ".join(translations), pool, {**fields, "language": allowed})
        return same, cross

    def _dense(
        self, query: str, query_chinese: bool, pool: int, filters: SearchFilters
    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """Rank the query's own language and the other language apart: the cross-lingual
        ranking uses only the models that read both languages, and keeps passages in the
        other language from being crowded out by a model's same-language bias."""
        self._index.ensure_vectors()
        committed = self._index.committed_ids()
        # An English question meets English passages with the English model weighing
        # ``monolingual_share`` (Settings.english_model_share); other pairs by the
        # multilingual model alone. A Chinese question may be read by the English model too,
        # against English passages, in its word-by-word English gloss (the multilingual model
        # alone finds a Chinese question's English answer late): its full vector is that mix.
        gloss = self._gloss(query) if query_chinese and self._gloss_share > 0 else ""
        share = self._gloss_share if gloss else self._monolingual_share
        full, multilingual = self._index.embeddings.query_vectors(query, share, gloss or None)
        own_vector = multilingual if query_chinese else full
        # An English question may also be read by the English model against Chinese passages,
        # for the English terms they carry (a measured lever, off by default).
        across = full if gloss or (self._full_vector_across and not query_chinese) else multilingual
        rankings = []
        for chinese_side, vector in (
            (query_chinese, own_vector),
            (not query_chinese, across),
        ):
            allowed = filters.languages
            if allowed and not any(is_chinese(lang) == chinese_side for lang in allowed):
                rankings.append([])
                continue
            if not self._index.embeddings.multilingual and chinese_side != query_chinese:
                rankings.append([])
                continue
            hits = self._index.dense_search(
                np.asarray(vector, dtype=np.float32), pool, filters.chroma_where(), chinese_side
            )
            # A vector restricted to the multilingual members has a norm below 1 and its cosine
            # similarities shrink with it; divided by the norm they read as those members'
            # own cosine, on the scale of the full vector's (one scale for both languages).
            scale = 1.0
            if self._shared_scale:
                scale = 1.0 / max(float(np.linalg.norm(vector)), 1e-6)
            rankings.append([(h.id, h.similarity * scale) for h in hits if h.id in committed])
        return rankings[0], rankings[1]

    def _gloss(self, query: str) -> str:
        if self._translator is None or not self._index.embeddings.multilingual:
            return ""
        return self._translator.gloss(query)

    def _passages(
        self,
        ranked: Sequence[tuple[str, float]],
        dense: dict[str, float],
        lexical: dict[str, float],
    ) -> list[Passage]:
        records = {c.id: c for c in self._index.chunks([i for i, _ in ranked])}
        passages = []
        for chunk_id, score in ranked:
            record = records.get(chunk_id)
            if record is None:
                continue
            meta = record.meta
            passages.append(
                Passage(
                    id=chunk_id,
                    text=record.text,
                    score=round(float(score), 6),
                    source=meta.get("source", ""),
                    title=meta.get("title", ""),
                    section=meta.get("section", ""),
                    page=meta.get("page"),
                    language=meta.get("language", ""),
                    doc_type=meta.get("doc_type", ""),
                    access=meta.get("access", "public"),
                    dense_score=dense.get(chunk_id),
                    lexical_score=lexical.get(chunk_id),
                    meta=meta,
                )
            )
        return passages


def _enough_sources(passages: list[Passage], k: int, max_per_source: int) -> bool:
    """Whether ``k`` passages can be chosen with at most ``max_per_source`` per document."""
    if max_per_source <= 0:
        return len(passages) >= k
    per_source: dict[str, int] = {}
    for passage in passages:
        per_source[passage.source] = per_source.get(passage.source, 0) + 1
    return sum(min(n, max_per_source) for n in per_source.values()) >= k


def diversify(passages: list[Passage], k: int, max_per_source: int) -> list[Passage]:
    """Keep the ranking but allow at most ``max_per_source`` passages of one document in the
    first ``k`` (0: no limit); if too few documents match, the overflow fills the rest."""
    if max_per_source <= 0:
        return passages[:k]
    chosen: list[Passage] = []
    overflow: list[Passage] = []
    per_source: dict[str, int] = {}
    for passage in passages:
        if per_source.get(passage.source, 0) < max_per_source:
            per_source[passage.source] = per_source.get(passage.source, 0) + 1
            chosen.append(passage)
        else:
            overflow.append(passage)
        if len(chosen) == k:
            break
    return (chosen + overflow)[:k]
