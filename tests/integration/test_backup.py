"""Backup while the app writes, restore into a new folder, and everything is there."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.admin.backup import backup, restore
from assistant.cli.main import app
from assistant.errors import KamError
from assistant.evaluation.feedback import FeedbackStore
from tests.support.fakes import make_services


def test_backup_during_writes_then_restore_searches_and_keeps_feedback(
    tmp_path: Path, small_corpus: Path
) -> None:
    data = tmp_path / "data"
    services, _ = make_services(data)
    services.ingestor.ingest([small_corpus], "kb")
    store = FeedbackStore(data / "feedback.sqlite")
    store.record("What do payers want?", "an answer", ["payer-value.md"], 1)
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            store.record("still writing", "x", [], -1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        report = backup(data, tmp_path / "backup")
    finally:
        stop.set()
        writer.join()
    assert report.databases and any("manifest" in d for d in report.databases)
    assert not (tmp_path / "backup" / "index" / "chroma").exists()
    services.close()
    store.close()

    restored = tmp_path / "restored"
    restore(tmp_path / "backup", restored)
    again, _ = make_services(restored)
    hits = again.searcher.search("total cost of care budget impact", 3)
    assert hits and hits[0].source == "payer-value.md"
    items = FeedbackStore(restored / "feedback.sqlite").items()
    assert items[0].question == "What do payers want?"
    again.close()


def test_backup_refuses_a_full_folder_and_restore_a_full_data_dir(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.txt").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "y").write_text("y")
    with pytest.raises(KamError, match="not empty"):
        backup(tmp_path / "data", tmp_path / "full")
    with pytest.raises(KamError, match="not empty"):
        restore(tmp_path / "full", tmp_path / "data")
    with pytest.raises(KamError, match="no data folder"):
        backup(tmp_path / "absent", tmp_path / "new")


def test_cli_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    FeedbackStore(data / "feedback.sqlite").record("q", "a", [], 1)
    monkeypatch.setenv("KAM_DATA_DIR", str(data))
    result = CliRunner().invoke(app, ["backup", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "1 databases" in result.output
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "new"))
    assert CliRunner().invoke(app, ["restore", str(tmp_path / "b")]).exit_code == 0
    assert FeedbackStore(tmp_path / "new" / "feedback.sqlite").items()[0].question == "q"
    failed = CliRunner().invoke(app, ["restore", str(tmp_path / "b")])
    assert failed.exit_code == 1 and "not empty" in failed.output


def test_backup_leaves_out_model_files_made_from_packages(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "models").mkdir(parents=True)
    (data / "models" / "minilm-l6-int8-x.onnx").write_bytes(b"\0" * 1024)
    (data / "feedback.txt").write_text("kept")
    report = backup(data, tmp_path / "copy")
    assert (tmp_path / "copy" / "feedback.txt").read_text() == "kept"
    assert not (tmp_path / "copy" / "models").exists()
    assert "models (made again from the packaged model)" in report.skipped
