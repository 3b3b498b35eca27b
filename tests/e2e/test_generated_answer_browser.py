"""Generated answers as a KAM sees them in a real browser (Debian's Chromium through
Playwright), in English and in Traditional Chinese, with a language model configured:

- a reply the passages support reads as prose with the app's source marks, not under the
  extractive header, and the Sources panel lists the document the mark points to;
- when the model replies that the passages hold no answer, the chat says so plainly and shows
  the passages' own words with their marks, never the model's reply word.

The model is scripted (a fake is the point here: what the app does with each kind of reply);
the real model's path has its own tests (``tests/integration/test_answering_llm.py``) and
benchmark (``benchmarks/generated_answers.py``). Each step fails on an error toast, an error
badge, a script error in the page or a server exception. Screenshots go to the test's
temporary folder and to ``/tmp/generated_answer_shots/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant.answering.service import NO_ANSWER
from assistant.prompts import Messages, default_library
from tests.support.browser import Shots, assert_no_error, browser_app, first_answer, sign_in

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.usefixtures("no_server_errors"),
]

SHOTS_COPY = Path("/tmp/generated_answer_shots")
# question -> the reply the scripted model gives when the prompt carries it (else NO_ANSWER)
REPLIES = {
    "What does an outcomes-based contract tie the price to?": (
        "An outcomes-based contract ties the price to measured patient outcomes such as "
        "adherence [1]."
    ),
    "第一級客戶是什麼？": "第一級客戶是策略夥伴，雙方共同規劃長期合作。[1]",
}
CASES = {
    # language: (question answered in prose, its words, its source; question without answer)
    "en": (
        "What does an outcomes-based contract tie the price to?",
        "measured patient outcomes such as adherence",
        "payer-value.md",
        "What do payers care about?",
    ),
    "zh-Hant": (
        "第一級客戶是什麼？",
        "第一級客戶是策略夥伴",
        "zh-typology.md",
        "關鍵客戶有哪些類型？",
    ),
}


class ScriptedModel(BaseChatModel):
    """Answers the questions of ``REPLIES``; for any other, says the passages hold none."""

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **_: Any):
        prompt = str(messages[-1].content)
        if prompt.startswith("Passage:"):  # the second reading of a sentence: it holds
            return ChatResult(generations=[ChatGeneration(message=AIMessage("YES"))])
        reply = next((text for q, text in REPLIES.items() if q in prompt), NO_ANSWER)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(reply))])


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[str]:
    with browser_app(tmp_path_factory.mktemp("generated"), chat_model=ScriptedModel()) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Shots:
    return Shots(tmp_path_factory.mktemp("generated-shots"), SHOTS_COPY)


def ask(page, question: str):
    bubble = first_answer(page, question)
    page.wait_for_timeout(800)
    return bubble


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_a_generated_answer_reads_as_prose_and_a_found_no_answer_is_said_plainly(
    browser, app, shots, language
) -> None:
    from playwright.sync_api import expect

    messages = Messages(default_library())
    question, words, source, unanswered = CASES[language]
    errors: list[str] = []

    page = sign_in(browser, app, "mei", language=language)
    page.on("pageerror", lambda error: errors.append(str(error)))
    bubble = ask(page, question)
    shots.take(page, f"{language}-prose")
    text = bubble.inner_text()
    assert words in text, text
    assert messages.get("answer_intro", language).strip() not in text, text
    assert messages.get("model_found_no_answer", language)[:20] not in text, text
    expect(page.locator("#kam-sources .kam-source", has_text=source)).to_be_visible()
    assert_no_error(page, errors, f"{language} prose")
    page.context.close()

    # a fresh page: the second question is no follow-up of the first
    page = sign_in(browser, app, "mei", language=language)
    page.on("pageerror", lambda error: errors.append(str(error)))
    bubble = ask(page, unanswered)
    shots.take(page, f"{language}-found-no-answer")
    text = " ".join(bubble.inner_text().split())
    notice = " ".join(messages.get("model_found_no_answer", language).split())
    assert notice in text, text
    assert NO_ANSWER not in text, text
    assert page.locator("#kam-sources .kam-source").count() >= 1
    assert_no_error(page, errors, f"{language} found no answer")
    page.context.close()
