"""Fakes where a fake is the point: hash embeddings that count their work, and services
built on them."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.services import Services, build_services


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


def build(tmp_path: Path, chat_model=None, **overrides):
    settings = Settings(data_dir=tmp_path / "data", embeddings="hash", **overrides)
    return build_services(settings, CountingHashEmbeddings(), chat_model=chat_model)
