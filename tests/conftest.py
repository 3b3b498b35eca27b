from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.offline import go_offline
from assistant.services import Services, build_services
from tests.factories import PAYER_MD, PLAYBOOK_MD, TYPOLOGY_ZH_MD, write

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


class CountingHashEmbeddings(HashEmbeddings):
    """Hash embeddings that count how many texts they embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_array(self, texts):
        self.embedded += len(texts)
        return super().embed_array(texts)


def make_services(data_dir: Path, **overrides) -> tuple[Services, CountingHashEmbeddings]:
    embeddings = CountingHashEmbeddings()
    settings = Settings(data_dir=data_dir, embeddings="hash", **overrides)
    return build_services(settings, embeddings), embeddings


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
