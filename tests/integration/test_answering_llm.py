"""The answer service against a real llama.cpp server (SmolLM2-135M via xllamacpp), through the
real OpenAI-compatible client: streaming, app-assigned citations, and the fallback when the
server goes away."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.llm import build_chat_model, stop_local_servers
from assistant.services import build_services
from tests.support.factories import INJECTION_MD, write
from tests.support.fakes import CountingHashEmbeddings

pytestmark = pytest.mark.integration


@pytest.fixture
def llm_services(local_settings: Settings, small_corpus: Path, tmp_path: Path):  # noqa: F811
    write(small_corpus / "formulary.md", INJECTION_MD)
    settings = local_settings.model_copy(
        update={"data_dir": tmp_path / "data", "embeddings": "hash", "llm_max_tokens": 60}
    )
    services = build_services(settings, CountingHashEmbeddings())
    services.ingestor.ingest([small_corpus], "kb")
    yield services
    services.close()


def test_real_model_streams_and_app_cites(llm_services) -> None:
    events = list(
        llm_services.answers.stream("What does an outcomes-based contract tie the price to?")
    )
    answer = events[-1].answer
    assert sum(e.kind == "delta" for e in events) > 1, "tokens must stream"
    assert not answer.abstained and not answer.refused
    # Whatever the small model wrote, what is shown is supported and cited by the app.
    assert answer.citations
    shown = {p.id for p in answer.passages}
    assert all(c.passage.id in shown for c in answer.citations)
    assert answer.mode.startswith("local") or answer.mode == "extractive"


def test_prompt_injection_in_a_document_changes_nothing(llm_services) -> None:
    answer = llm_services.answers.answer("What does an outcomes-based contract tie the price to?")
    assert all(c.passage.source != "formulary.md" for c in answer.citations)


def test_server_stopped_gives_message_and_extractive_answer(llm_services, local_settings) -> None:  # noqa: F811
    stop_local_servers()
    answer = llm_services.answers.answer("What does an outcomes-based contract tie the price to?")
    assert answer.mode == "extractive"
    assert answer.notice and "not reachable" in answer.notice
    assert answer.citations
    # The next model built from the same settings works again (a fresh server).
    assert build_chat_model(local_settings) is not None
