"""Checks shared by the FAQ retrieval sets' tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.faq_dataset import draw_holdout


def check_committed_split(fixture: Path, built: Path, prefix: str, module: str) -> None:
    """The committed held-out answers (``fixture``) are sorted, name the set's documents
    (``prefix``) and are what a fresh draw gives on the built set's queries (``built``);
    skipped when the set has not been built (``python -m <module>``)."""
    held = json.loads(fixture.read_text(encoding="utf-8"))["holdout"]
    assert held == sorted(held) and all(s.startswith(prefix) for s in held)
    if not built.is_file():
        pytest.skip(f"build the set first: python -m {module}")
    assert held == draw_holdout(json.loads(built.read_text(encoding="utf-8")))
