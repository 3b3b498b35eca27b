"""``kamcoach roleplay``: a conversation in the terminal, saved and scored; bad input gets one
clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.coaching.roleplay import SessionStore
from assistant.prompts import default_library

runner = CliRunner()
SCENARIOS = Path(__file__).resolve().parents[2] / "prompts" / "scenarios"


@pytest.fixture(autouse=True)
def _hash_embeddings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")


def stored_sessions(tmp_path: Path):
    return SessionStore(tmp_path / "data" / "coaching.sqlite", default_library()).sessions()


def test_a_conversation_in_the_terminal_is_saved_and_scored(tmp_path: Path) -> None:
    lines = [
        "Thanks Sofia, today I'd like to understand how you plan cold-chain space.",
        "",  # an empty line gets a message, not an error
        "We'll share a monthly demand forecast so you can size the space.",
        "/end",
    ]
    result = runner.invoke(
        app,
        ["roleplay", "wholesaler-category-manager", "--trainee", "dana", "--json"],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "You are meeting Sofia Brandt" in result.output
    assert "Sofia Brandt: Cold-chain space is our scarcest resource." in result.output
    assert "Please type what you would say to Sofia Brandt." in result.output
    scorecard = json.loads(result.output[result.output.index("{") :])
    assert scorecard["scenario"] == "wholesaler-category-manager"
    assert {c["id"]: c["result"] for c in scorecard["criteria"]}["opening"] == "met"
    sessions = stored_sessions(tmp_path)
    assert [(s.trainee, s.status, s.turns) for s in sessions] == [("dana", "ended", 5)]


def test_quit_leaves_the_session_saved_but_unscored(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["roleplay", "zh-pharmacy-chain-category", "--trainee", "dana"], input="你好\n/quit\n"
    )
    assert result.exit_code == 0, result.output
    assert "陳志明經理: " in result.output and "已儲存" in result.output
    assert [s.status for s in stored_sessions(tmp_path)] == ["active"]


def test_list_shows_every_scenario() -> None:
    result = runner.invoke(app, ["roleplay", "--list"])
    assert result.exit_code == 0
    for path in SCENARIOS.glob("*.yaml"):
        assert path.stem in result.output


def test_unknown_scenario_is_one_clear_error() -> None:
    result = runner.invoke(app, ["roleplay", "no-such-scenario"])
    assert result.exit_code == 1
    assert "error: unknown scenario 'no-such-scenario'; available:" in result.output
    assert "Traceback" not in result.output


def test_a_scenario_file_with_missing_fields_names_them(tmp_path: Path) -> None:
    raw = yaml.safe_load((SCENARIOS / "wholesaler-category-manager.yaml").read_text("utf-8"))
    del raw["persona"]["opening"], raw["kam_objectives"]
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["roleplay", str(path)])
    assert result.exit_code == 1
    assert "error: scenario draft.yaml:" in result.output
    assert "persona.opening: required field is missing" in result.output
    assert "kam_objectives: required field is missing" in result.output


def test_a_scenario_file_can_be_tried_before_it_is_saved(tmp_path: Path) -> None:
    raw = yaml.safe_load((SCENARIOS / "wholesaler-category-manager.yaml").read_text("utf-8"))
    raw.update(id="draft-wholesaler")
    raw["persona"]["opening"] = "Hello there, draft persona speaking."
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["roleplay", str(path), "--trainee", "dana"], input="/end\n")
    # Nothing was said, so there is nothing to score: a clear message, not a crash.
    assert "Hello there, draft persona speaking." in result.output
    assert result.exit_code == 1 and "error: There is nothing to score yet" in result.output
