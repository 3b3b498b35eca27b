"""The Chroma server goes away while the web app runs: /search and /ask give a clear message,
/status and /health still answer; once Chroma is back the same app process answers again.

(tests/integration/test_chroma_server.py proves the same for the searcher on its own.)"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.support.chroma_server import ChromaServer
from tests.support.web_app import QUESTION, serve_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DUMP = re.compile(r"Traceback|File \"|\b\w+(Error|Exception)\b:|<\w+ object at 0x")


def _search(client) -> list[dict]:
    return client.predict("outcomes-based contract", 3, [], [], api_name="/search")


def _ask(client) -> dict:
    return client.predict(QUESTION, [], [], [], api_name="/ask")


def test_app_reports_chroma_down_clearly_and_recovers_without_restart(tmp_path: Path) -> None:
    chroma = ChromaServer(tmp_path / "chroma-server").start()
    where = f"chroma server 127.0.0.1:{chroma.port}"
    try:
        with serve_app(tmp_path, chroma_host="127.0.0.1", chroma_port=chroma.port) as app:
            kam, admin = app.client("mei"), app.client("ada")
            assert _search(kam)[0]["source"] == "payer-value.md"
            health = httpx.get(app.url + "health").json()
            assert health["status"] == "ok" and health["vectors"]["ok"] is True

            chroma.stop()
            # Search falls back to the lexical index; an answer says so.
            assert _search(kam)[0]["source"] == "payer-value.md"
            answer = _ask(kam)
            assert answer["done"] and answer["citations"]
            assert "keyword search alone" in answer["answer"]
            assert "keyword search alone" in (answer["notice"] or "")
            status = admin.predict(api_name="/status")
            assert status["documents"] == 3 and status["chunks"] > 0
            health = app.http("ada").get("health").json()
            assert health["status"] == "degraded" and health["vectors"]["ok"] is False
            assert where in health["vectors"]["detail"]
            assert "vector store unavailable" in health["vectors"]["detail"]
            assert health["index"]["documents"] == 3  # the manifest still answers
            anonymous = httpx.get(app.url + "health").json()
            assert anonymous["status"] == "degraded" and "detail" not in str(anonymous)

            chroma = ChromaServer(chroma.path, port=chroma.port).start()
            assert _search(kam)[0]["source"] == "payer-value.md"
            answer = _ask(kam)
            assert answer["done"] and answer["citations"] and not answer["abstained"]
            assert httpx.get(app.url + "health").json()["status"] == "ok"
    finally:
        chroma.stop()
