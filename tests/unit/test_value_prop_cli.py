"""``kamcoach coach value-prop``: JSON and canvas output, text output in Chinese, one clear
line for bad input, and the rewrite and access options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli.main import app
from tests.support.value_prop_drafts import ACCOUNT, WEAK, ZH_ACCOUNT, ZH_DRAFT


def _vp_file(tmp_path: Path, data) -> Path:
    path = tmp_path / "vp.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    return CliRunner()


def test_cli_json_and_canvas(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _vp_file(tmp_path, {"account": ACCOUNT, "draft": WEAK})
    canvas = tmp_path / "out" / "canvas.md"
    result = cli_env.invoke(
        app, ["coach", "value-prop", str(path), "--json", "--canvas", str(canvas)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 <= data["score"] <= 1
    assert {"name", "result", "evidence"} <= set(data["criteria"][0])
    assert data["feedback"] and isinstance(data["citations"], list)
    assert data["next_questions"] and data["canvas"]["account_type"] == "health_system"
    assert canvas.read_text(encoding="utf-8").startswith("# Value proposition canvas")


def test_cli_text_output(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _vp_file(tmp_path, {"account": ZH_ACCOUNT, "draft": ZH_DRAFT})
    result = cli_env.invoke(app, ["coach", "value-prop", str(path)])
    assert result.exit_code == 0, result.output
    assert "分數" in result.stdout and "✓" in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ({"account": ACCOUNT, "draft": ""}, "the draft is empty"),
        ({"account": {"level": 2}, "draft": WEAK}, "account.type: is required"),
        ({"account": {**ACCOUNT, "type": "spa"}, "draft": WEAK}, "not a known account type"),
        ({"account": {**ACCOUNT, "level": 7}, "draft": WEAK}, "must be 1, 2 or 3"),
        ("account: {type: payer\ndraft: [", "not valid YAML"),
    ],
)
def test_cli_bad_input(tmp_path: Path, cli_env: CliRunner, content, message: str) -> None:
    result = cli_env.invoke(app, ["coach", "value-prop", str(_vp_file(tmp_path, content))])
    assert result.exit_code == 1
    assert "error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_cli_rewrite_offline_and_bad_access(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _vp_file(tmp_path, {"account": ACCOUNT, "draft": WEAK})
    offline = cli_env.invoke(app, ["coach", "value-prop", str(path), "--rewrite"])
    assert offline.exit_code == 1 and "needs a language model" in offline.output
    bad = cli_env.invoke(app, ["coach", "value-prop", str(path), "--access", "secret"])
    assert bad.exit_code == 2 and "--access must be public or internal" in bad.output
