"""KAM Coach's hybrid search as a LangChain retriever: use the knowledge base, with a user's
access filter, inside your own chains and agents.

    from assistant.config import Settings
    from assistant.retrieval.langchain_retriever import KamRetriever
    from assistant.retrieval.search import SearchFilters
    from assistant.services import build_services

    services = build_services(Settings())
    retriever = KamRetriever(
        searcher=services.searcher, k=4, filters=SearchFilters(access=("public",))
    )
    chain = retriever | (lambda docs: "\n\n".join(d.page_content for d in docs))
    context = chain.invoke("What evidence does a P&T committee need?")

Each ``Document`` carries the passage's source, title, section, page, language, access and
score in its metadata, so a chain can cite what it used."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval.search import HybridSearcher, SearchFilters


class KamRetriever(BaseRetriever):
    """LangChain adapter over ``HybridSearcher`` for chains and agents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: HybridSearcher
    k: int = 5
    filters: SearchFilters = SearchFilters()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [p.to_document() for p in self.searcher.search(query, self.k, self.filters)]
