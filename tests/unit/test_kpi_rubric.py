"""The KPI rubric and wording files: a broken message table or rubric pattern is refused
with its fault named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.coaching.kpi.coach import MESSAGES_FILE
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.errors import KamError
from assistant.prompts import Messages, PromptLibrary
from tests.support.kpi_sets import ROOT


def _prompts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    return folder


def test_broken_rubric_messages_and_library_are_named(tmp_path: Path) -> None:
    folder = _prompts_copy(tmp_path)
    messages = folder / "kpi_messages.yaml"
    messages.write_text(
        messages.read_text(encoding="utf-8").replace(
            '    stage_misfit: "與', '    stage_misfitx: "與'
        ),
        encoding="utf-8",
    )
    with pytest.raises(KamError, match="keys not in both languages"):
        Messages(PromptLibrary(folder), MESSAGES_FILE)
    rubric = folder / "rubrics" / "kpi_set.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace("'\\bcoverage\\b'", "'(coverage'"),
        encoding="utf-8",
    )
    with pytest.raises(KamError, match="bad pattern in classes.direction.leading"):
        KpiRubric.load(PromptLibrary(folder))
