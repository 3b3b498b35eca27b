"""Optional LLM-judge metrics (faithfulness, answer relevance), only with an LLM configured.
Prompts are files in ``prompts/``; replies are parsed into a typed verdict, and a reply that
does not parse is left out rather than guessed."""

from __future__ import annotations

import json
import re

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field, ValidationError

from assistant.prompts import PromptLibrary

_JSON = re.compile(r"\{.*\}", re.DOTALL)


class JudgeVerdict(BaseModel):
    score: float = Field(ge=0.0, le=1.0)
    reason: str = ""


def parse_verdict(text: str) -> JudgeVerdict | None:
    match = _JSON.search(text)
    if not match:
        return None
    try:
        return JudgeVerdict.model_validate(json.loads(match.group()))
    except (json.JSONDecodeError, ValidationError):
        return None


class Judge:
    def __init__(self, model: BaseChatModel, library: PromptLibrary) -> None:
        self._model = model
        self._library = library

    def _ask(self, prompt: str) -> JudgeVerdict | None:
        try:
            reply = self._model.invoke([HumanMessage(prompt)])
        except Exception:  # a judge that fails leaves the metric out
            return None
        return parse_verdict(str(reply.content))

    def faithfulness(self, answer: str, passages: list[str]) -> JudgeVerdict | None:
        numbered = "\n\n".join(f"[{i}] {p}" for i, p in enumerate(passages, start=1))
        return self._ask(
            self._library.render("judge_faithfulness.md", passages=numbered, answer=answer)
        )

    def relevance(self, question: str, answer: str) -> JudgeVerdict | None:
        return self._ask(
            self._library.render("judge_relevance.md", question=question, answer=answer)
        )
