"""Sentences in documents that address the assistant (an automated reader) rather than inform a
person: planted instructions are kept out of evidence, answers and prompts.

Not a phrase list: a sentence is scored from groups of signals (who is addressed, what is acted
on, overriding, output control, role change, exfiltration, model-style markers, a directive),
read from ``prompts/injection_signals.yaml``; it counts as an injection when the score reaches
``THRESHOLD``. Ordinary imperatives of business text ("Ignore the list price", "Always answer
the payer's questions with evidence") reach one or two groups, not the threshold."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from assistant.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary, ResourceModel

THRESHOLD = 4
SIGNALS_FILE = "injection_signals.yaml"


class InjectionSignals(ResourceModel):
    """The file's shape; every entry must compile as a regular expression."""

    addressee: list[str]
    conversation: list[str]
    override: list[str]
    output_control: list[str]
    role_change: list[str]
    vocative: list[str]
    exfiltration: list[str]
    markers_case_sensitive: list[str]
    directive: list[str]


@dataclass(frozen=True)
class InjectionDetector:
    groups: dict[str, tuple[re.Pattern[str], ...]]

    @classmethod
    def load(cls, library: PromptLibrary) -> InjectionDetector:
        signals = library.load(SIGNALS_FILE, InjectionSignals)
        groups: dict[str, tuple[re.Pattern[str], ...]] = {}
        for name, patterns in signals.model_dump().items():
            flags = 0 if name.endswith("case_sensitive") else re.IGNORECASE
            groups[name] = tuple(re.compile(p, flags) for p in patterns)
        return cls(groups)

    def signals(self, sentence: str) -> set[str]:
        sentence = normalise(sentence)
        return {
            name
            for name, patterns in self.groups.items()
            if any(p.search(sentence) for p in patterns)
        }

    def score(self, sentence: str) -> int:
        found = self.signals(sentence)
        strong = ("addressee", "vocative", "role_change", "exfiltration", "markers_case_sensitive")
        weak = ("conversation", "override", "output_control", "directive")
        score = sum(2 for name in strong if name in found)
        score += sum(1 for name in weak if name in found)
        if {"override", "conversation"} <= found:
            score += 2  # overriding the reader's instructions, rules or prompt
        if "addressee" in found and found & {"conversation", "output_control", "override"}:
            score += 1  # telling an automated reader what to do with its output
        if "markers_case_sensitive" in found and found & set(weak):
            score += 1  # a model-style header in front of a request
        return score

    def is_injection(self, sentence: str) -> bool:
        return self.score(sentence) >= THRESHOLD


_SPACED = re.compile(r"\b(?:[A-Za-z] ){3,}[A-Za-z]\b")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")


def normalise(sentence: str) -> str:
    """Undo cheap disguises: full-width forms, invisible characters, s p a c e d letters."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", sentence))
    return _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


@cache
def _detector(folder: Path) -> InjectionDetector:
    return InjectionDetector.load(PromptLibrary(folder))


@cache
def _detector_at(folder: Path) -> InjectionDetector:
    """The detector for a folder as written (resolving a path on every sentence is slow)."""
    return _detector(folder.resolve())


def detector(library: PromptLibrary | None = None) -> InjectionDetector:
    """The detector for a prompts folder (loaded once per folder)."""
    return _detector_at(library.folder if library else DEFAULT_PROMPTS_DIR)


@lru_cache(maxsize=50_000)
def _verdict(folder: Path, sentence: str) -> bool:
    return _detector_at(folder).is_injection(sentence)


def looks_like_injection(sentence: str, library: PromptLibrary | None = None) -> bool:
    """True for text that tries to instruct the assistant (it is dropped from evidence). The
    same passages are read question after question: verdicts are remembered per sentence."""
    return _verdict(library.folder if library else DEFAULT_PROMPTS_DIR, sentence)


def forget_verdicts() -> None:
    """Drop remembered verdicts (benchmarks time a first reading)."""
    _verdict.cache_clear()
