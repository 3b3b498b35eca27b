"""The web app for fault tests: a small corpus indexed on hash embeddings, users with known
passwords, the real server (FastAPI + Gradio under uvicorn) on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from gradio_client import Client
from langchain_core.language_models import BaseChatModel

from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.services import build_services
from assistant.ui.context import AppContext
from tests.support.factories import PAYER_MD, PLAYBOOK_MD, TYPOLOGY_ZH_MD, write
from tests.support.servers import client_for, running_server, signed_in, write_users

QUESTION = "What does an outcomes-based contract tie the price to?"


@dataclass
class RunningApp:
    url: str
    ctx: AppContext

    def client(self, user: str = "ada") -> Client:
        return client_for(self.url, user)

    def http(self, user: str = "ada") -> httpx.Client:
        """An HTTP client signed in through Gradio's login form (cookie kept)."""
        return signed_in(self.url, user)


def write_corpus(folder: Path, extra: dict[str, str] | None = None) -> Path:
    write(folder / "payer-value.md", PAYER_MD)
    write(folder / "zh-typology.md", TYPOLOGY_ZH_MD)
    write(folder / "internal" / "escalation.md", PLAYBOOK_MD)
    for name, text in (extra or {}).items():
        write(folder / name, text)
    return folder


@contextmanager
def serve_app(
    root: Path,
    chat_model: BaseChatModel | None = None,
    extra_docs: dict[str, str] | None = None,
    **overrides,
) -> Iterator[RunningApp]:
    """Index a small corpus (plus ``extra_docs``), then serve the app until the block ends.
    Settings not given here or in ``overrides`` come from the environment (``KAM_...``)."""
    corpus = write_corpus(root / "corpus", extra_docs)
    settings = Settings(
        **{
            "data_dir": root / "data",
            "embeddings": "hash",
            "corpus_dir": corpus,
            "evals_dir": root / "evals",
            "users_file": write_users(root / "users.yaml"),
            **overrides,
        }
    )
    services = build_services(settings, HashEmbeddings(), chat_model=chat_model)
    ctx = AppContext.build(services)
    ctx.indexer.start()
    ctx.indexer.wait(120)
    assert "added" in ctx.indexer.state.message, ctx.indexer.state.message
    try:
        with running_server(ctx) as url:
            yield RunningApp(url, ctx)
    finally:
        services.close()
