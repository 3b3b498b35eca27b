"""Compliance guardrails (off-label, inducements, patient data) and prompt-injection hygiene."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language import detect_language, is_chinese
from assistant.prompts import PromptLibrary


@dataclass(frozen=True)
class ComplianceVerdict:
    rule: str
    action: str  # "refuse" or "warn"
    message: str


@dataclass(frozen=True)
class _Rule:
    id: str
    action: str
    cues: dict[str, tuple[re.Pattern[str], ...]]
    triggers: tuple[tuple[str, ...], ...]
    messages: dict[str, str]

    def fires(self, question: str) -> bool:
        matched = {name for name, patterns in self.cues.items()
                   if any(p.search(question) for p in patterns)}
        return any(set(trigger) <= matched for trigger in self.triggers)


class ComplianceGuard:
    """Checks a question against the rules in ``prompts/compliance_rules.yaml``."""

    def __init__(self, library: PromptLibrary) -> None:
        raw = library.data("compliance_rules.yaml")
        self._rules = []
        for rule in raw["rules"]:
            cues = {
                name: tuple(re.compile(p, re.IGNORECASE | re.DOTALL) for p in patterns)
                for name, patterns in rule["cues"].items()
            }
            triggers = tuple(tuple(trigger) for trigger in rule["triggers"])
            unknown = {name for trigger in triggers for name in trigger} - set(cues)
            if unknown:
                raise ValueError(f"compliance rule {rule['id']}: unknown cues {sorted(unknown)}")
            messages = {lang: " ".join(str(text).split())
                        for lang, text in raw["messages"][rule["id"]].items()}
            self._rules.append(_Rule(rule["id"], rule.get("action", "refuse"), cues, triggers, messages))

    def check(self, question: str) -> ComplianceVerdict | None:
        language = "zh-Hant" if is_chinese(detect_language(question)) else "en"
        for rule in self._rules:
            if rule.fires(question):
                message = rule.messages.get(language) or rule.messages["en"]
                return ComplianceVerdict(rule.id, rule.action, message)
        return None


# Sentences in documents that address the assistant rather than inform the reader.
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier|your)\s+"
    r"(instructions|rules|prompts?|directions)"
    r"|(reveal|print|show|repeat|output)\s+(your|the)\s+(system\s+)?prompt"
    r"|\b(you are now|act as|from now on,? you)\b"
    r"|\bcite\s+this\s+(document|passage|source)\s+(for|in)\s+(everything|every|all)"
    r"|\b(as an ai|language model)\b.{0,40}\b(must|should|will)\b"
    r"|忽略(之前|先前|以上|所有)(的)?(指示|指令|規則)|顯示(你的)?系統提示",
    re.IGNORECASE,
)


def looks_like_injection(sentence: str) -> bool:
    """True for text that tries to instruct the assistant (it is dropped from evidence)."""
    return bool(_INJECTION.search(sentence))
