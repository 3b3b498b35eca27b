"""Prompts, messages and rules live in ``prompts/`` as files, loaded by name and validated."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import KamError
from assistant.resources import resource_dir

DEFAULT_PROMPTS_DIR = resource_dir("prompts")


class ResourceError(KamError, ValueError):
    """A file of ``prompts/`` does not hold what its reader expects; the message names the
    file and each bad field."""


class ResourceModel(BaseModel):
    """The shape of a rubric or rule file: an unknown field is an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


Model = TypeVar("Model", bound=ResourceModel)


def describe_validation(error: ValidationError) -> str:
    """One clause per problem: ``persona.name: required field is missing``."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "missing":
            message = "required field is missing"
        elif problem["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{where}: {message}")
    return "; ".join(lines)


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

    def load(self, name: str, model: type[Model]) -> Model:
        """A rubric or rule file read into its ``ResourceModel``; any problem is a
        ``ResourceError`` naming the file and the fields."""
        return self.validate(name, self.data(name), model)

    @staticmethod
    def validate(name: str, raw: Any, model: type[Model]) -> Model:
        """``raw`` (read from file ``name``, perhaps merged with another) as ``model``."""
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            raise ResourceError(f"{name}: {describe_validation(exc)}") from None

    def render(self, name: str, **values: str) -> str:
        """Fill a template; its placeholders must be exactly the given names."""
        template = self.text(name)
        fields = placeholders(template)
        if fields != set(values):
            raise KamError(
                f"prompt '{name}' expects {sorted(fields)} but was given {sorted(values)}"
            )
        return template.format(**values)


@cache
def default_library() -> PromptLibrary:
    return PromptLibrary()


LANGUAGES = ("en", "zh-Hant")


class Messages:
    """Wording shown to users, in English and Traditional Chinese, from one YAML file of
    ``prompts/`` with an ``en`` and a ``zh-Hant`` section. Keys are dotted paths into nested
    sections (``criteria.grounded.met``); a value is a text or a list of texts.

    The one rule, checked when the file is loaded: exactly those two languages, and every key
    in both, holding a text or a list of texts. A message is filled with the values it names
    (others are ignored; a translation may use fewer than the English); a missing value, or a
    key the file does not hold, is a ``KamError`` naming the file and the key."""

    def __init__(self, library: PromptLibrary, name: str = "messages.yaml") -> None:
        table = library.data(name)
        if not isinstance(table, dict) or set(table) != set(LANGUAGES):
            raise KamError(f"{name}: expected exactly the languages {', '.join(LANGUAGES)}")
        self._name = name
        self._flat = {language: _flatten(table[language], name) for language in LANGUAGES}
        english, chinese = (self._flat[language] for language in LANGUAGES)
        differ = set(english) ^ set(chinese)
        if differ:
            raise KamError(f"{name}: keys not in both languages: {sorted(differ)}")

    def has(self, key: str) -> bool:
        return key in self._flat["en"]

    def _texts(self, key: str, language: str) -> tuple[str, ...]:
        table = self._flat["zh-Hant" if language == "zh-Hant" else "en"]
        if key not in table:
            raise KamError(f"{self._name}: no message '{key}'")
        return table[key]

    def get(self, key: str, language: str, **values: object) -> str:
        """The message ``key`` in ``language`` (English unless ``zh-Hant``), filled."""
        texts = self._texts(key, language)
        if len(texts) != 1:
            raise KamError(f"{self._name}: '{key}' is a list; ask for its templates")
        return fill(texts[0], values, f"{self._name}: '{key}'")

    def templates(self, key: str, language: str) -> list[str]:
        """The unfilled texts under ``key`` (a list, or one text as a list of one)."""
        return list(self._texts(key, language))


def _flatten(node: Any, name: str, prefix: str = "") -> dict[str, tuple[str, ...]]:
    """Dotted key -> its texts, each on one line (YAML folding and indentation removed)."""
    if isinstance(node, dict):
        flat: dict[str, tuple[str, ...]] = {}
        for key, value in node.items():
            flat.update(_flatten(value, name, f"{prefix}{key}."))
        return flat
    key = prefix.rstrip(".")
    if not key:
        raise KamError(f"{name}: a language section must hold keys")
    items = node if isinstance(node, list) else [node]
    if not items or any(item is None or isinstance(item, (dict, list)) for item in items):
        raise KamError(f"{name}: '{key}' must be a text or a list of texts")
    return {key: tuple(" ".join(str(item).split()) for item in items)}


def placeholders(template: str) -> set[str]:
    """The names a template's ``{placeholders}`` use."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def fill(template: str, values: dict[str, object], where: str = "message") -> str:
    """Fill ``template`` with the values it names; one it names but is not given is a
    ``KamError`` saying so."""
    missing = placeholders(template) - set(values)
    if missing:
        raise KamError(f"{where} needs the value(s) {sorted(missing)}")
    return template.format(**values)
