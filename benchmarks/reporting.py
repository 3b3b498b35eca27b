"""Print results as Markdown tables and save them as JSON under ``benchmarks/results/``."""

from __future__ import annotations

import json
import platform
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Render rows (dicts sharing keys) as a GitHub Markdown table; floats get 3 decimals."""
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}"
        return "" if value is None else str(value)

    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def git_state(repo: Path = RESULTS_DIR.parent.parent) -> dict[str, object]:
    """The commit measured and whether the working tree had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


_GIT_AT_START = git_state()  # the code this process imported, before any later edits


def save_results(name: str, payload: Mapping[str, Any], results_dir: Path = RESULTS_DIR) -> Path:
    """Write ``payload`` plus run context to ``results_dir/name.json``; return the path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": name,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "git_at_start": _GIT_AT_START,
        **payload,
    }
    path = results_dir / f"{name}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
