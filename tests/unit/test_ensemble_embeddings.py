"""The ensemble's query vectors: the members' shares at query time."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant.embeddings.encoders import EnsembleEmbeddings, NamedEmbeddings


class _Fixed(NamedEmbeddings):
    """A member that gives each text a fixed unit vector."""

    def __init__(self, name: str, vectors: dict[str, list[float]], multilingual: bool) -> None:
        self.name = name
        self.dimension = len(next(iter(vectors.values())))
        self.multilingual = multilingual
        self._vectors = {
            t: np.asarray(v, np.float32) / np.linalg.norm(v) for t, v in vectors.items()
        }

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._vectors[t] for t in texts])


ENGLISH = {"q": [1.0, 0.2, 0.0], "a": [1.0, 0.0, 0.0], "b": [0.0, 1.0, 1.0]}
MULTI = {"q": [0.0, 1.0], "a": [1.0, 0.2], "b": [0.1, 1.0]}


def _ensemble() -> EnsembleEmbeddings:
    return EnsembleEmbeddings(
        [_Fixed("en", ENGLISH, False), _Fixed("multi", MULTI, True)], [0.5, 0.5]
    )


def _cosine(member: dict[str, list[float]], passage: str, query: str = "q") -> float:
    q, p = (np.asarray(member[t]) / np.linalg.norm(member[t]) for t in (query, passage))
    return float(q @ p)


def test_without_a_share_the_query_vector_is_the_indexed_one() -> None:
    ensemble = _ensemble()
    full, restricted = ensemble.query_vectors("q")
    np.testing.assert_allclose(full, ensemble.embed_array(["q"])[0], atol=1e-6)
    assert np.linalg.norm(full) == pytest.approx(1.0, abs=1e-6)
    # the restricted vector keeps the multilingual member alone
    assert not restricted[:3].any() and restricted[3:].any()


@pytest.mark.parametrize("share", [0.0, 0.3, 0.7, 1.0])
def test_the_share_weighs_the_members_similarities(share: float) -> None:
    ensemble = _ensemble()
    passages = ensemble.embed_array(["a", "b"])
    full, restricted = ensemble.query_vectors("q", share)
    similarities = passages @ full
    wanted = np.array(
        [share * _cosine(ENGLISH, p) + (1 - share) * _cosine(MULTI, p) for p in ("a", "b")]
    )
    # one positive factor apart (the query vector has unit length)
    ratio = similarities / wanted
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-5)
    assert ratio[0] > 0
    np.testing.assert_allclose(restricted, ensemble.query_vectors("q")[1], atol=1e-6)


def test_the_share_decides_the_order() -> None:
    ensemble = _ensemble()
    passages = ensemble.embed_array(["a", "b"])
    # the English member prefers a, the multilingual one b
    english_first = passages @ ensemble.query_vectors("q", 0.9)[0]
    multi_first = passages @ ensemble.query_vectors("q", 0.1)[0]
    assert english_first[0] > english_first[1]
    assert multi_first[1] > multi_first[0]


def test_the_english_member_may_read_another_text() -> None:
    """A Chinese question's English gloss: the English member reads it, the multilingual member
    the question itself, each at its share."""
    ensemble = _ensemble()
    passages = ensemble.embed_array(["a", "b"])
    full, restricted = ensemble.query_vectors("q", 0.6, monolingual_text="b")
    similarities = passages @ full
    wanted = np.array([0.6 * _cosine(ENGLISH, p, "b") + 0.4 * _cosine(MULTI, p) for p in "ab"])
    ratio = similarities / wanted  # one positive factor apart (unit-length query vector)
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-5)
    assert ratio[0] > 0
    # reading "b", the English member now prefers b, which the question's own vector does not
    own = passages @ ensemble.query_vectors("q", 0.6)[0]
    assert similarities[1] > similarities[0] and own[0] > own[1]
    # the restricted vector is the question's, as before
    np.testing.assert_allclose(restricted, ensemble.query_vectors("q")[1], atol=1e-6)
