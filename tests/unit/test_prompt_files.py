"""Every file in ``prompts/`` is loaded and validated by the code that uses it: the services,
the three coaches, the web app's labels and every scenario and rubric. A file nobody reads,
or one that no longer validates, fails here rather than in front of a user."""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary
from assistant.resources import resource_dir

NOT_LOADED = {"README.md", "scenarios/README.md"}  # documentation for people


def test_every_prompt_file_is_loaded_and_valid(tmp_path: Path, monkeypatch) -> None:
    from assistant.resource_check import check_resources

    read: set[str] = set()
    original = PromptLibrary.text

    def recording(self, name: str) -> str:
        read.add(name)
        return original(self, name)

    monkeypatch.setattr(PromptLibrary, "text", recording)
    settings = Settings(data_dir=tmp_path / "data", embeddings="hash")
    problems = check_resources(settings, PromptLibrary(DEFAULT_PROMPTS_DIR))
    assert problems == []
    scenarios = {f"scenarios/{p.name}" for p in (DEFAULT_PROMPTS_DIR / "scenarios").glob("*.yaml")}
    read |= scenarios  # read from their folder by the scenario library, checked above
    files = {
        str(p.relative_to(DEFAULT_PROMPTS_DIR))
        for p in DEFAULT_PROMPTS_DIR.rglob("*")
        if p.is_file()
    }
    assert files - NOT_LOADED - read == set()


def test_a_broken_prompt_file_is_reported_with_its_name(tmp_path: Path) -> None:
    import shutil

    from assistant.resource_check import check_resources

    copy = tmp_path / "prompts"
    shutil.copytree(resource_dir("prompts"), copy)
    (copy / "injection_signals.yaml").write_text("addressee: [\n", encoding="utf-8")
    (copy / "rubrics" / "kpi_set.yaml").write_text("criteria: 3\n", encoding="utf-8")
    classifier = copy / "compliance_classifier.json"
    classifier.write_text(
        classifier.read_text(encoding="utf-8").replace('"off-label"', '"bribery"'),
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path / "data", embeddings="hash", prompts_dir=copy)
    problems = check_resources(settings, PromptLibrary(copy))
    assert any("injection_signals.yaml" in p for p in problems)
    assert any("kpi_set.yaml" in p for p in problems)
    assert any("compliance_classifier.json" in p and "bribery" in p for p in problems)
