"""A persisted BM25 index: an inverted term-by-passage matrix with precomputed weights."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from assistant.text.tokens import INDEX_TERMS_VERSION, index_term, lexical_tokens

FILTER_FIELDS = ("collection", "doc_type", "language", "access")


@dataclass(frozen=True)
class LexicalRecord:
    id: str
    text: str
    fields: dict[str, str]


class LexicalIndex:
    """BM25 (k1, b) over passages, by stemmed term (``index_term``: a question's "installing"
    finds a passage's "installation"); query cost is one sparse row-sum over the query's
    terms. ``vocabulary`` holds the words as the passages spell them, for the checks that ask
    whether the knowledge base uses a word."""

    def __init__(
        self,
        ids: Sequence[str],
        weights: sparse.csr_matrix,
        vocabulary: dict[str, int],
        fields: dict[str, np.ndarray],
        generation: int,
        surface: dict[str, int],
        lengths: np.ndarray,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.ids = list(ids)
        self._lengths = np.asarray(lengths, dtype=np.float32)
        self._mean_length = max(float(self._lengths.mean()), 1e-6) if len(ids) else 1.0
        self._k1, self._b = k1, b
        self._weights = weights
        self._vocabulary = vocabulary
        self._surface = surface
        self._fields = fields
        self.generation = generation
        self._languages = sorted(set(fields["language"].tolist())) if len(ids) else []

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls, records: Iterable[LexicalRecord], generation: int, k1: float = 1.2, b: float = 0.75
    ) -> LexicalIndex:
        ids: list[str] = []
        vocabulary: dict[str, int] = {}
        surface: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        field_values: dict[str, list[str]] = {name: [] for name in FILTER_FIELDS}
        for doc_index, record in enumerate(records):
            ids.append(record.id)
            tokens = lexical_tokens(record.text)
            lengths.append(len(tokens))
            terms: Counter[str] = Counter()
            for token, count in Counter(tokens).items():
                term = index_term(token)
                terms[term] += count
                vocabulary.setdefault(term, len(vocabulary))
                surface[token] = surface.get(token, 0) + 1
            for term, count in terms.items():
                rows.append(vocabulary[term])
                cols.append(doc_index)
                counts.append(count)
            for name in FILTER_FIELDS:
                field_values[name].append(record.fields.get(name, ""))
        n_docs, n_terms = len(ids), len(vocabulary)
        tf = np.asarray(counts, dtype=np.float32)
        col_index = np.asarray(cols, dtype=np.int64)
        row_index = np.asarray(rows, dtype=np.int64)
        doc_len = np.asarray(lengths, dtype=np.float32)
        avg_len = float(doc_len.mean()) if n_docs else 1.0
        doc_freq = np.bincount(row_index, minlength=n_terms).astype(np.float32)
        idf = np.log1p((n_docs - doc_freq + 0.5) / (doc_freq + 0.5))
        norm = k1 * (1.0 - b + b * doc_len[col_index] / max(avg_len, 1e-6))
        values = idf[row_index] * tf * (k1 + 1.0) / (tf + norm)
        weights = sparse.csr_matrix(
            (values.astype(np.float32), (row_index, col_index)), shape=(n_terms, n_docs)
        )
        fields = {name: np.asarray(vals, dtype=object) for name, vals in field_values.items()}
        return cls(ids, weights, vocabulary, fields, generation, surface, doc_len, k1, b)

    @property
    def vocabulary(self) -> dict[str, int]:
        """The passages' words as spelled (lexical tokens, not stems), each with the number of
        passages that use it."""
        return self._surface

    def has_term(self, word: str) -> bool:
        """Whether a passage uses the word in any of its forms ("performing": "performance")."""
        return index_term(word) in self._vocabulary

    def knows(self, word: str) -> bool:
        """Whether passages use every token of a word or phrase, each in any of its forms (a
        translation "rank" is known from "ranked")."""
        tokens = lexical_tokens(word)
        return bool(tokens) and all(self.has_term(t) for t in tokens)

    def document_frequency(self, word: str) -> int:
        """How many passages use the word as spelled (its forms aside)."""
        return self._surface.get(word, 0)

    def languages(self) -> list[str]:
        return self._languages

    def mask(self, filters: dict[str, Sequence[str]] | None) -> np.ndarray | None:
        """Boolean mask of passages whose fields match every filter (None: no filter)."""
        if not filters:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        for name, allowed in filters.items():
            keep &= np.isin(self._fields[name], list(allowed))
        return keep

    def scores(self, query: str, visible: np.ndarray | None = None) -> np.ndarray:
        """BM25 of every passage. ``visible``: the passages the asker may see; the statistics
        (how many passages use a term, the mean length) are then theirs alone, so that no
        score tells what the hidden passages say."""
        terms = (index_term(t) for t in lexical_tokens(query))
        term_ids = [self._vocabulary[t] for t in terms if t in self._vocabulary]
        if not term_ids or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        if visible is not None and not visible.all():
            return self._visible_scores(term_ids, visible)
        return np.asarray(self._weights[term_ids].sum(axis=0)).ravel()

    def _visible_scores(self, term_ids: list[int], visible: np.ndarray) -> np.ndarray:
        """BM25 as if the index held the visible passages only. Term counts are read back from
        the stored weights (w = idf * tf (k1 + 1) / (tf + norm) is solved for tf)."""
        k1, b = self._k1, self._b
        n_all, avg_all = len(self.ids), self._mean_length
        n_visible = int(visible.sum())
        avg_visible = max(float(self._lengths[visible].mean()), 1e-6) if n_visible else 1.0
        rows = self._weights[term_ids].tocoo()
        df_all = np.diff(self._weights.indptr)[term_ids].astype(np.float64)
        idf_all = np.log1p((n_all - df_all + 0.5) / (df_all + 0.5))
        seen = visible[rows.col]
        row, col = rows.row[seen], rows.col[seen]
        share = rows.data[seen].astype(np.float64) / idf_all[row]  # tf (k1 + 1) / (tf + norm)
        length = self._lengths[col].astype(np.float64)
        norm_all = k1 * (1.0 - b + b * length / avg_all)
        tf = norm_all * share / np.maximum(k1 + 1.0 - share, 1e-9)
        df_visible = np.bincount(row, minlength=len(term_ids)).astype(np.float64)
        idf_visible = np.log1p((n_visible - df_visible + 0.5) / (df_visible + 0.5))
        norm_visible = k1 * (1.0 - b + b * length / avg_visible)
        values = idf_visible[row] * tf * (k1 + 1.0) / (tf + norm_visible)
        return np.bincount(col, weights=values, minlength=n_all).astype(np.float32)

    def search(
        self, query: str, k: int, filters: dict[str, Sequence[str]] | None = None
    ) -> list[tuple[str, float]]:
        filters = dict(filters or {})
        access = filters.pop("access", None)
        visible = self.mask({"access": access}) if access is not None else None
        scores = self.scores(query, visible)
        keep = self.mask(filters)
        if visible is not None:
            keep = visible if keep is None else keep & visible
        if keep is not None:
            scores = np.where(keep, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        top = positive[np.argsort(-scores[positive], kind="stable")[:k]]
        return [(self.ids[i], float(scores[i])) for i in top]

    # -- persistence -------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write atomically: a reader sees the old file or the new one, never half of one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "generation": self.generation,
            "terms": INDEX_TERMS_VERSION,
            "vocabulary": self._vocabulary,
            "surface": self._surface,
            "ids": self.ids,
            "k1": self._k1,
            "b": self._b,
        }
        handle, temp_name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(
                    stream,
                    header=np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
                    data=self._weights.data,
                    indices=self._weights.indices,
                    indptr=self._weights.indptr,
                    shape=np.asarray(self._weights.shape, dtype=np.int64),
                    lengths=self._lengths,
                    **{f"field_{name}": self._fields[name].astype(str) for name in FILTER_FIELDS},
                )
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> LexicalIndex | None:
        """The saved index, or None if there is none, it cannot be read or its terms were
        made another way (an older version: it is rebuilt)."""
        try:
            with np.load(path, allow_pickle=False) as saved:
                header = json.loads(saved["header"].tobytes().decode("utf-8"))
                weights = sparse.csr_matrix(
                    (saved["data"], saved["indices"], saved["indptr"]),
                    shape=tuple(saved["shape"]),
                )
                fields = {name: saved[f"field_{name}"].astype(object) for name in FILTER_FIELDS}
                lengths = saved["lengths"]  # absent from older files: those are rebuilt
        except (OSError, ValueError, KeyError, json.JSONDecodeError):
            return None
        if header.get("terms") != INDEX_TERMS_VERSION:
            return None
        return cls(
            header["ids"],
            weights,
            header["vocabulary"],
            fields,
            header["generation"],
            header["surface"],
            lengths,
            header.get("k1", 1.2),
            header.get("b", 0.75),
        )
