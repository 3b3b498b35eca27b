"""The LLM rewrite of a value proposition: the prompt from files, the call with friendly errors,
and a check for figures the model added."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.report import CoachReport
from assistant.coaching.value_prop.rubric import Rubric
from assistant.errors import KamError
from assistant.prompts import PromptLibrary

SYSTEM_PROMPT = "coach_value_prop_system.md"
USER_PROMPT = "coach_value_prop_rewrite.md"
LANGUAGE_NAMES = {"en": "English", "zh-Hant": "Traditional Chinese (繁體中文)"}

_FENCE = re.compile(r"^```[\w-]*\s*|\s*```$")
_PREAMBLE = re.compile(
    r"^\s*(here is|here's|rewritten|revised|improved|suggested)[^\n]{0,80}:\s*\n", re.IGNORECASE
)
_MARKERS = re.compile(r"^\s*(<<<|>>>)\s*$", re.MULTILINE)
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")


class RewriteError(KamError):
    """The rewrite could not be made (no model, the model failed, or it returned nothing)."""


@dataclass
class ValuePropRewrite:
    """The model's rewrite, scored offline like any draft."""

    text: str
    review: CoachReport
    original_score: float
    new_figures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "score": round(self.review.score, 3),
            "original_score": round(self.original_score, 3),
            "criteria": {c.id: c.result for c in self.review.criteria},
            "new_figures": list(self.new_figures),
            "mode": "llm",
        }


def describe_account(account: AccountProfile) -> str:
    lines = [f"name: {account.name}"] if account.name else []
    lines += [f"type: {account.type}", f"level: {account.level}"]
    if account.lifecycle_stage:
        lines.append(f"lifecycle stage: {account.lifecycle_stage}")
    for s in account.stakeholders:
        concerns = f" (cares about: {', '.join(s.concerns)})" if s.concerns else ""
        lines.append(f"stakeholder: {s.role}{concerns}")
    lines += [f"objective: {item}" for item in account.objectives]
    lines += [f"pain point: {item}" for item in account.pain_points]
    return "\n".join(lines)


def rewrite_prompt(
    library: PromptLibrary,
    rubric: Rubric,
    account: AccountProfile,
    draft: str,
    review: CoachReport,
    language: str,
) -> list[BaseMessage]:
    """System and user messages for the rewrite, from ``prompts/``."""
    guide = "\n".join(f"- {c.name('en')}: {c.guide['met']}" for c in rubric.criteria)
    gaps = (
        "\n".join(f"- {c.name}: {c.feedback}" for c in review.criteria if c.result != "met")
        or "- Nothing major: tighten the wording."
    )
    user = library.render(
        USER_PROMPT,
        account=describe_account(account),
        rubric=guide,
        gaps=gaps,
        draft=draft.strip(),
        language=LANGUAGE_NAMES.get(language, "English"),
    )
    return [SystemMessage(library.text(SYSTEM_PROMPT).strip()), HumanMessage(user)]


def call_model(chat_model: BaseChatModel, messages: list[BaseMessage]) -> str:
    """Invoke the model; failures become a ``RewriteError`` worded for the user."""
    from assistant.llm import reason_for_users

    try:
        reply = chat_model.invoke(messages)
    except KamError:
        raise
    except Exception as exc:  # noqa: BLE001 - any client failure is reported, never a traceback
        raise RewriteError(f"The rewrite failed: {reason_for_users(exc)}") from None
    content = reply.content if isinstance(reply.content, str) else str(reply.content)
    text = clean_rewrite(content)
    if not text:
        raise RewriteError("The language model returned an empty rewrite; try again.")
    return text


def clean_rewrite(text: str) -> str:
    """Drop code fences, prompt markers and a "Here is the rewrite:" preamble."""
    text = _PREAMBLE.sub("", text.strip())
    text = _FENCE.sub("", text.strip())
    text = _MARKERS.sub("", text)
    return text.strip()


def new_figures(rewrite: str, *sources: str) -> list[str]:
    """Numbers in the rewrite that neither the draft nor the account profile contains."""
    known = {f.replace(",", "") for source in sources for f in _FIGURE.findall(source)}
    added = [f for f in _FIGURE.findall(rewrite) if f.replace(",", "") not in known]
    return list(dict.fromkeys(added))
