"""Evaluation runs on disk, one way for the CLI and the UI: a run is the JSON form of an
``EvaluationRun`` (``kamcoach eval --json`` writes it to the path given; the Evaluations tab
keeps every run under the data folder as ``<set>--<UTC stamp>.json``, its report beside it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from assistant.errors import KamError
from assistant.evaluation.results import EvaluationRun


def save_run(run: EvaluationRun, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def load_run(path: Path) -> dict[str, Any]:
    """A run written by ``save_run``, in its JSON form (as the reports read it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KamError(f"{path}: cannot read a previous evaluation run ({exc})") from None
    if not isinstance(data, dict) or "summary" not in data or "questions" not in data:
        raise KamError(f"{path}: not an evaluation JSON written by 'kamcoach eval --json'")
    return data


class RunStore:
    """Every run of every question set in one folder, oldest first by name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def save(self, run: EvaluationRun) -> Path:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        return save_run(run, self.folder / f"{Path(run.meta.path).stem}--{stamp}.json")

    def runs(self, set_name: str) -> list[Path]:
        return sorted(self.folder.glob(f"{Path(set_name).stem}--*.json"))

    def latest(self, set_name: str) -> dict[str, Any] | None:
        runs = self.runs(set_name)
        return load_run(runs[-1]) if runs else None

    @staticmethod
    def report_folder(run_path: Path) -> Path:
        """Where a stored run's report goes: a folder named as its JSON file."""
        return run_path.with_suffix("")
