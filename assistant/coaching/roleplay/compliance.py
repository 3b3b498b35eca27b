"""Compliance checks on what the KAM says in a role-play (``prompts/roleplay_compliance.yaml``):
off-label claims, inducements tied to decisions, guaranteed outcomes, patient-identifiable data.

``assistant.rules.compliance`` screens requests made *to* the assistant ("help me word a
gift"); a KAM
speaking *to* a customer breaches differently ("it works in children too"), so the rules differ.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from assistant.coaching.roleplay.matcher import sentences
from assistant.errors import KamError
from assistant.prompts import PromptLibrary


@dataclass(frozen=True)
class Breach:
    """A compliance breach: the rule, the KAM's sentence, and the KAM turn (1-based)."""

    rule: str
    quote: str
    turn: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Rule:
    id: str
    cues: dict[str, tuple[re.Pattern[str], ...]]
    triggers: tuple[frozenset[str], ...]
    exempt: tuple[re.Pattern[str], ...]

    def fires(self, text: str) -> bool:
        if any(p.search(text) for p in self.exempt):
            return False
        matched = {
            name for name, patterns in self.cues.items() if any(p.search(text) for p in patterns)
        }
        return any(trigger <= matched for trigger in self.triggers)


class UtteranceCompliance:
    """Checks each sentence of a KAM turn, and each pair of neighbouring sentences (an offer and
    its condition are often said apart). A sentence that declines or refers ("I can't...",
    "Medical Information will answer") exempts its window."""

    def __init__(self, library: PromptLibrary, name: str = "roleplay_compliance.yaml") -> None:
        raw = library.data(name)
        self.messages: dict[str, dict[str, str]] = {}
        self._rules: list[_Rule] = []
        try:
            for rule in raw["rules"]:
                cues = {
                    group: tuple(re.compile(p, re.IGNORECASE) for p in patterns)
                    for group, patterns in rule["cues"].items()
                }
                triggers = tuple(frozenset(t) for t in rule["triggers"])
                unknown = {g for t in triggers for g in t} - set(cues)
                if unknown:
                    raise KamError(
                        f"{name}: rule {rule['id']} names unknown cues {sorted(unknown)}"
                    )
                exempt = tuple(re.compile(p, re.IGNORECASE) for p in rule.get("exempt", []))
                self._rules.append(_Rule(rule["id"], cues, triggers, exempt))
                self.messages[rule["id"]] = {
                    lang: " ".join(str(text).split()) for lang, text in rule["message"].items()
                }
        except (KeyError, TypeError, re.error) as exc:
            raise KamError(f"{name}: malformed rule ({exc})") from None

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self._rules]

    def check(self, text: str, turn: int = 0) -> list[Breach]:
        """Breaches in one KAM turn, at most one per rule."""
        parts = sentences(text)
        windows = [[s] for s in parts] + [parts[i : i + 2] for i in range(len(parts) - 1)]
        found: dict[str, Breach] = {}
        for window in windows:
            joined = " ".join(window)
            for rule in self._rules:
                if rule.id in found:
                    continue
                if any(any(p.search(s) for p in rule.exempt) for s in window):
                    continue
                if rule.fires(joined):
                    found[rule.id] = Breach(rule.id, joined, turn)
        return list(found.values())

    def message(self, rule: str, language: str) -> str:
        texts = self.messages.get(rule, {})
        return texts.get(language) or texts.get("en", rule)
