"""UI labels in English and Traditional Chinese, and the switch that relabels the page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.prompts import Messages, PromptLibrary

LANGUAGES = {"English": "en", "繁體中文": "zh-Hant"}


@dataclass
class _Binding:
    component: Any
    keys: dict[str, str] = field(default_factory=dict)  # attribute -> label key
    formats: dict[str, str] = field(default_factory=dict)  # attribute -> "### {}"
    choices: dict[str, str] | None = None  # choice value -> label key
    headers: list[str] | None = None  # dataframe header keys


class Labels:
    """Labels from ``prompts/ui_labels.yaml`` (both languages hold the same keys), and the
    components that show them: every bound attribute (label, placeholder, value, choices,
    table headers) follows the language switch."""

    def __init__(self, library: PromptLibrary) -> None:
        self._messages = Messages(library, "ui_labels.yaml")
        self._bindings: dict[int, _Binding] = {}

    def get(self, key: str, language: str = "en", **values: Any) -> str:
        return self._messages.get(key, language, **values)

    def has(self, key: str) -> bool:
        return self._messages.has(key)

    def _binding(self, component: Any) -> _Binding:
        return self._bindings.setdefault(id(component), _Binding(component))

    def bind(self, component: Any, key: str, attribute: str = "label", fmt: str = "{}") -> Any:
        """Remember that ``component``'s ``attribute`` shows label ``key`` (English at build),
        written through ``fmt``."""
        binding = self._binding(component)
        binding.keys[attribute] = key
        binding.formats[attribute] = fmt
        return component

    def bind_choices(self, component: Any, choices: Mapping[str, str]) -> Any:
        """Choices shown by label (``{value: label key}``); the values sent stay codes."""
        self._binding(component).choices = dict(choices)
        return component

    def bind_headers(self, component: Any, keys: list[str]) -> Any:
        self._binding(component).headers = list(keys)
        return component

    @staticmethod
    def code_keys(kind: str, codes: Iterable[str]) -> dict[str, str]:
        """Label keys of codes of one kind: ``zh-Hant`` of ``lang`` is ``lang_zh_hant``."""
        return {code: f"{kind}_{code.lower().replace('-', '_')}" for code in codes}

    def code(self, kind: str, value: Any, language: str = "en") -> Any:
        """A code (document type, access level, language) in words; unknown codes as they are."""
        if not value:
            return value
        key = self.code_keys(kind, [str(value)])[str(value)]
        return self.get(key, language) if self.has(key) else value

    def choices(self, mapping: Mapping[str, str], language: str = "en") -> list[tuple[str, str]]:
        return [(self.get(key, language), value) for value, key in mapping.items()]

    def headers(self, keys: list[str], language: str = "en") -> list[str]:
        return [self.get(key, language) for key in keys]

    def table(self, rows: list[list[Any]], keys: list[str], language: str = "en") -> Any:
        """Rows for a table whose headers are label ``keys``, headed in ``language`` (a
        handler that returned bare rows would bring back the headers the page was built
        with)."""
        import pandas as pd

        return pd.DataFrame(rows, columns=self.headers(keys, language))

    @property
    def components(self) -> list[Any]:
        return [binding.component for binding in self._bindings.values()]

    @property
    def tables(self) -> list[Any]:
        """Tables with translated headers: the switch reads their data to keep it."""
        return [b.component for b in self._bindings.values() if b.headers is not None]

    def relabel(self, choice: str, tables: list[Any] | None = None) -> list[dict[str, Any]]:
        """One update per bound component, in the language the switch names. ``tables``:
        the current data of ``self.tables`` (in that order), shown again under the new
        headers (a table's headers are part of its value)."""
        import gradio as gr
        import pandas as pd

        language = LANGUAGES.get(choice, "en")
        current = iter(tables or [])
        updates = []
        for binding in self._bindings.values():
            values: dict[str, Any] = {
                attribute: binding.formats[attribute].format(self.get(key, language))
                for attribute, key in binding.keys.items()
            }
            if binding.choices is not None:
                values["choices"] = self.choices(binding.choices, language)
            if binding.headers is not None:
                headers = self.headers(binding.headers, language)
                values["headers"] = headers
                data = next(current, None) if tables is not None else None
                if data is not None:
                    rows = data.values.tolist() if hasattr(data, "values") else list(data)
                    if rows and len(rows[0]) == len(headers):
                        values["value"] = pd.DataFrame(rows, columns=headers)
                    elif not rows:
                        values["value"] = pd.DataFrame([], columns=headers)
            updates.append(gr.update(**values))
        return updates
