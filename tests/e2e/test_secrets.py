"""API keys and passwords never appear in logs, error messages, reports or the UI.

An OpenAI-compatible endpoint is configured with a recognisable key (and a password inside its
URL) but cannot be reached, and users sign in with known passwords. Every way in is exercised:
asking (the extractive fallback), /health, /status, the page config, ``kamcoach status`` and
``ask``, an evaluation report, failed logins. Everything the user or an operator could see is
collected: API results, pages, CLI output, log records at DEBUG, stdout and stderr, and every
file written under the test folder."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from typer.testing import CliRunner

from assistant.cli.main import app as cli
from tests.support.factories import write
from tests.support.servers import PASSWORDS
from tests.support.web_app import QUESTION, serve_app

pytestmark = pytest.mark.slow

API_KEY = "sk-kamcoach-LEAKCHECK-7f3a9c1e5b2d"
URL_PASSWORD = "urlpw-LEAKCHECK-40f1"
WRONG_PASSWORD = "guess-LEAKCHECK-0b77"
SECRETS = (API_KEY, URL_PASSWORD, WRONG_PASSWORD, *PASSWORDS.values())
TINY_SET = """name: tiny
thresholds: {hit@5: 0.5}
questions:
  - id: t1
    question: What does an outcomes-based contract tie the price to?
    lang: en
    answerable: true
    expected_sources: [payer-value.md]
    key_facts: [measured patient outcomes]
"""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def leaky(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Settings, from the environment as in production, holding the secrets."""
    port = _closed_port()
    for name, value in {
        "KAM_LLM_PROVIDER": "openai",
        "KAM_LLM_BASE_URL": f"http://kam:{URL_PASSWORD}@127.0.0.1:{port}/v1",
        "KAM_LLM_MODEL": "kam-model",
        "KAM_LLM_API_KEY": API_KEY,
        # a refused connection fails at once; the answer's deadline also covers retrieval,
        # so a short one turned "not reachable" into "timed out" on a loaded machine
        "KAM_LLM_TIMEOUT_S": "30",
        "KAM_EMBEDDINGS": "hash",
    }.items():
        monkeypatch.setenv(name, value)
    write(tmp_path / "evals" / "tiny.yaml", TINY_SET)
    return tmp_path


def _assert_clean(where: str, text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{where} shows {leaked}"


def test_no_secret_reaches_the_ui_api_logs_or_files(
    leaky: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: dict[str, str] = {}
    with serve_app(leaky) as app:
        assert app.ctx.services.settings.llm_api_key.get_secret_value() == API_KEY
        kam, trainer = app.client("mei"), app.client("tom")

        answer = kam.predict(QUESTION, [], [], [], api_name="/ask")
        assert answer["mode"] == "extractive" and "not reachable" in answer["notice"]
        # Where the model is served is for admins (and the log), not in a KAM's notice.
        assert "127.0.0.1" not in answer["notice"]
        seen["/ask"] = json.dumps(answer)
        seen["/status"] = json.dumps(kam.predict(api_name="/status"))
        # Where the model is served is for admins; a KAM is told the model only.
        assert json.loads(seen["/status"])["answer_mode"] == "openai-compatible: kam-model"
        admin_status = app.client("ada").predict(api_name="/status")
        assert admin_status["answer_mode"].startswith("openai-compatible: kam-model at 127.0.0.1:")
        health = httpx.get(app.url + "health").json()
        assert health["status"] == "degraded" and not health["llm"]["ok"]
        seen["/health"] = json.dumps(health)
        run = trainer.predict("tiny.yaml", api_name="/run_eval")
        seen["/run_eval"] = json.dumps(run)
        session = app.http("tom")
        seen["page"] = session.get("").text
        seen["config"] = session.get("config").text

        for user, password in (("mei", WRONG_PASSWORD), ("mei", PASSWORDS["ada"])):
            with pytest.raises(Exception) as refused:  # gradio_client's own error type
                Client(app.url, auth=(user, password), verbose=False)
            seen[f"client login {password}"] = str(refused.value)
            form = httpx.post(app.url + "login", data={"username": user, "password": password})
            assert form.status_code >= 400
            seen[f"form login {password}"] = form.text
        unknown = httpx.post(app.url + "login", data={"username": API_KEY, "password": API_KEY})
        seen["unknown user"] = unknown.text

    runner = CliRunner()
    commands = {
        "ingest": ["ingest", str(leaky / "corpus")],
        "status": ["status"],
        "ask": ["ask", QUESTION],
        "ask --json": ["ask", QUESTION, "--json"],
        "eval": [
            "eval",
            str(leaky / "evals" / "tiny.yaml"),
            "--json",
            str(leaky / "runs" / "tiny.json"),
            "--report",
            str(leaky / "runs" / "tiny"),
        ],
    }
    for name, arguments in commands.items():
        result = runner.invoke(cli, arguments)
        assert result.exit_code in (0, 1), (name, result.output)
        assert "Traceback" not in result.output
        seen[f"kamcoach {name}"] = result.output
    assert "not reachable" in seen["kamcoach ask"]
    assert (leaky / "runs" / "tiny" / "report.md").is_file()

    captured = capfd.readouterr()
    seen["stdout"], seen["stderr"] = captured.out, captured.err
    seen["log"] = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert len(caplog.records) > 10, "logging was captured"
    for where, text in seen.items():
        _assert_clean(where, text)
    files = [p for p in leaky.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".sqlite" for p in files)
    for path in files:
        _assert_clean(str(path.relative_to(leaky)), path.read_bytes().decode("latin-1"))
