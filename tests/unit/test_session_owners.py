"""A page session is held by the user who first used it: the middleware finds the session a
request names (query, path, JSON body, an event's session) on stand-in routes."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from assistant.ui.hardening import LoginThrottle, SessionOwners, install

EVENTS = {"event-of-mei": "page-1"}


def _client(owners: SessionOwners) -> TestClient:
    server = FastAPI()

    @server.api_route("/{rest:path}", methods=["GET", "POST"])
    async def anything(request: Request, rest: str):
        return {"reached": rest}

    install(
        server,
        LoginThrottle(),
        lambda: 10,
        owners=owners,
        user_of=lambda request: request.headers.get("x-user"),
        event_session=EVENTS.get,
    )
    return TestClient(server)


def test_each_place_a_session_is_named_is_checked() -> None:
    client = _client(SessionOwners())
    mei, tom = {"x-user": "mei"}, {"x-user": "tom"}
    assert client.get("/gradio_api/queue/data?session_hash=page-1", headers=mei).status_code == 200
    refused = [
        client.get("/gradio_api/queue/data?session_hash=page-1", headers=tom),
        client.get("/gradio_api/deep_link", params={"session_hash": "page-1"}, headers=tom),
        client.get("/gradio_api/heartbeat/page-1", headers=tom),
        client.get("/gradio_api/stream/page-1/run/3/playlist.m3u8", headers=tom),
        client.post("/gradio_api/queue/join", json={"session_hash": "page-1"}, headers=tom),
        client.post("/gradio_api/cancel", content=b'{"session_hash": "page-1"}', headers=tom),
        client.get("/gradio_api/call/ask/event-of-mei", headers=tom),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert "another user" in refused[0].json()["detail"]
    # mei's own calls go on; tom's own page is his.
    assert (
        client.post(
            "/gradio_api/queue/join", json={"session_hash": "page-1"}, headers=mei
        ).status_code
        == 200
    )
    assert client.get("/gradio_api/heartbeat/page-2", headers=tom).status_code == 200
    assert client.get("/gradio_api/heartbeat/page-2", headers=mei).status_code == 403


def test_routes_gradio_leaves_open_want_a_sign_in() -> None:
    client = _client(SessionOwners())
    assert client.get("/gradio_api/heartbeat/page-9").status_code == 401
    assert client.post("/gradio_api/cancel", json={"session_hash": "page-9"}).status_code == 401
    # A route Gradio guards itself is left to it; a request naming no session is untouched.
    assert client.get("/gradio_api/queue/data?session_hash=page-9").status_code == 200
    assert client.get("/config").status_code == 200


def test_a_form_posted_component_call_must_name_its_session_in_json() -> None:
    client = _client(SessionOwners())
    sent = client.post(
        "/gradio_api/component_server",
        files={"file": ("a.txt", b"x")},
        data={"session_hash": "page-1"},
        headers={"x-user": "tom"},
    )
    assert sent.status_code == 415


def test_the_least_recently_used_claims_are_forgotten_past_the_limit() -> None:
    owners = SessionOwners(limit=2)
    assert owners.claim("a", "mei") and owners.claim("b", "mei")
    assert owners.claim("a", "mei")  # renewed: "b" is now the oldest
    assert owners.claim("c", "tom")
    assert not owners.claim("a", "tom")
    assert owners.claim("b", "tom")  # forgotten, so free again


def test_the_server_gets_a_gradio_folder_of_its_own(monkeypatch, tmp_path) -> None:
    import os
    import stat

    from assistant.ui import server

    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    monkeypatch.setattr(server.atexit, "register", lambda *args, **kwargs: None)
    monkeypatch.setattr(server.tempfile, "tempdir", str(tmp_path))
    server._own_gradio_folder()
    folder = os.environ["GRADIO_TEMP_DIR"]
    assert folder.startswith(str(tmp_path / "kamcoach-gradio-"))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    # A folder the operator chose is kept.
    monkeypatch.setenv("GRADIO_TEMP_DIR", "/srv/kam/gradio")
    server._own_gradio_folder()
    assert os.environ["GRADIO_TEMP_DIR"] == "/srv/kam/gradio"
