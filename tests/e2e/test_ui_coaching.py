"""Coaching through the web app's named endpoints: value propositions, KPI sets, role-play,
and the trainer's view with its visibility rules."""

from __future__ import annotations

import pytest

from tests.support.servers import client_for
from tests.support.web_app import serve_app

pytestmark = pytest.mark.slow

ACCOUNT = {
    "type": "payer",
    "level": 2,
    "stakeholders": ["Medical director", "Pharmacy director"],
    "objectives": ["Lower total cost of care for diabetes"],
    "pain_points": ["Rising hospital admissions"],
}
DRAFT = (
    "Your plan wants to lower the total cost of care for diabetes. We propose an outcomes-based "
    "contract: if hospital admissions do not fall by 10% within 12 months, we refund part of the "
    "price. For the medical director, real-world evidence; for the pharmacy director, a budget "
    "impact model on your claims data."
)
KPIS = [
    {
        "name": "Formulary decision",
        "definition": "Medicine listed on the payer formulary",
        "formula": "listed yes/no",
        "data_source": "payer formulary bulletin",
        "target": "listed",
        "time_frame": "by Q3",
        "owner": "KAM",
    },
    {"name": "Sales volume", "definition": "units sold", "owner": "KAM"},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("coach-ui")) as app:
        yield app.url
        app.ctx.close()


def test_value_proposition_review(server) -> None:
    result = client_for(server, "mei").predict(ACCOUNT, DRAFT, False, api_name="/coach_value_prop")
    assert 0 <= result["score"] <= 1
    assert {c["result"] for c in result["criteria"]} <= {"met", "partly", "missing"}
    assert len(result["criteria"]) >= 8 and result["canvas_markdown"].strip()
    assert all(c["source"] != "escalation.md" for c in result["citations"])


def test_value_proposition_rewrite_without_llm_is_a_clear_message(server) -> None:
    with pytest.raises(Exception, match="(?i)llm|language model"):
        client_for(server, "mei").predict(ACCOUNT, DRAFT, True, api_name="/coach_value_prop")


def test_bad_account_is_a_clear_message(server) -> None:
    with pytest.raises(Exception, match="(?i)level"):
        client_for(server, "mei").predict(
            {**ACCOUNT, "level": 7}, DRAFT, False, api_name="/coach_value_prop"
        )


def test_kpi_review(server) -> None:
    result = client_for(server, "mei").predict(ACCOUNT, KPIS, api_name="/coach_metrics")
    assert 0 <= result["score"] <= 1 and result["criteria"]
    assert all(c["source"] != "escalation.md" for c in result["citations"])


def test_roleplay_session_and_trainer_view(server) -> None:
    mei, kai, tom, ada = (client_for(server, u) for u in ("mei", "kai", "tom", "ada"))
    scenarios = mei.predict(api_name="/roleplay_scenarios")
    assert len(scenarios) >= 8
    scenario = next(s for s in scenarios if s["language"] == "en")
    started = mei.predict(scenario["id"], api_name="/roleplay_start")
    assert started["persona"].strip()
    session = started["session_id"]
    reply = mei.predict(
        session,
        "Thank you for your time. What matters most to you this year?",
        api_name="/roleplay_say",
    )
    assert reply["persona"].strip()
    with pytest.raises(Exception, match="someone else"):
        kai.predict(session, "hello", api_name="/roleplay_say")
    card = mei.predict(session, api_name="/roleplay_end")
    assert card["criteria"] and 0 <= card["score"] <= 1

    assert [s["id"] for s in tom.predict("", api_name="/trainer_sessions")] == [session]
    assert ada.predict("mei", api_name="/trainer_sessions")
    assert kai.predict("", api_name="/trainer_sessions") == []
    with pytest.raises(Exception, match="may not"):
        kai.predict(session, api_name="/trainer_session")
    criterion = card["criteria"][0]["id"]
    with pytest.raises(Exception, match="only trainers"):
        mei.predict(session, criterion, "met", "self-assessed", api_name="/trainer_override")
    detail = tom.predict(
        session, criterion, "met", "good opening in the room", api_name="/trainer_override"
    )
    assert "good opening in the room" in str(detail)
    progress = tom.predict("mei", api_name="/trainer_progress")
    assert progress["points"]
    with pytest.raises(Exception, match="may not"):
        tom.predict("kai", api_name="/trainer_progress")


def test_scenario_editor_is_for_trainers(server) -> None:
    mei, tom = client_for(server, "mei"), client_for(server, "tom")
    with pytest.raises(Exception, match="only trainers"):
        mei.predict("id: x", api_name="/scenario_save")
    with pytest.raises(Exception):  # noqa: B017  (a validation message names the field)
        tom.predict("id: broken\ntitle: no other fields", api_name="/scenario_save")
