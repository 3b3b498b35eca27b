"""The multilingual encoder remembers short texts' vectors: the same vectors, in the caller's
order, bounded, and never for long texts (chunks being ingested)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings.encoders import _LONGEST_REMEMBERED, USEEmbeddings, _VectorMemory


def test_memory_keeps_the_most_recently_used_and_forgets_the_oldest() -> None:
    memory = _VectorMemory(2)
    memory.keep({"a": np.ones(3, dtype=np.float32), "b": np.zeros(3, dtype=np.float32)})
    assert set(memory.recall(["a"])) == {"a"}  # "a" is now the most recently used
    memory.keep({"c": np.full(3, 2.0, dtype=np.float32)})
    assert set(memory.recall(["a", "b", "c"])) == {"a", "c"}


def test_memory_of_size_zero_keeps_nothing_and_long_texts_are_not_kept() -> None:
    none = _VectorMemory(0)
    none.keep({"a": np.ones(3, dtype=np.float32)})
    assert none.recall(["a"]) == {}
    memory = _VectorMemory(10)
    long_text = "x" * (_LONGEST_REMEMBERED + 1)
    memory.keep({long_text: np.ones(3, dtype=np.float32)})
    assert memory.recall([long_text]) == {}


def test_a_kept_vector_is_a_read_only_copy() -> None:
    batch = np.ones((2, 3), dtype=np.float32)
    memory = _VectorMemory(5)
    memory.keep({"a": batch[0]})
    batch[0, 0] = 7.0
    kept = memory.recall(["a"])["a"]
    assert kept[0] == 1.0
    with pytest.raises(ValueError):
        kept[0] = 3.0


@pytest.mark.integration
def test_remembered_vectors_equal_fresh_ones_in_the_callers_order() -> None:
    texts = ["Key accounts need a plan.", "關鍵客戶需要計畫。", "Key accounts need a plan."]
    fresh = USEEmbeddings(remembered=0).embed_array(texts)
    encoder = USEEmbeddings()
    first = encoder.embed_array(texts[:2])
    again = encoder.embed_array(list(reversed(texts)))  # all remembered now
    assert np.allclose(first, fresh[:2], atol=1e-6)
    assert np.allclose(again, fresh[::-1], atol=1e-6)
    assert np.allclose(again[0], again[2])
