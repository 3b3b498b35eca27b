"""Turn a follow-up ("and for payers?") into a standalone question using the conversation."""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from assistant.prompts import PromptLibrary

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|also|what about|how about|and what about|same for|what if|then|ok,? and|那|那麼|還有|另外|至於|如果是)",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(it|they|them|this|that|those|these|he|she)\b|它|他們|這個|那個|這些|那些", re.IGNORECASE)


def looks_like_follow_up(question: str) -> bool:
    words = len(question.split())
    cjk = len(re.findall(r"[\u4e00-\u9fff]", question))
    short = (words <= 6 and cjk == 0) or (0 < cjk <= 12)
    return bool(_FOLLOW_UP_START.search(question)) or (short and bool(_PRONOUN.search(question))) or (
        short and question.rstrip().endswith(("呢？", "呢?", "呢"))
    )


class FollowUpRewriter:
    """With a chat model, asks it to rewrite; without, joins the previous user question."""

    def __init__(self, library: PromptLibrary, chat_model: BaseChatModel | None = None) -> None:
        self._library = library
        self._chat_model = chat_model

    def rewrite(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        user_turns = [text for role, text in history if role == "user"]
        if not user_turns or not looks_like_follow_up(question):
            return question
        if self._chat_model is not None:
            transcript = "\n".join(f"{role}: {text}" for role, text in history[-6:])
            prompt = self._library.render("rewrite_followup.md", history=transcript, question=question)
            try:
                rewritten = str(self._chat_model.invoke([HumanMessage(prompt)]).content).strip()
            except Exception:  # an unavailable model must not block answering
                rewritten = ""
            if 3 <= len(rewritten) <= 400 and "\n" not in rewritten.strip():
                return rewritten
        return f"{user_turns[-1]} {question}"
