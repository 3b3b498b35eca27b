"""The index against a real Chroma server started on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import StoreUnavailableError
from tests.support.chroma_server import ChromaServer
from tests.support.consistency import assert_consistent
from tests.support.fakes import make_services

pytestmark = pytest.mark.integration


@pytest.fixture
def server(tmp_path: Path):
    running = ChromaServer(tmp_path / "chroma-server").start()
    yield running
    running.stop()


def test_ingest_and_search_through_server(
    server: ChromaServer, tmp_path: Path, small_corpus
) -> None:
    services, _ = make_services(tmp_path / "data", chroma_host="127.0.0.1", chroma_port=server.port)
    assert "server" in services.index.vectors.location
    report = services.ingestor.ingest([small_corpus], "kb")
    assert len(report.added) == 3
    hits = services.searcher.search("outcomes-based contract", 3)
    assert hits[0].source == "payer-value.md"
    assert services.index.vectors.count() == services.index.manifest.chunk_count()
    assert_consistent(services)
    services.close()


def test_server_down_gives_clear_error_then_recovers(tmp_path: Path, small_corpus) -> None:
    server = ChromaServer(tmp_path / "chroma-server").start()
    services, _ = make_services(tmp_path / "data", chroma_host="127.0.0.1", chroma_port=server.port)
    services.ingestor.ingest([small_corpus], "kb")
    assert services.searcher.search("payer", 2)
    server.stop()
    with pytest.raises(StoreUnavailableError, match="chroma server 127.0.0.1"):
        services.searcher.search("outcomes-based contract", 2, mode="dense")
    restarted = ChromaServer(server.path, port=server.port).start()
    try:
        hits = services.searcher.search("outcomes-based contract", 2, mode="dense")
        assert hits[0].source == "payer-value.md"
    finally:
        restarted.stop()
        services.close()


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from tests.support.chroma_server import free_port

    services, _ = make_services(tmp_path / "data", chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreUnavailableError, match="vector store unavailable"):
        services.searcher.search("anything", 2, mode="dense")
    # A hybrid search falls back to the lexical index and says so.
    results = services.searcher.search("anything", 2)
    assert results.dense_unavailable
