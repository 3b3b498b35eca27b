"""The value proposition coach's wording (``prompts/value_prop_messages.yaml``), in the draft's
language, with both languages checked to hold the same keys."""

from __future__ import annotations

import string
from typing import Any

from assistant.errors import KamError
from assistant.prompts import PromptLibrary

MESSAGES_FILE = "value_prop_messages.yaml"
LANGUAGES = ("en", "zh-Hant")


def _keys(tree: Any, prefix: str = "") -> set[str]:
    if isinstance(tree, dict):
        found: set[str] = set()
        for key, value in tree.items():
            found |= _keys(value, f"{prefix}{key}.")
        return found
    return {prefix.rstrip(".")}


class ValuePropMessages:
    """Look up wording by dotted key (``criteria.grounded.met``) in a language."""

    def __init__(self, library: PromptLibrary, name: str = MESSAGES_FILE) -> None:
        table = library.data(name)
        if not isinstance(table, dict) or set(table) != set(LANGUAGES):
            raise KamError(f"{name}: expected exactly the languages {', '.join(LANGUAGES)}")
        differ = _keys(table["en"]) ^ _keys(table["zh-Hant"])
        if differ:
            raise KamError(f"{name}: keys not in both languages: {sorted(differ)[:5]}")
        self._name = name
        self._table: dict[str, Any] = table

    def _node(self, key: str, language: str) -> Any:
        node: Any = self._table["zh-Hant" if language == "zh-Hant" else "en"]
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KamError(f"{self._name}: no message '{key}'")
            node = node[part]
        return node

    def get(self, key: str, language: str, **values: object) -> str:
        """One message, filled with ``values`` (unused values are ignored, missing ones fail)."""
        return fill(" ".join(str(self._node(key, language)).split()), values, key)

    def raw_list(self, key: str, language: str) -> list[str]:
        """Unfilled templates under a key (a list, or one template as a list of one)."""
        node = self._node(key, language)
        items = node if isinstance(node, list) else [node]
        return [" ".join(str(item).split()) for item in items]


def fields_of(template: str) -> set[str]:
    """The placeholders a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fill(template: str, values: dict[str, object], key: str = "") -> str:
    """``str.format`` that names the message and the missing value when one is absent."""
    try:
        return template.format(**values)
    except (KeyError, IndexError) as exc:
        raise KamError(f"message '{key}' needs the value {exc}") from None
