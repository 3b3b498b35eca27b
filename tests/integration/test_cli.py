from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli.main import app

runner = CliRunner()


def test_ingest_search_remove_status(small_corpus: Path, monkeypatch) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    result = runner.invoke(app, ["ingest", str(small_corpus)])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output
    again = runner.invoke(app, ["ingest", str(small_corpus), "--json"])
    assert json.loads(again.output)["unchanged"]
    found = runner.invoke(app, ["search", "outcomes-based contract", "--k", "2", "--json"])
    passages = json.loads(found.output)
    assert passages[0]["source"] == "payer-value.md"
    assert {"source", "page", "section", "score", "text"} <= passages[0].keys()
    text = runner.invoke(app, ["search", "outcomes-based contract", "--k", "1"])
    assert "[1] payer-value.md > Outcomes-based contracts" in text.output
    status = runner.invoke(app, ["status"])
    assert "chunks:" in status.output and "hash" in status.output
    removed = runner.invoke(app, ["remove", str(small_corpus / "payer-value.md")])
    assert "1 removed" in removed.output


def test_ingest_exit_code_when_nothing_ingests(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    (tmp_path / "empty.md").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(tmp_path / "empty.md")])
    assert result.exit_code == 1
    assert "FAILED" in result.output and "empty" in result.output


def test_bad_options(monkeypatch, small_corpus: Path) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    assert runner.invoke(app, ["ingest", str(small_corpus), "--access", "secret"]).exit_code == 2
    assert runner.invoke(app, ["search", "x", "--mode", "magic"]).exit_code == 2


def test_python_dash_m(small_corpus: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "KAM_EMBEDDINGS": "hash", "KAM_DATA_DIR": str(tmp_path / "d")}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(small_corpus)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "3 added" in done.stdout


def test_every_command_reports_a_kam_error_as_one_line(tmp_path, monkeypatch) -> None:
    """``remove`` and ``status`` had no handler of their own: any command's KamError is one
    ``error:`` line and exit code 1, never a traceback."""
    from typer.testing import CliRunner

    from assistant.errors import KamError

    def broken(*args, **kwargs):
        raise KamError("the index is locked by another process")

    monkeypatch.setattr("assistant.cli.main._services", broken)
    runner = CliRunner()
    for args in (["remove", str(tmp_path)], ["status"], ["search", "payers"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert "error: the index is locked by another process" in result.output
        assert "Traceback" not in result.output
