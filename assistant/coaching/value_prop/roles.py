"""Finding a stakeholder in a draft by role: the role itself, its core words (title words
removed) or a synonym; mentions of our own teams and of the account's name do not count."""

from __future__ import annotations

import re

from assistant.coaching.value_prop.rubric import Criterion

_CJK = re.compile(r"[\u3400-\u9fff]")
_OURS_EN = re.compile(r"\bour\s+(?:\w+[\s-]+)?$", re.IGNORECASE)
_OURS_ZH = ("我們的", "我們", "本公司的", "本公司", "我方")


def role_phrases(role: str, criterion: Criterion) -> tuple[str, ...]:
    """Ways a draft may name a stakeholder: the role, its core words, and synonyms."""
    lowered = " ".join(role.lower().split())
    phrases = [lowered]
    if _CJK.search(lowered):
        core = lowered
        for title in criterion.title_words.get("zh-Hant", ()):
            if core.endswith(title) and len(core) - len(title) >= 3:
                core = core[: -len(title)]
                break
        phrases.append(core)
    else:
        titles = set(criterion.title_words.get("en", ()))
        words = re.findall(r"[\w&]+", lowered)
        kept = [i for i, word in enumerate(words) if word not in titles]
        if kept and kept == list(range(kept[0], kept[-1] + 1)):  # one contiguous run
            phrases.append(" ".join(words[kept[0] : kept[-1] + 1]))
    for group in criterion.synonyms:
        if any(_contains(lowered, term) for term in group):
            phrases.extend(group)
    return tuple(dict.fromkeys(p for p in phrases if p))


def _contains(text: str, phrase: str) -> bool:
    return _find(text.lower(), phrase) is not None


def _find(text: str, phrase: str) -> int | None:
    """Start of the first mention of a phrase not owned by us ("our quality team")."""
    if _CJK.search(phrase):
        pattern = re.compile(re.escape(phrase))
    else:
        pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)
    for match in pattern.finditer(text):
        before = text[: match.start()]
        if _OURS_EN.search(before) or before.endswith(_OURS_ZH):
            continue
        return match.start()
    return None


def first_mention(phrases: tuple[str, ...], units: list[str]) -> int | None:
    for index, unit in enumerate(units):
        if any(_find(unit, phrase) is not None for phrase in phrases):
            return index
    return None


def without_name(unit: str, name: str | None) -> str:
    """The account's own name ("Central Pharma Logistics") is not one of its stakeholders."""
    if not name or not name.strip():
        return unit
    return re.sub(re.escape(name.strip()), " ", unit, flags=re.IGNORECASE)
