"""Optional LLM commentary on a KPI review. The offline review stands on its own: a model that
is down, slow or writes garbage only adds a notice."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.report import CriterionResult
from assistant.coaching.kpi.catalogue import Suggestion
from assistant.coaching.kpi.model import Kpi
from assistant.prompts import Messages, PromptLibrary
from assistant.text.language import detect_language, is_chinese

MAX_CHARS = 1200
MIN_CHARS = 20
MIN_WORDS = 6
MAX_ECHO_SHARE = 0.5  # of the commentary's 4-grams found in the prompt
MAX_REPEAT_SHARE = 0.3  # of its words (or CJK characters) being one and the same
LANGUAGE_NAMES = {"en": "English", "zh-Hant": "Traditional Chinese (繁體中文)"}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


@dataclass(frozen=True)
class Commentary:
    text: str | None
    notice: str | None = None


def comment(
    chat_model: BaseChatModel,
    library: PromptLibrary,
    messages: Messages,
    account: AccountProfile,
    kpis: Sequence[Kpi],
    criteria: Sequence[CriterionResult],
    suggestions: Sequence[Suggestion],
    language: str,
) -> Commentary:
    """Ask the model for a short commentary; check it is usable text in the right language."""
    language_name = LANGUAGE_NAMES[language]
    prompt = [
        SystemMessage(library.render("coach_kpi_system.md", language=language_name)),
        HumanMessage(
            library.render(
                "coach_kpi_user.md",
                account=_account(account),
                kpis="\n".join(f"{i}. {_kpi(k)}" for i, k in enumerate(kpis, start=1)),
                findings=_findings(criteria),
                suggestions="\n".join(f"- {s.entry.name[language]}" for s in suggestions) or "-",
                language=language_name,
            )
        ),
    ]
    try:
        raw = chat_model.invoke(prompt).content
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to the offline review
        from assistant.llm import reason_for_users

        return Commentary(
            None, messages.get("notices.llm_unavailable", language, reason=reason_for_users(exc))
        )
    text = _clean(raw if isinstance(raw, str) else str(raw))
    if not _usable(text, language, prompt[1].content):
        return Commentary(None, messages.get("notices.llm_unusable", language))
    return Commentary(text)


def _account(account: AccountProfile) -> str:
    parts = [account.name or "", account.type, f"level {account.level}"]
    if account.lifecycle_stage:
        parts.append(account.lifecycle_stage)
    objectives = "; ".join(account.objectives) or "-"
    return ", ".join(p for p in parts if p) + f". Objectives: {objectives}"


def _findings(criteria: Sequence[CriterionResult]) -> str:
    """Weak criteria with their feedback; the met ones in one line (keeps the prompt short)."""
    lines = [f"- {c.name}: {c.result}. {c.feedback}" for c in criteria if c.result != "met"]
    met = [c.name for c in criteria if c.result == "met"]
    if met:
        lines.append(f"- met: {'; '.join(met)}")
    return "\n".join(lines)


def _kpi(kpi: Kpi) -> str:
    fields = ("definition", "target", "time_frame", "owner")
    details = "; ".join(f"{f}: {getattr(kpi, f)[:120]}" for f in fields if getattr(kpi, f))
    return f"{kpi.name}" + (f" ({details})" if details else "")


def _clean(text: str) -> str:
    """Plain text, cut at a sentence end under the length limit."""
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL)
    text = " ".join(text.replace("#", " ").split())
    if len(text) <= MAX_CHARS:
        return text
    cut = ""
    for piece in _SENTENCE_END.split(text):
        if len(cut) + len(piece) + 1 > MAX_CHARS:
            break
        cut = f"{cut} {piece}".strip()
    return cut or text[:MAX_CHARS]


def _usable(text: str, language: str, prompt: str) -> bool:
    """Long enough, in the review's language, not mostly copied from the prompt and not one
    character or word over and over (what a very small model writes when it is lost)."""
    if len(text) < MIN_CHARS or (language == "en" and len(text.split()) < MIN_WORDS):
        return False
    if is_chinese(detect_language(text)) != (language == "zh-Hant"):
        return False
    units = _units(text)
    if not units or max(units.count(u) for u in set(units)) > MAX_REPEAT_SHARE * len(units):
        return False
    grams = _grams(units)
    copied = _grams(_units(prompt))
    return not grams or sum(g in copied for g in grams) < MAX_ECHO_SHARE * len(grams)


def _units(text: str) -> list[str]:
    """Words, with each CJK character a word of its own; punctuation dropped."""
    return re.findall(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+", text.lower())


def _grams(units: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(units[i : i + n]) for i in range(len(units) - n + 1)}
