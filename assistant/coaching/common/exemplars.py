"""Exemplar sentences compared by meaning: each sentence is embedded once (the encoder's vectors
are unit length, so a dot product is the cosine). One cache for the coaches' classifiers and
the role-play matcher."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from assistant.embeddings.encoders import NamedEmbeddings

CACHE_LIMIT = 4096  # sentences kept; past it the cache starts again


class ExemplarVectors:
    """Vectors of sentences, embedded on first use and kept (thread-safe, bounded)."""

    def __init__(self, encoder: NamedEmbeddings, limit: int = CACHE_LIMIT) -> None:
        self._encoder = encoder
        self._limit = limit
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order; the texts not seen before are embedded in one batch."""
        with self._lock:
            known = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self._encoder.embed_array(missing), strict=True))
            known.update(fresh)
            with self._lock:
                if len(self._vectors) + len(fresh) > self._limit:
                    self._vectors.clear()
                self._vectors.update(fresh)
        return np.stack([known[t] for t in texts])

    def best_cosine(self, exemplars: Sequence[str], vector: np.ndarray) -> float:
        """The highest cosine between ``vector`` and any of ``exemplars``."""
        return float(np.max(self.vectors(exemplars) @ vector))
