"""UI labels in English and Traditional Chinese, and the switch that relabels the page."""

from __future__ import annotations

from typing import Any

from assistant.errors import KamError
from assistant.prompts import PromptLibrary

LANGUAGES = {"English": "en", "繁體中文": "zh-Hant"}


class Labels:
    """Reads ``prompts/ui_labels.yaml``; both languages must have the same keys."""

    def __init__(self, library: PromptLibrary) -> None:
        self._table: dict[str, dict[str, str]] = library.data("ui_labels.yaml")
        missing = set(self._table["en"]) ^ set(self._table.get("zh-Hant", {}))
        if missing:
            raise KamError(f"ui_labels.yaml: keys not in both languages: {sorted(missing)}")
        self._registry: list[tuple[Any, str, str]] = []

    def get(self, key: str, language: str = "en", **values: Any) -> str:
        text = self._table.get(language, self._table["en"]).get(key) or self._table["en"][key]
        return text.format(**values) if values else text

    def bind(self, component: Any, key: str, attribute: str = "label") -> Any:
        """Remember that ``component``'s ``attribute`` shows label ``key`` (English at build)."""
        self._registry.append((component, key, attribute))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _, _ in self._registry]

    def relabel(self, choice: str) -> list[dict[str, Any]]:
        """One update per bound component, in the language the switch names."""
        import gradio as gr

        language = LANGUAGES.get(choice, "en")
        return [
            gr.update(**{attribute: self.get(key, language)})
            for _, key, attribute in self._registry
        ]
