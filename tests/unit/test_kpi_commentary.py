"""The metric coach's commentary by a language model (scripted here): it comments and never
changes the judgement, and a failing or unusable model falls back to the offline review."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.coaching.kpi.coach import MetricCoach
from tests.support.kpi_sets import SALES_ONLY, results, review


def _coach_with(services, model) -> MetricCoach:
    context = services.coach_context()
    context.chat_model = model
    return MetricCoach(context)


def test_commentary_from_a_scripted_model(services) -> None:
    text = "Start with the compliance gate. Then add a leading KPI such as DMU coverage."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=text)]))
    report = review(_coach_with(services, model), SALES_ONLY)
    assert report.mode == "llm" and report.extras["commentary"] == text
    assert report.as_dict()["commentary"] == text
    offline = review(MetricCoach(services.coach_context()), SALES_ONLY)
    assert results(report) == results(offline)  # the model never changes the judgement


def test_model_failures_fall_back_to_the_offline_review(services) -> None:
    class Broken(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            raise ConnectionError("refused")

    down = review(_coach_with(services, Broken(messages=iter([]))), SALES_ONLY)
    assert down.mode == "offline" and "not reachable" in down.extras["notice"]
    garbage = GenericFakeChatModel(
        messages=iter([AIMessage(content="這是中文的評論，不是英文。" * 3)])
    )
    wrong = review(_coach_with(services, garbage), SALES_ONLY)
    assert wrong.mode == "offline" and "unusable" in wrong.extras["notice"]
    assert "commentary" not in wrong.extras
    echo = GenericFakeChatModel(messages=iter([AIMessage(content="Account: Riverbend Health")]))
    echoed = review(_coach_with(services, echo), SALES_ONLY)
    assert echoed.mode == "offline" and "unusable" in echoed.extras["notice"]
