"""The value proposition rewrite with the real llama.cpp server (SmolLM2), and a clear error
once the server is gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.coaching.value_prop.rewrite import RewriteError
from tests.support.fakes import make_services

pytestmark = pytest.mark.integration


def test_rewrite_with_the_real_llama_server(tmp_path: Path, local_settings) -> None:
    from assistant.llm import build_chat_model, stop_local_servers

    settings = local_settings.model_copy(update={"llm_max_tokens": 60, "llm_context_size": 2048})
    built, _ = make_services(tmp_path / "data")
    context = built.coach_context()
    context.chat_model = build_chat_model(settings)
    coach = ValuePropCoach(context)
    account = {"type": "payer", "level": 2, "objectives": ["Predictable asthma spend"]}
    rewritten = coach.rewrite(account, "Our inhaler is good. Please list it.")
    assert rewritten.text.strip()
    assert rewritten.review.mode == "llm" and 0 <= rewritten.review.score <= 1
    assert {c.id for c in rewritten.review.criteria} == set(coach.rubric_ids)
    stop_local_servers()
    with pytest.raises(RewriteError, match="not reachable|failed"):
        coach.rewrite(account, "Our inhaler is good. Please list it.")
    built.close()
