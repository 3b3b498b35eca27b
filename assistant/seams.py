"""The seams between stages: what a consumer needs of the embedding model and of the searcher.

Answering, coaching and the UI depend on these Protocols rather than on the concrete classes
(``assistant.embeddings.encoders.NamedEmbeddings``, ``assistant.retrieval.search.HybridSearcher``),
so a test can hand them a small fake and a new implementation only has to match the shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from assistant.index.knowledge_index import KnowledgeIndex
    from assistant.retrieval.search import Passage, SearchFilters, SearchMode


@runtime_checkable
class Embedder(Protocol):
    """A text embedding model as the index, answering and coaching use it: unit-length
    vectors, one row per text."""

    name: str
    dimension: int
    multilingual: bool

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text."""
        ...

    def query_vectors(
        self,
        text: str,
        monolingual_share: float | None = None,
        monolingual_text: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The full query vector, and the one restricted to members that read across
        languages (the same vector twice for a single model). ``monolingual_share``: the share
        of the single-language members in the full vector's similarity (None: as indexed);
        ``monolingual_text``: what those members read instead of ``text``."""
        ...

    def sentence_model(self) -> Embedder:
        """The fastest member that reads across languages (for scoring short sentences)."""
        ...

    def warm_up(self) -> None:
        """Load the model now, so that the first question is not the slow one."""
        ...


@runtime_checkable
class Searcher(Protocol):
    """Passage search over the knowledge index, as answering, coaching and the UI use it."""

    @property
    def index(self) -> KnowledgeIndex:
        """The index searched (for the abstention checks and the index's statistics)."""
        ...

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        max_per_source: int | None = None,
    ) -> list[Passage]:
        """The k best committed passages for the query, within the filters, at most
        ``max_per_source`` of one document (None: the searcher's own limit)."""
        ...

    def sources_using(
        self, word: str, filters: SearchFilters | None = None, most: int = 50
    ) -> dict[str, int] | None:
        """The documents whose passages (within the filters) use the word, each with how many
        of its passages do; None when more than ``most`` passages do."""
        ...
