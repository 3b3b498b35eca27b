"""The dense side of the index: a Chroma collection, embedded (persistent) or on a server."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import EmbeddingFunction

from assistant.embeddings import NamedEmbeddings
from assistant.errors import StoreUnavailableError


class ChromaEmbeddingAdapter(EmbeddingFunction):
    """Hands Chroma our embedding model, so it never falls back to its own (which downloads)."""

    def __init__(self, embeddings: NamedEmbeddings) -> None:
        self._embeddings = embeddings

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 (chroma's name)
        return list(self._embeddings.embed_array(list(input)))

    @staticmethod
    def name() -> str:
        return "kamcoach"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embeddings.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingAdapter:
        from assistant.embeddings import build_embeddings

        return ChromaEmbeddingAdapter(build_embeddings(config.get("model", "use")))

    def default_space(self) -> str:
        return "cosine"


@dataclass(frozen=True)
class DenseHit:
    id: str
    similarity: float


def _client(persist_dir: Path | None, host: str | None, port: int) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    assert persist_dir is not None
    persist_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(persist_dir), settings=chroma_settings)


class VectorStore:
    """Thin wrapper over one Chroma collection named after the embedding model."""

    def __init__(
        self,
        embeddings: NamedEmbeddings,
        persist_dir: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        namespace: str = "kamcoach",
    ) -> None:
        self._embeddings = embeddings
        self._persist_dir = persist_dir
        self._host = host
        self._port = port
        safe_model = embeddings.name.replace("+", "-")
        self.collection_name = f"{namespace}-{safe_model}-{embeddings.dimension}"
        self._collection: Any | None = None

    @property
    def location(self) -> str:
        return f"chroma server {self._host}:{self._port}" if self._host else "embedded chroma"

    def _get(self) -> Any:
        if self._collection is None:
            try:
                client = _client(self._persist_dir, self._host, self._port)
                self._collection = client.get_or_create_collection(
                    name=self.collection_name,
                    embedding_function=ChromaEmbeddingAdapter(self._embeddings),
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except Exception as exc:
                raise StoreUnavailableError(self._unavailable(exc)) from None
        return self._collection

    def reset(self) -> None:
        """Drop the collection and start an empty one (the caller refills it)."""
        try:
            client = _client(self._persist_dir, self._host, self._port)
            try:
                client.delete_collection(self.collection_name)
            except Exception:  # absent, or too damaged to delete: recreated below
                pass
        except Exception as exc:
            raise StoreUnavailableError(self._unavailable(exc)) from None
        self._collection = None
        self._get()

    def _unavailable(self, exc: Exception) -> str:
        return f"vector store unavailable ({self.location}): {type(exc).__name__}: {exc}"

    def _call(self, method: str, **kwargs: Any) -> Any:
        collection = self._get()
        try:
            return getattr(collection, method)(**kwargs)
        except Exception as exc:
            if self._host:  # drop the handle so the next call reconnects
                self._collection = None
            raise StoreUnavailableError(self._unavailable(exc)) from None

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        batch_size: int = 2000,
    ) -> None:
        for start in range(0, len(ids), batch_size):
            end = start + batch_size
            self._call(
                "upsert",
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(documents[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    def delete(self, ids: Iterable[str], batch_size: int = 2000) -> None:
        id_list = list(ids)
        for start in range(0, len(id_list), batch_size):
            self._call("delete", ids=id_list[start : start + batch_size])

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset, page = 0, 5000
        while True:
            result = self._call("get", include=[], limit=page, offset=offset)
            batch = result["ids"]
            ids.update(batch)
            if len(batch) < page:
                return ids
            offset += page

    def count(self) -> int:
        return int(self._call("count"))

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[DenseHit]:
        if k <= 0:
            return []
        result = self._call(
            "query",
            query_embeddings=[vector],
            n_results=k,
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [DenseHit(id=i, similarity=1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
