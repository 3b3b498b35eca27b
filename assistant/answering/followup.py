"""Turn a follow-up ("and for payers?") into a standalone question using the conversation."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from importlib import resources

import yaml
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.llm.deadline import invoke_within
from assistant.prompts import PromptLibrary

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|also|what about|how about|and what about|same for|what if|then|ok,? and|那|那麼|還有|另外|至於|如果是)",  # noqa: E501
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(it|they|them|this|that|those|these|he|she)\b|它|他們|這個|那個|這些|那些", re.IGNORECASE
)


def looks_like_follow_up(question: str) -> bool:
    words = len(question.split())
    cjk = len(re.findall(r"[\u4e00-\u9fff]", question))
    short = (words <= 6 and cjk == 0) or (0 < cjk <= 12)
    return (
        bool(_FOLLOW_UP_START.search(question))
        or (short and bool(_PRONOUN.search(question)))
        or (short and question.rstrip().endswith(("呢？", "呢?", "呢")))
    )


def _load_slots() -> list[tuple[str, list[str]]]:
    """(kind, terms) for each slot group, longest terms first."""
    text = resources.files("assistant.data").joinpath("followup_slots.yaml").read_text("utf-8")
    return [
        (kind, sorted((str(t).lower() for t in group), key=len, reverse=True))
        for kind, groups in (yaml.safe_load(text) or {}).items()
        for group in groups
    ]


def _find(text: str, term: str) -> re.Match[str] | None:
    if term.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", text, re.IGNORECASE)
    return re.search(re.escape(term), text)


class SlotSubstitution:
    """Reuses the previous question with the follow-up's new account type or stakeholder."""

    def __init__(self, groups: list[tuple[str, list[str]]] | None = None) -> None:
        self._groups = groups if groups is not None else _load_slots()

    def _first(self, text: str) -> tuple[int, re.Match[str]] | None:
        for index, (_kind, terms) in enumerate(self._groups):
            for term in terms:
                match = _find(text, term)
                if match:
                    return index, match
        return None

    def rewrite(self, previous: str, follow_up: str) -> str | None:
        new = self._first(follow_up)
        if new is None:
            return None
        new_group, new_match = new
        kind = self._groups[new_group][0]
        for index, (other_kind, terms) in enumerate(self._groups):
            if index == new_group or other_kind != kind:
                continue
            for term in terms:
                old = _find(previous, term)
                if old:
                    return previous[: old.start()] + new_match.group() + previous[old.end() :]
        return None


class FollowUpRewriter:
    """With a chat model, asks it to rewrite; without, swaps the follow-up's account type or
    stakeholder into the previous question, or else joins the two."""

    def __init__(self, library: PromptLibrary, chat_model: BaseChatModel | None = None) -> None:
        self._library = library
        self._chat_model = chat_model
        self._slots = SlotSubstitution()

    def rewrite(
        self,
        question: str,
        history: Sequence[tuple[str, str]],
        deadline: float | None = None,
    ) -> str:
        """The question as it stands alone; a model (if any) is asked within ``deadline``
        (``time.monotonic()``; default: 30 s from now)."""
        user_turns = [text for role, text in history if role == "user"]
        if not user_turns or not looks_like_follow_up(question):
            return question
        if self._chat_model is not None:
            transcript = "\n".join(f"{role}: {text}" for role, text in history[-6:])
            prompt = self._library.render(
                "rewrite_followup.md", history=transcript, question=question
            )
            try:
                until = deadline if deadline is not None else time.monotonic() + 30
                rewritten = invoke_within(self._chat_model, [HumanMessage(prompt)], until).strip()
            except Exception:  # an unavailable model must not block answering
                rewritten = ""
            if 3 <= len(rewritten) <= 400 and "\n" not in rewritten.strip():
                return rewritten
        swapped = self._slots.rewrite(user_turns[-1], question)
        return swapped or f"{user_turns[-1]} {question}"
