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
    patterns: tuple[re.Pattern[str], ...]
    messages: dict[str, str]


class ComplianceGuard:
    """Checks a question against the rules in ``prompts/compliance_rules.yaml``."""

    def __init__(self, library: PromptLibrary) -> None:
        raw = library.data("compliance_rules.yaml")
        self._rules = [
            _Rule(
                id=rule["id"],
                action=rule.get("action", "refuse"),
                patterns=tuple(
                    re.compile(pattern, re.IGNORECASE | re.DOTALL)
                    for patterns in rule["patterns"].values()
                    for pattern in patterns
                ),
                messages={lang: " ".join(str(text).split()) for lang, text in rule["message"].items()},
            )
            for rule in raw["rules"]
        ]

    def check(self, question: str) -> ComplianceVerdict | None:
        language = "zh-Hant" if is_chinese(detect_language(question)) else "en"
        for rule in self._rules:
            if any(pattern.search(question) for pattern in rule.patterns):
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
