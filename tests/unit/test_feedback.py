from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.errors import KamError
from assistant.evaluation.feedback import FeedbackStore, draft_questions


def test_store_and_drafts(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite")
    store.record("What do payers want?", "Payers want...", ["payer.md"], 1)
    bad = store.record(
        "那醫院集團呢？", "…", ["x.md"], -1, evidence_wrong=True, comment="wrong doc"
    )
    with pytest.raises(KamError):
        store.record("q", "a", [], 0)
    negative = store.items(negative_only=True)
    assert [i.id for i in negative] == [bad]
    store.close()
    reopened = FeedbackStore(tmp_path / "fb.sqlite")  # persisted
    assert len(reopened.items()) == 2
    drafts = draft_questions(reopened.items(negative_only=True))["questions"]
    assert drafts[0]["lang"] == "zh-Hant"
    assert drafts[0]["review"]["reason"] == "evidence is wrong"
    assert drafts[0]["review"]["cited"] == ["x.md"]


def test_cli_export(tmp_path: Path, monkeypatch) -> None:
    runner = CliRunner()
    assert (
        "recorded"
        in runner.invoke(
            app, ["feedback", "add", "Which KPIs should we avoid?", "--comment", "missed the list"]
        ).output
    )
    runner.invoke(app, ["feedback", "add", "Good answer", "--up"])
    out = tmp_path / "draft.yaml"
    result = runner.invoke(app, ["feedback", "export", "--out", str(out)])
    assert "1 draft questions" in result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["questions"][0]["question"] == "Which KPIs should we avoid?"
    assert data["questions"][0]["review"]["comment"] == "missed the list"
