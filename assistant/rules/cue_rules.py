"""Cue/trigger rules: the one engine behind the question guardrails (``rules/compliance.py``)
and the role-play compliance check (``coaching/roleplay/compliance.py``).

A rule names cue groups (regular expressions) and triggers (lists of group names). A trigger
fires when every group in it matches the text; any firing trigger applies the rule, unless an
``exempt`` pattern matches (declining, referring to Medical Information...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import field_validator, model_validator

from assistant.prompts import ResourceModel


def check_patterns(patterns: list[str]) -> list[str]:
    """For a pydantic validator: each pattern must compile."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r} ({exc})") from None
    return patterns


class CueRuleSpec(ResourceModel):
    """A rule as written in a rule file."""

    id: str
    cues: dict[str, list[str]]
    triggers: list[list[str]]
    exempt: list[str] = []

    @field_validator("cues")
    @classmethod
    def _cues_compile(cls, cues: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in cues.values():
            check_patterns(patterns)
        return cues

    @field_validator("exempt")
    @classmethod
    def _exempt_compiles(cls, exempt: list[str]) -> list[str]:
        return check_patterns(exempt)

    @model_validator(mode="after")
    def _triggers_name_known_cues(self) -> CueRuleSpec:
        unknown = {name for trigger in self.triggers for name in trigger} - set(self.cues)
        if unknown:
            raise ValueError(f"rule {self.id} names unknown cues {sorted(unknown)}")
        return self


@dataclass(frozen=True)
class CueRule:
    """A rule with its patterns compiled."""

    id: str
    cues: dict[str, tuple[re.Pattern[str], ...]]
    triggers: tuple[frozenset[str], ...]
    exempt: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def compile(cls, spec: CueRuleSpec, flags: int = re.IGNORECASE) -> CueRule:
        return cls(
            id=spec.id,
            cues={
                name: tuple(re.compile(p, flags) for p in patterns)
                for name, patterns in spec.cues.items()
            },
            triggers=tuple(frozenset(trigger) for trigger in spec.triggers),
            exempt=tuple(re.compile(p, flags) for p in spec.exempt),
        )

    def exempted(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.exempt)

    def matched_cues(self, text: str) -> set[str]:
        return {
            name
            for name, patterns in self.cues.items()
            if any(pattern.search(text) for pattern in patterns)
        }

    def fires(self, text: str) -> bool:
        if self.exempted(text):
            return False
        matched = self.matched_cues(text)
        return any(trigger <= matched for trigger in self.triggers)
