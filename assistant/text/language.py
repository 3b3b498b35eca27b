"""Language detection good enough for routing: English vs Chinese (Traditional or Simplified)."""

from __future__ import annotations

import re

_CJK_RANGES = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(rf"[{_CJK_RANGES}]")
_LATIN = re.compile(r"[A-Za-z]")
# Chinese characters and full-width punctuation: no space belongs between two of them.
_WIDE = rf"\u3000-\u303f{_CJK_RANGES}\uff00-\uffef"
_GAP_BETWEEN_WIDE = re.compile(rf"(?<=[{_WIDE}])\s+(?=[{_WIDE}])")
# Characters that exist only in the Simplified script (their Traditional forms differ).
_SIMPLIFIED_ONLY = set(
    "这们来时为说国会对发经过还后种现实关进动问题长门见业东样产学应认间区价务开计资体场"
)
_TRADITIONAL_ONLY = set(
    "這們來時為說國會對發經過還後種現實關進動問題長門見業東樣產學應認間區價務開計資體場"
)


def detect_language(text: str) -> str:
    """Return 'zh-Hant', 'zh-Hans', 'en' or 'und' for a piece of text."""
    cjk = _CJK.findall(text)
    latin_letters = len(_LATIN.findall(text))
    if not cjk and not latin_letters:
        return "und"
    # A CJK character carries about as much as a 3-4 letter English word.
    if len(cjk) * 3 >= latin_letters:
        simplified = sum(1 for ch in cjk if ch in _SIMPLIFIED_ONLY)
        traditional = sum(1 for ch in cjk if ch in _TRADITIONAL_ONLY)
        return "zh-Hans" if simplified > traditional else "zh-Hant"
    return "en"


def has_cjk(text: str) -> bool:
    """Whether the text holds any Chinese character."""
    return _CJK.search(text) is not None


def cjk_count(text: str) -> int:
    """How many Chinese characters the text holds."""
    return len(_CJK.findall(text))


def is_chinese(language: str) -> bool:
    return language.startswith("zh")


def unwrap(text: str) -> str:
    """Text written over several lines (a folded YAML message) as one line: runs of white
    space become one space, and none is left between two Chinese characters or marks."""
    return _GAP_BETWEEN_WIDE.sub("", " ".join(text.split()))
