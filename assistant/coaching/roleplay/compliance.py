"""Compliance checks on what the KAM says in a role-play (``prompts/roleplay_compliance.yaml``):
off-label claims, inducements tied to decisions, guaranteed outcomes, patient-identifiable data.

``assistant.rules.compliance`` screens requests made *to* the assistant ("help me word a
gift"); a KAM
speaking *to* a customer breaches differently ("it works in children too"), so the rules differ.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.coaching.roleplay.matcher import sentences
from assistant.prompts import PromptLibrary, ResourceModel
from assistant.rules.cue_rules import CueRule, CueRuleSpec
from assistant.text.language import unwrap


@dataclass(frozen=True)
class Breach:
    """A compliance breach: the rule, the KAM's sentence, and the KAM turn (1-based)."""

    rule: str
    quote: str
    turn: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UtteranceRuleSpec(CueRuleSpec):
    message: dict[str, str]


class UtteranceRules(ResourceModel):
    """``prompts/roleplay_compliance.yaml``."""

    rules: list[UtteranceRuleSpec]


class UtteranceCompliance:
    """Checks each sentence of a KAM turn, and each pair of neighbouring sentences (an offer and
    its condition are often said apart). A sentence that declines or refers ("I can't...",
    "Medical Information will answer") exempts its window."""

    def __init__(self, library: PromptLibrary, name: str = "roleplay_compliance.yaml") -> None:
        raw = library.load(name, UtteranceRules)
        self._rules = [CueRule.compile(rule) for rule in raw.rules]
        self.messages: dict[str, dict[str, str]] = {
            rule.id: {lang: unwrap(text) for lang, text in rule.message.items()}
            for rule in raw.rules
        }

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
                if any(rule.exempted(sentence) for sentence in window):
                    continue
                if rule.fires(joined):
                    found[rule.id] = Breach(rule.id, joined, turn)
        return list(found.values())

    def message(self, rule: str, language: str) -> str:
        texts = self.messages.get(rule, {})
        return texts.get(language) or texts.get("en", rule)
