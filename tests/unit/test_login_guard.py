"""The sign-in guard in front of Gradio's /login, on a stand-in sign-in route: the throttle
counts the name the sign-in checks, and an address's failures survive a success."""

from __future__ import annotations

from fastapi import FastAPI, Form
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from assistant.ui.hardening import LoginThrottle, install

PASSWORDS = {"mei": "mei-right", "tom": "tom-right"}


def _app(throttle: LoginThrottle) -> tuple[TestClient, list[str]]:
    server = FastAPI()
    reached: list[str] = []

    @server.post("/login")
    def login(username: str = Form(...), password: str = Form(...)):  # the last field wins
        reached.append(username)
        if PASSWORDS.get(username) == password:
            return JSONResponse({"success": True})
        return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)

    install(server, throttle, lambda: 0)
    return TestClient(server), reached


def test_a_second_user_name_in_the_form_is_refused_before_the_sign_in() -> None:
    client, reached = _app(LoginThrottle(max_failures=3))
    for n in range(6):  # a decoy first, the real account last
        answer = client.post(
            "/login",
            content=f"username=decoy{n}&username=tom&password=guess{n}",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert answer.status_code == 400
        assert "exactly one user name" in answer.json()["detail"]
    right = client.post(
        "/login",
        content="username=decoy&username=tom&password=tom-right",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert right.status_code == 400 and reached == []  # never reached the sign-in
    # counted per real name: three wrong passwords for tom lock tom
    for n in range(3):
        client.post("/login", data={"username": "tom", "password": f"guess{n}"})
    assert (
        client.post("/login", data={"username": "tom", "password": "tom-right"}).status_code == 429
    )


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count() -> None:
    throttle = LoginThrottle(max_failures=100, max_address_failures=4)
    client, _ = _app(throttle)
    for n in range(3):
        assert (
            client.post("/login", data={"username": f"other{n}", "password": "x"}).status_code
            == 400
        )
    assert (
        client.post("/login", data={"username": "mei", "password": "mei-right"}).status_code == 200
    )
    assert client.post("/login", data={"username": "other9", "password": "x"}).status_code == 400
    # the fourth failure from this address locks it, the success in between notwithstanding
    assert (
        client.post("/login", data={"username": "tom", "password": "tom-right"}).status_code == 429
    )


def test_a_login_body_that_is_no_form_is_refused_with_a_message() -> None:
    client, reached = _app(LoginThrottle())
    answer = client.post(
        "/login", content=b"\xff\xfe{not a form", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400 and reached == []
