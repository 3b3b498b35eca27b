"""The web app's named endpoints through gradio_client, with users and roles."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client, handle_file

from tests.support.factories import write
from tests.support.servers import client_for, signed_in
from tests.support.web_app import serve_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    write(
        root / "evals" / "tiny.yaml",
        "name: tiny\nthresholds: {hit@5: 0.5}\nquestions:\n"
        "  - id: t1\n    question: What do payers care about?\n    lang: en\n"
        "    answerable: true\n    expected_sources: [payer-value.md]\n"
        "    key_facts: [total cost of care]\n",
    )
    with serve_app(root) as app:
        assert app.ctx.indexer.state.message.startswith("3 added"), app.ctx.indexer.state.message
        yield app.url


def test_login_is_required(app_url):
    with pytest.raises(Exception):  # noqa: B017  (gradio_client raises a plain error)
        Client(app_url, verbose=False).predict(api_name="/status")
    with pytest.raises(Exception):  # noqa: B017
        Client(app_url, auth=("mei", "wrong"), verbose=False)
    assert client_for(app_url, "mei").predict(api_name="/status")["role"] == "kam"


def test_status_reports_model_mode_and_index(app_url):
    status = client_for(app_url, "ada").predict(api_name="/status")
    assert status["embeddings"] == "hash"
    assert status["answer_mode"] == "extractive"
    assert status["documents"] == 3 and status["chunks"] > 0
    assert status["user"] == "ada" and status["role"] == "admin"


def test_ask_streams_a_cited_answer_with_openable_sources(app_url):
    c = client_for(app_url, "mei")
    parts = list(c.submit("What do payers care about?", [], [], [], api_name="/ask"))
    final = parts[-1]
    assert final["done"] is True and not final["abstained"]
    assert len(parts) >= 2 and parts[0]["done"] is False
    assert final["citations"] and final["citations"][0]["source"] == "payer-value.md"
    assert "[1]" in final["text"]
    link = final["citations"][0]["link"].split("#")[0]
    page = signed_in(app_url, "mei").get(link.lstrip("/"))
    assert page.status_code == 200 and "total cost of care" in page.text


def test_tampered_or_foreign_document_links_are_refused(app_url):
    hits = client_for(app_url, "ada").predict(
        "red-flag escalation regional director", 5, api_name="/search"
    )
    link = next(h["link"] for h in hits if h["source"] == "escalation.md")
    admin, kam = signed_in(app_url, "ada"), signed_in(app_url, "mei")
    link = link.split("#")[0].lstrip("/")
    assert admin.get(link).status_code == 200
    # Same link claimed for the KAM: the signature no longer matches.
    assert kam.get(link.replace("u=ada", "u=mei")).status_code == 403
    assert admin.get(link.replace("sig=", "sig=0")).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "escalation rules",
        "red-flag escalation regional director",
        "compliance officer copied",
        "four business hours",
        "escalation promotional materials",
    ],
)
def test_kam_never_receives_internal_passages(app_url, query):
    kam, trainer = client_for(app_url, "mei"), client_for(app_url, "tom")
    assert all(p["access"] == "public" for p in kam.predict(query, 10, api_name="/search"))
    answer = kam.predict(query, [], [], [], api_name="/ask")
    assert all(p["access"] == "public" for p in answer["passages"])
    assert all(c["source"] != "escalation.md" for c in answer["citations"])
    assert any(p["access"] == "internal" for p in trainer.predict(query, 10, api_name="/search"))


def test_filters_restrict_language(app_url):
    hits = client_for(app_url, "ada").predict("客戶 層級", 5, [], ["zh-Hant"], api_name="/search")
    assert hits and all(h["language"] == "zh-Hant" for h in hits)


def test_feedback_becomes_draft_questions_for_trainers(app_url):
    import yaml

    client_for(app_url, "mei").predict(
        "Which KPIs suit a wholesaler?",
        "an answer",
        [],
        -1,
        False,
        "too vague",
        api_name="/feedback",
    )
    with pytest.raises(Exception, match="only trainers"):
        client_for(app_url, "mei").predict(api_name="/feedback_drafts")
    drafts = yaml.safe_load(client_for(app_url, "tom").predict(api_name="/feedback_drafts"))
    questions = {q["question"]: q for q in drafts["questions"]}
    assert questions["Which KPIs suit a wholesaler?"]["review"]["comment"] == "too vague"


def test_feedback_is_stored(app_url):
    result = client_for(app_url, "mei").predict(
        "What do payers care about?",
        "an answer",
        ["payer-value.md"],
        -1,
        True,
        "wrong source",
        api_name="/feedback",
    )
    assert result["id"] >= 1


def test_library_is_for_admins(app_url, tmp_path):
    kam, admin = client_for(app_url, "mei"), client_for(app_url, "ada")
    names = {d["source"] for d in kam.predict(api_name="/documents")}
    assert names == {"payer-value.md", "zh-typology.md"}  # internal one hidden
    doc = next(d for d in admin.predict(api_name="/documents") if d["source"] == "payer-value.md")
    with pytest.raises(Exception, match="only admins"):
        kam.predict(doc["doc_hash"], api_name="/delete_document")
    chunks = admin.predict(doc["doc_hash"], api_name="/document_chunks")
    assert chunks and "total cost of care" in " ".join(c["text"] for c in chunks)


def test_upload_replace_delete_cycle(app_url, tmp_path):
    admin = client_for(app_url, "ada")
    good = write(tmp_path / "../weird name?.md", "# Hospital CFO\n\nA CFO asks for budget impact.")
    empty = write(tmp_path / "empty.md", "")
    rows, _ = admin.predict(
        [handle_file(str(good)), handle_file(str(empty))], "public", "kb", api_name="/upload"
    )
    by_status = {row[1] for row in rows["data"]}
    assert by_status == {"added", "failed"}
    assert any("empty" in row[2] for row in rows["data"] if row[1] == "failed")
    added = [d for d in admin.predict(api_name="/documents") if d["source"].startswith("weird")]
    assert len(added) == 1 and "/" not in added[0]["source"]
    assert admin.predict(added[0]["doc_hash"], api_name="/delete_document")
    assert not [d for d in admin.predict(api_name="/documents") if d["source"].startswith("weird")]


def test_upload_is_refused_for_a_kam(app_url, tmp_path):
    note = write(tmp_path / "note.md", "# Note\n\nSome text.")
    with pytest.raises(Exception, match="only admins"):
        client_for(app_url, "mei").predict(
            [handle_file(str(note))], "public", "kb", api_name="/upload"
        )


def test_evaluation_runs_for_trainers_only(app_url):
    with pytest.raises(Exception, match="only trainers"):
        client_for(app_url, "mei").predict("tiny.yaml", api_name="/run_eval")
    trainer = client_for(app_url, "tom")
    assert trainer.predict(api_name="/question_sets") == ["tiny.yaml"]
    first = trainer.predict("tiny.yaml", api_name="/run_eval")
    metrics = {m["metric"]: m["value"] for m in first["metrics"]}
    assert metrics["hit@5"] == 1.0 and first["threshold_failures"] == []
    second = trainer.predict("tiny.yaml", api_name="/run_eval")
    assert {c["metric"] for c in second["comparison"]} >= {"hit@5"}


def test_health_endpoint(app_url):
    health = signed_in(app_url, "ada").get("health").json()
    assert health["status"] == "ok" and health["index"]["documents"] >= 3
    assert httpx.get(app_url + "health").json() == {
        key: {"ok": True} if isinstance(value, dict) else value
        for key, value in health.items()
        if key in ("status", "index", "vectors", "llm")
    } | {k: "-" for k in health if k not in ("status", "index", "vectors", "llm")}


def test_a_follow_up_is_rewritten_and_says_so(app_url):
    """The page and the API keep [question, answer] pairs; the follow-up is read with them
    (it never was: the service received them in the wrong shape)."""
    c = client_for(app_url, "mei")
    first = c.predict("What do payers care about?", [], [], [], api_name="/ask")
    history = [["What do payers care about?", first["text"]]]
    follow = c.predict("And what about outcomes-based contracts?", history, [], [], api_name="/ask")
    assert follow["standalone_question"] != "And what about outcomes-based contracts?"
    assert "payers" in follow["standalone_question"].lower()
