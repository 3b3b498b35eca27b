"""Bilingual query expansion: add the other language's words for the domain terms a query
contains, so the lexical index can match passages written in that language."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from assistant.text.language import detect_language, is_chinese


class Glossary:
    """English <-> Traditional Chinese domain vocabulary."""

    def __init__(self, entries: list[dict[str, list[str]]]) -> None:
        self._english: list[tuple[re.Pattern[str], list[str]]] = []
        self._english_terms: list[str] = []
        self._chinese: list[tuple[str, list[str]]] = []
        for entry in entries:
            english = [str(t).lower() for t in entry.get("en", [])]
            chinese = [str(t).lower() for t in entry.get("zh", [])]
            for term in english:
                pattern = re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])")
                self._english.append((pattern, chinese))
                self._english_terms.append(term)
            for term in chinese:
                self._chinese.append((term, english))

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        if path is None:
            text = (
                resources.files("assistant.data")
                .joinpath("glossary_en_zh.yaml")
                .read_text(encoding="utf-8")
            )
        else:
            text = path.read_text(encoding="utf-8")
        return cls(yaml.safe_load(text) or [])

    def translations(self, query: str) -> list[str]:
        """The other-language terms for every glossary term found in the query."""
        lowered = query.lower()
        found: list[str] = []
        if is_chinese(detect_language(query)):
            for term, english in self._chinese:
                if term in lowered:
                    found.extend(english)
        else:
            for pattern, chinese in self._english:
                if pattern.search(lowered):
                    found.extend(chinese)
        return list(dict.fromkeys(found))

    def matches(self, query: str) -> list[tuple[str, list[str]]]:
        """Each glossary term found in the query (either language), with its other-language
        terms."""
        lowered = query.lower()
        found = [(term, english) for term, english in self._chinese if term in lowered]
        for term, (pattern, chinese) in zip(self._english_terms, self._english, strict=True):
            if pattern.search(lowered):
                found.append((term, chinese))
        return found

    def expand(self, query: str) -> str:
        extra = self.translations(query)
        return f"{query} {' '.join(extra)}" if extra else query
