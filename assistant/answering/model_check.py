"""A second reading of the generated sentences the support check kept: the language model is
asked, one sentence at a time, whether the passage the sentence is cited to says all of it.

The support check (``support.py``) reads words, figures, names and an encoder's similarity; it
keeps a sentence that trades two roles or states what the passage leaves open when its words
are close enough. A small local model told to check "every name, number, who does what" catches
most of those, and it almost never rejects a faithful sentence (labelled claims,
``evals/README.md``). Only a clear NO removes a sentence: an unclear reply, a failed call or no
time left keeps the support check's verdict."""

from __future__ import annotations

import logging
import re
import time

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.llm.deadline import invoke_within
from assistant.prompts import PromptLibrary

log = logging.getLogger(__name__)

_NO = re.compile(r"^\W*(no\b|否|不)", re.IGNORECASE)
# The reply is one word; a few tokens leave room for punctuation and a chat template's prefix.
_REPLY_TOKENS = 4


class ModelCheck:
    def __init__(self, chat_model: BaseChatModel, library: PromptLibrary) -> None:
        self._model = chat_model.bind(max_tokens=_REPLY_TOKENS, temperature=0)
        self._library = library
        self._system = library.render("support_check_system.md")

    def refutes(self, claim: str, passage: str, deadline: float) -> bool:
        """True when the model says the passage does not state all of ``claim``; False when
        it says it does, replies unclearly, fails, or ``deadline`` (``time.monotonic()``) has
        passed."""
        if time.monotonic() >= deadline:
            return False
        messages = [
            SystemMessage(self._system),
            HumanMessage(
                self._library.render("support_check_user.md", passage=passage, claim=claim)
            ),
        ]
        try:
            reply = invoke_within(self._model, messages, deadline)  # type: ignore[arg-type]
        except Exception as exc:  # the support check's verdict stands
            log.info("claim check skipped: %s", exc)
            return False
        return bool(_NO.match(reply.strip()))
