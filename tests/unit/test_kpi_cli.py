"""``kamcoach coach metrics``: JSON with CSV and Markdown exports, text output in Chinese, one
clear line for bad input, an unknown access level or a missing file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from tests.support.kpi_sets import ACCOUNT, SALES_ONLY, ZH_ACCOUNT, ZH_KPIS, write_kpi_file


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    return CliRunner()


def test_cli_json_and_exports(tmp_path: Path, cli_env: CliRunner) -> None:
    path = write_kpi_file(tmp_path, {"account": ACCOUNT, "kpis": SALES_ONLY})
    out_csv, out_md = tmp_path / "out" / "scorecard.csv", tmp_path / "out" / "review.md"
    result = cli_env.invoke(
        app,
        ["coach", "metrics", str(path), "--json", "--csv", str(out_csv), "--markdown", str(out_md)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 <= data["score"] <= 1 and data["kind"] == "metrics"
    assert {"name", "result", "evidence"} <= set(data["criteria"][0])
    assert data["feedback"] and isinstance(data["citations"], list)
    assert len(data["scorecard"]) == 3 and data["suggestions"]
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheet programs
    assert out_md.read_text(encoding="utf-8").startswith("# KPI scorecard review")


def test_cli_text_output_in_chinese(tmp_path: Path, cli_env: CliRunner) -> None:
    path = write_kpi_file(tmp_path, {"account": ZH_ACCOUNT, "kpis": ZH_KPIS})
    result = cli_env.invoke(app, ["coach", "metrics", str(path)])
    assert result.exit_code == 0, result.output
    assert "KPI 指標組合檢視" in result.stdout and "✓" in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ("kpis: [\n", "not valid YAML"),
        ({"account": ACCOUNT, "kpis": []}, "'kpis' is empty"),
        ({"account": ACCOUNT, "kpis": [{"definition": "x"}]}, "'name' is required"),
        ({"account": ACCOUNT, "kpis": [{"name": "qwzx plorb"}]}, "reads like a measure"),
    ],
)
def test_cli_bad_input(tmp_path: Path, cli_env: CliRunner, content, message: str) -> None:
    result = cli_env.invoke(app, ["coach", "metrics", str(write_kpi_file(tmp_path, content))])
    assert result.exit_code == 1
    assert "error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_unknown_access_and_missing_file(tmp_path: Path, cli_env: CliRunner) -> None:
    path = write_kpi_file(tmp_path, {"account": ACCOUNT, "kpis": SALES_ONLY})
    bad = cli_env.invoke(app, ["coach", "metrics", str(path), "--access", "secret"])
    assert bad.exit_code == 2 and "--access must be" in bad.output
    gone = cli_env.invoke(app, ["coach", "metrics", str(tmp_path / "nope.yaml")])
    assert gone.exit_code == 1 and "file not found" in gone.output
