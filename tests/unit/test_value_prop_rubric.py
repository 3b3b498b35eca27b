"""The value proposition rubric and wording files: the rubric loads in both languages, and a
broken rubric or message table is refused with its fault named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.coaching.value_prop.rubric import load_rubric
from assistant.errors import KamError
from assistant.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary


def test_rubric_loads_with_both_languages() -> None:
    rubric = load_rubric(PromptLibrary())
    assert len(rubric.ids) >= 8 and rubric.compliance_criterion in rubric.ids
    for criterion in rubric.criteria:
        assert criterion.weight > 0
        assert criterion.name("en") and criterion.name("zh-Hant") != criterion.name("en")
        assert criterion.search["en"] and criterion.search["zh-Hant"]


def _prompts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    for path in DEFAULT_PROMPTS_DIR.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(DEFAULT_PROMPTS_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return folder


def test_broken_rubric_and_messages_are_named(tmp_path: Path, services) -> None:
    folder = _prompts_copy(tmp_path)
    rubric_path = folder / "rubrics" / "value_proposition.yaml"
    text = rubric_path.read_text(encoding="utf-8")
    rubric_path.write_text(
        text.replace("when: [[account_gain, company_gain]]", "when: [[account_gain, nothing]]"),
        encoding="utf-8",
    )
    with pytest.raises(KamError, match="unknown cue groups"):
        load_rubric(PromptLibrary(folder))
    rubric_path.write_text(text, encoding="utf-8")
    messages = folder / "value_prop_messages.yaml"
    table = yaml.safe_load(messages.read_text(encoding="utf-8"))
    del table["zh-Hant"]["summary"]
    messages.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    context = services.coach_context()
    context.library = PromptLibrary(folder)
    with pytest.raises(KamError, match="keys not in both languages"):
        ValuePropCoach(context)
