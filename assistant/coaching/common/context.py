"""What every coach needs from the rest of the app, built once from ``Services``."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from assistant.prompts import PromptLibrary
from assistant.retrieval.search import SearchFilters
from assistant.seams import Embedder, Searcher


@dataclass
class CoachContext:
    """``encoder`` reads across languages (for scoring short sentences); ``chat_model`` is None
    offline; ``filters`` restrict the knowledge-base passages a coach may cite (the caller's
    access rights)."""

    searcher: Searcher
    encoder: Embedder
    library: PromptLibrary
    chat_model: BaseChatModel | None = None
    filters: SearchFilters | None = None
