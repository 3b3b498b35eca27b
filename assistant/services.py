"""Build every service once from settings; the CLI and the UI share them."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.config import Settings
from assistant.embeddings import NamedEmbeddings, build_embeddings
from assistant.glossary import Glossary
from assistant.index import KnowledgeIndex
from assistant.ingest import Ingestor
from assistant.retrieval import HybridSearcher
from assistant.vectorstore import VectorStore


@dataclass
class Services:
    settings: Settings
    index: KnowledgeIndex
    ingestor: Ingestor
    searcher: HybridSearcher

    def close(self) -> None:
        self.index.manifest.close()


def build_services(settings: Settings, embeddings: NamedEmbeddings | None = None) -> Services:
    """Wire the services. Models load lazily, on first use."""
    embeddings = embeddings or build_embeddings(settings.embeddings, settings.torch_threads)
    store_dir = settings.store_dir()
    vectors = VectorStore(
        embeddings,
        persist_dir=None if settings.chroma_host else store_dir / "chroma",
        host=settings.chroma_host,
        port=settings.chroma_port,
    )
    index = KnowledgeIndex(store_dir, embeddings, vectors)
    ingestor = Ingestor(index, settings.chunk_tokens, settings.max_file_mb)
    searcher = HybridSearcher(
        index, settings.fusion, settings.dense_weight, settings.candidates,
        settings.cross_lingual_weight, Glossary.load(settings.glossary_path),
        settings.max_per_source,
    )
    return Services(settings, index, ingestor, searcher)
