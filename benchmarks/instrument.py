"""Timing wrappers for the index's embeddings and vector store, to see where ingest time goes."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.embeddings.encoders import NamedEmbeddings


class TimedEmbeddings(NamedEmbeddings):
    """Delegates to ``inner`` and adds up the seconds and texts of every ``embed_array``."""

    def __init__(self, inner: NamedEmbeddings) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.texts = 0

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.embed_array(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)

    def reset(self) -> None:
        self.seconds, self.texts = 0.0, 0


class TimedVectorStore:
    """Delegates every attribute to a ``VectorStore``; times ``upsert`` (the store writes)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.upsert_seconds = 0.0
        self.upserted = 0

    def upsert(self, ids: Sequence[str], *args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            self.inner.upsert(ids, *args, **kwargs)
        finally:
            self.upsert_seconds += time.perf_counter() - started
            self.upserted += len(ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
