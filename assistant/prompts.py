"""Prompts, messages and rules live in ``prompts/`` as files, loaded by name and validated."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import KamError
from assistant.resources import resource_dir

DEFAULT_PROMPTS_DIR = resource_dir("prompts")


class PromptLibrary:
    """Reads files under one folder; templates are rendered with exactly their placeholders."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or DEFAULT_PROMPTS_DIR
        if not self.folder.is_dir():
            raise KamError(f"prompts folder not found: {self.folder}")

    def text(self, name: str) -> str:
        path = self.folder / name
        if not path.is_file():
            raise KamError(f"prompt '{name}' not found in {self.folder}")
        return path.read_text(encoding="utf-8")

    def data(self, name: str) -> Any:
        try:
            return yaml.safe_load(self.text(name))
        except yaml.YAMLError as exc:
            raise KamError(f"prompt file '{name}' is not valid YAML ({exc})") from None

    def render(self, name: str, **values: str) -> str:
        """Fill a template; its placeholders must be exactly the given names."""
        template = self.text(name)
        fields = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        if fields != set(values):
            raise KamError(
                f"prompt '{name}' expects {sorted(fields)} but was given {sorted(values)}"
            )
        return template.format(**values)


@cache
def default_library() -> PromptLibrary:
    return PromptLibrary()


class Messages:
    """User-facing strings in the question's language (English fallback)."""

    def __init__(self, library: PromptLibrary, name: str = "messages.yaml") -> None:
        self._table: dict[str, dict[str, str]] = library.data(name)
        missing = set(self._table["en"]) ^ set(self._table.get("zh-Hant", {}))
        if missing:
            raise KamError(f"{name}: keys not in both languages: {sorted(missing)}")

    def get(self, key: str, language: str, **values: object) -> str:
        table = self._table.get(language) or self._table["en"]
        text = str(table.get(key, self._table["en"][key])).strip()
        return text.format(**values) if values else text
