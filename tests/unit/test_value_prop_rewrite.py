"""The value proposition rewrite by a language model (scripted here): the prompt it is sent,
the re-review of the rewrite, new figures flagged, and clear errors without a model or when
the model fails."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.coaching.common.context import CoachContext
from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.coaching.value_prop.rewrite import RewriteError, new_figures
from tests.support.value_prop_drafts import ACCOUNT, STRONG, WEAK


@pytest.fixture
def coach(services) -> ValuePropCoach:
    return ValuePropCoach(services.coach_context())


class RecordingModel(GenericFakeChatModel):
    """A scripted chat model that keeps the prompts it was sent."""

    seen: list = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(messages)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def _coach_with(services, model) -> ValuePropCoach:
    context: CoachContext = services.coach_context()
    context.chat_model = model
    return ValuePropCoach(context)


def test_rewrite_with_a_scripted_model(services) -> None:
    reply = f"Here is the rewrite:\n```\n{STRONG} We expect 42 fewer admissions.\n```"
    model = RecordingModel(messages=iter([AIMessage(content=reply)]), seen=[])
    rewritten = _coach_with(services, model).rewrite(ACCOUNT, WEAK)
    assert rewritten.text.startswith("Riverbend wants") and "```" not in rewritten.text
    assert rewritten.review.mode == "llm"
    assert rewritten.review.score > rewritten.original_score
    # 21 and 17 are new too (the weak draft has no figures); 30 is in the account profile
    assert {"42", "21", "17"} <= set(rewritten.new_figures) and "30" not in rewritten.new_figures
    system, user = model.seen[0]
    assert "compliant" in system.content.lower() or "compliance" in system.content.lower()
    assert WEAK in user.content and "objective: Reduce 30-day heart failure" in user.content
    assert rewritten.as_dict()["mode"] == "llm"


def test_rewrite_needs_a_model_and_reports_failures(services, coach: ValuePropCoach) -> None:
    with pytest.raises(RewriteError, match="needs a language model"):
        coach.rewrite(ACCOUNT, WEAK)

    class Broken(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            raise ConnectionError("refused")

    with pytest.raises(RewriteError, match="not reachable"):
        _coach_with(services, Broken(messages=iter([]))).rewrite(ACCOUNT, WEAK)
    empty = GenericFakeChatModel(messages=iter([AIMessage(content="  ")]))
    with pytest.raises(RewriteError, match="empty rewrite"):
        _coach_with(services, empty).rewrite(ACCOUNT, WEAK)


def test_new_figures_ignore_known_numbers() -> None:
    assert new_figures("cut 21% to 17% by 2027, 1,200 beds", "from 21% to 17%", "1200") == ["2027"]
