"""Run the real web server (FastAPI + Gradio under uvicorn) on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from assistant.admin.users import hash_password

PASSWORDS = {"mei": "mei-pass-1", "tom": "tom-pass-1", "ada": "ada-pass-1", "kai": "kai-pass-1"}


def client_for(url: str, user: str):  # -> gradio_client.Client (imported when used)
    """A gradio_client signed in as one of the test users."""
    from gradio_client import Client

    return Client(url, auth=(user, PASSWORDS[user]), verbose=False)


def signed_in(url: str, user: str):  # -> httpx.Client
    """An HTTP client signed in through Gradio's login form (its session cookie kept)."""
    import httpx

    session = httpx.Client(base_url=url, timeout=30)
    answer = session.post("login", data={"username": user, "password": PASSWORDS[user]})
    assert answer.status_code == 200, answer.text
    return session


def write_users(path: Path) -> Path:
    """A KAM (mei, trained by tom), a second KAM (kai, no trainer), a trainer and an admin."""
    users = [
        {"username": "mei", "role": "kam", "trainer": "tom", "name": "Mei"},
        {"username": "kai", "role": "kam", "name": "Kai"},
        {"username": "tom", "role": "trainer", "name": "Tom"},
        {"username": "ada", "role": "admin", "name": "Ada"},
    ]
    for user in users:
        user["password_hash"] = hash_password(PASSWORDS[user["username"]])
    path.write_text(yaml.safe_dump({"users": users}), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(ctx) -> Iterator[str]:
    import uvicorn

    from assistant.ui.server import create_server

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_server(ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        thread.join(10)
