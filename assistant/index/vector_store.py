"""The dense side of the index: a Chroma collection, embedded (persistent) or on a server."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import EmbeddingFunction

from assistant.embeddings.encoders import NamedEmbeddings
from assistant.errors import StoreUnavailableError
from assistant.index.shared_lock import SharedExclusiveLock

log = logging.getLogger(__name__)


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
        from assistant.embeddings.encoders import build_embeddings

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


def _is_chinese(metadata: dict[str, Any]) -> bool:
    return str(metadata.get("language", "")).startswith("zh")


# HNSW candidates explored per query. At Chroma's default (100), our 40 candidates missed up
# to 3 of the true 40 nearest passages, and which ones changed from process to process (the
# in-memory graph is rebuilt on load): the same question could be answered in one run and
# declined in the next. At 400, all 112 searches of the bundled corpus's questions returned
# the exact 40 in three processes out of three; at 200, one missed one (benchmarks/README.md).
SEARCH_EF = 400


def _widen_search(collection: Any) -> None:
    """Set the search width of a collection made before this setting (with Chroma's
    default); a store that cannot change it keeps searching as it did. A collection that has
    it already is not written to: a reader opening the store while another process ingests
    would wait on the database lock for nothing."""
    try:
        hnsw = (collection.configuration or {}).get("hnsw") or {}
    except Exception:  # an older server without configurations: set it
        hnsw = {}
    if hnsw.get("ef_search") == SEARCH_EF:
        return
    try:
        collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
    except Exception as exc:  # an older server: approximate search, as before
        log.warning("could not set the search width of %s: %s", collection.name, exc)


class VectorStore:
    """Two Chroma collections named after the embedding model: Chinese passages and the rest.
    Searching one language side then needs no metadata filter (a broad filter such as
    ``$nin`` costs about 45x an unfiltered query at 20,000 passages)."""

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
        self._names = {True: f"{self.collection_name}-zh", False: f"{self.collection_name}-other"}
        self._collections: dict[bool, Any] = {}
        # calls share the open client; reopen and reset take it alone (stopping the cached
        # Chroma system under a running query broke that query)
        self._access = SharedExclusiveLock()

    @property
    def location(self) -> str:
        return f"chroma server {self._host}:{self._port}" if self._host else "embedded chroma"

    def _get(self, chinese: bool) -> Any:
        if chinese not in self._collections:
            try:
                client = _client(self._persist_dir, self._host, self._port)
                collection = client.get_or_create_collection(
                    name=self._names[chinese],
                    embedding_function=ChromaEmbeddingAdapter(self._embeddings),
                    configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
                )
            except Exception as exc:
                raise StoreUnavailableError(self._unavailable(exc)) from None
            _widen_search(collection)
            self._collections[chinese] = collection
        return self._collections[chinese]

    def reopen(self) -> None:
        """Forget open handles and, for the embedded store, the cached Chroma system of this
        folder, so the next call reads what another process wrote since."""
        with self._access.exclusive():
            self._reopen()

    def _reopen(self) -> None:
        self._collections.clear()
        if self._host:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        try:
            identifier = _client(self._persist_dir, None, self._port)._identifier
        except Exception as exc:
            raise StoreUnavailableError(self._unavailable(exc)) from None
        system = SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        if system is not None:
            with contextlib.suppress(Exception):
                system.stop()

    def reset(self) -> None:
        """Drop both collections and start empty ones (the caller refills them)."""
        with self._access.exclusive():
            self._reset()

    def _reset(self) -> None:
        try:
            client = _client(self._persist_dir, self._host, self._port)
            for name in self._names.values():
                # absent, or too damaged to delete: recreated below
                with contextlib.suppress(Exception):
                    client.delete_collection(name)
        except Exception as exc:
            raise StoreUnavailableError(self._unavailable(exc)) from None
        self._collections.clear()
        self._get(True)
        self._get(False)

    def _unavailable(self, exc: Exception) -> str:
        """One line for the user: where the store is and what went wrong, no exception dump."""
        text = " ".join(str(exc).split())
        if self._host and ("connect" in text.lower() or isinstance(exc, ConnectionError)):
            reason = "cannot connect; is the server running? Searches work again once it is back"
        else:
            reason = text[:200] or type(exc).__name__
        return f"vector store unavailable ({self.location}): {reason}"

    def _call(self, chinese: bool, method: str, **kwargs: Any) -> Any:
        with self._access.shared():
            return self._call_shared(chinese, method, **kwargs)

    def _call_shared(self, chinese: bool, method: str, **kwargs: Any) -> Any:
        for attempt in (1, 2):
            collection = self._get(chinese)
            try:
                return getattr(collection, method)(**kwargs)
            except Exception as exc:
                stale = "does not exist" in str(exc)
                if self._host or stale:  # drop the handles so the next call reconnects
                    self._collections.clear()
                if stale and attempt == 1:
                    continue  # another process or thread recreated the collection: retry
                raise StoreUnavailableError(self._unavailable(exc)) from None
        raise AssertionError("unreachable")

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, Any]],
        batch_size: int = 2000,
    ) -> None:
        for chinese in (True, False):
            rows = [i for i, meta in enumerate(metadatas) if _is_chinese(meta) == chinese]
            for start in range(0, len(rows), batch_size):
                part = rows[start : start + batch_size]
                self._call(
                    chinese,
                    "upsert",
                    ids=[ids[i] for i in part],
                    embeddings=vectors[part],
                    documents=[documents[i] for i in part],
                    metadatas=[metadatas[i] for i in part],
                )

    def delete(self, ids: Iterable[str], batch_size: int = 2000) -> None:
        id_list = list(ids)
        for start in range(0, len(id_list), batch_size):
            for chinese in (True, False):
                self._call(chinese, "delete", ids=id_list[start : start + batch_size])

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        for chinese in (True, False):
            offset, page = 0, 5000
            while True:
                batch = self._call(chinese, "get", include=[], limit=page, offset=offset)["ids"]
                ids.update(batch)
                if len(batch) < page:
                    break
                offset += page
        return ids

    def count(self) -> int:
        return sum(int(self._call(chinese, "count")) for chinese in (True, False))

    def query(
        self,
        vector: np.ndarray,
        k: int,
        where: dict[str, Any] | None = None,
        chinese: bool | None = None,
    ) -> list[DenseHit]:
        """The k nearest passages; ``chinese`` restricts to one side (None: both, merged)."""
        if k <= 0:
            return []
        sides = (True, False) if chinese is None else (chinese,)
        hits: list[DenseHit] = []
        for side in sides:
            result = self._call(
                side,
                "query",
                query_embeddings=[vector],
                n_results=k,
                where=where or None,
                include=["distances"],
            )
            hits += [
                DenseHit(id=i, similarity=1.0 - float(d))
                for i, d in zip(result["ids"][0], result["distances"][0], strict=True)
            ]
        hits.sort(key=lambda hit: -hit.similarity)
        return hits[:k]
