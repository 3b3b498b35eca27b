"""MiniLM through ONNX Runtime with int8 weights, made from the packaged model, against the
torch model it was made from (real models, no network)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.embeddings.encoders import MiniLMEmbeddings, OnnxMiniLMEmbeddings, build_embeddings
from assistant.embeddings.onnx_int8 import quantized_model_path

pytestmark = pytest.mark.integration

SENTENCES = [
    "Why are default values shared between objects?",
    "A regional payer wants a budget impact model over three years.",
    "Escalate a disputed tender award to the national account director.",
    "The hospital formulary committee meets every quarter.",
    "short",
    "word " * 400,  # longer than the 256 tokens the model reads
]


@pytest.fixture(scope="module")
def pair(model_cache: Path) -> tuple[np.ndarray, np.ndarray]:
    onnx = OnnxMiniLMEmbeddings(model_cache).embed_array(SENTENCES)
    torch = MiniLMEmbeddings().embed_array(SENTENCES)
    return onnx, torch


def test_int8_vectors_stay_close_to_the_torch_model(pair) -> None:
    onnx, torch = pair
    assert onnx.shape == torch.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    agreement = (onnx * torch).sum(axis=1)
    assert agreement.min() > 0.97 and agreement.mean() > 0.985, agreement


def test_int8_vectors_rank_like_the_torch_model(pair) -> None:
    onnx, torch = pair
    query_onnx, query_torch = onnx[:4], torch[:4]
    order_onnx = np.argsort(-(query_onnx @ onnx[:4].T), axis=1)
    order_torch = np.argsort(-(query_torch @ torch[:4].T), axis=1)
    assert (order_onnx[:, :2] == order_torch[:, :2]).all()


def test_vectors_keep_the_order_of_the_texts(model_cache: Path) -> None:
    """Texts are batched by length inside; each row must still belong to its own text.
    (Activations are quantised per batch, so a text's vector moves slightly with the texts
    it is batched with: the same text agrees with itself at about 0.99, not exactly; on a CPU
    without VNNI instructions (an AMD EPYC with AVX2 only, session 21) "short" came to 0.973.
    Different texts stay under 0.7.)"""
    embeddings = OnnxMiniLMEmbeddings(model_cache, batch_size=2)
    together = embeddings.embed_array(SENTENCES)
    alone = np.vstack([embeddings.embed_array([text]) for text in SENTENCES])
    similarity = together @ alone.T
    assert (similarity.argmax(axis=1) == np.arange(len(SENTENCES))).all()
    assert similarity.diagonal().min() > 0.95, similarity.diagonal()
    assert (similarity - np.diag(similarity.diagonal())).max() < 0.7
    assert embeddings.embed_array([]).shape == (0, 384)


def test_model_file_is_made_once_and_reused(model_cache: Path) -> None:
    path = quantized_model_path(model_cache)
    made = path.stat().st_mtime_ns
    assert quantized_model_path(model_cache) == path and path.stat().st_mtime_ns == made
    assert [p.name for p in model_cache.iterdir() if p.name.startswith(".onnx-build")] == []


def test_settings_choose_the_runtime(tmp_path: Path) -> None:
    assert Settings().encoder_runtime == "onnx-int8"
    assert build_embeddings("ensemble", None, "onnx-int8", tmp_path).name == "minilm-int8+use"
    assert build_embeddings("ensemble", 1, "torch").name == "minilm+use"
    with pytest.raises(ValueError, match="needs a folder"):
        build_embeddings("minilm", None, "onnx-int8")
    with pytest.raises(ValueError, match="unknown encoder runtime"):
        build_embeddings("minilm", None, "tpu")
