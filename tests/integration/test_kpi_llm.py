"""The metric coach's commentary with the real llama.cpp server (SmolLM2): the model comments
and never judges, and the review falls back to offline once the server is gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.coaching.kpi.coach import MetricCoach
from tests.support.kpi_sets import SALES_ONLY, results, review

pytestmark = pytest.mark.integration


def test_real_model_commentary_and_server_loss(local_settings, tmp_path: Path) -> None:
    from assistant.llm import stop_local_servers
    from assistant.services import build_services
    from tests.support.fakes import CountingHashEmbeddings

    settings = local_settings.model_copy(
        update={"data_dir": tmp_path / "data", "embeddings": "hash", "llm_max_tokens": 80}
    )
    built = build_services(settings, CountingHashEmbeddings())
    try:
        coach = MetricCoach(built.coach_context())
        offline = results(review(MetricCoach(_offline(built)), SALES_ONLY))
        report = review(coach, SALES_ONLY)
        assert results(report) == offline  # the model comments; it never judges
        # SmolLM2-135M may write usable English or not: either it is shown, or a notice says why.
        if report.mode == "llm":
            assert len(report.extras["commentary"]) >= 20
        else:
            assert report.extras["notice"]
        stop_local_servers()
        down = review(coach, SALES_ONLY)
        assert down.mode == "offline" and "not reachable" in down.extras["notice"]
        assert results(down) == offline
    finally:
        built.close()


def _offline(built):
    context = built.coach_context()
    context.chat_model = None
    return context
