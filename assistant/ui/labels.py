"""UI labels in English and Traditional Chinese, and the switch that relabels the page."""

from __future__ import annotations

from typing import Any

from assistant.prompts import Messages, PromptLibrary

LANGUAGES = {"English": "en", "繁體中文": "zh-Hant"}


class Labels:
    """Labels from ``prompts/ui_labels.yaml`` (both languages hold the same keys), and the
    components that show them."""

    def __init__(self, library: PromptLibrary) -> None:
        self._messages = Messages(library, "ui_labels.yaml")
        self._registry: list[tuple[Any, str, str]] = []

    def get(self, key: str, language: str = "en", **values: Any) -> str:
        return self._messages.get(key, language, **values)

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
