"""A real ``kamcoach serve`` in its own process, with a users file, a small corpus ingested by
the CLI and one document ingested with ``--access internal``; plus raw-HTTP helpers that call
Gradio's queue the way any signed-in client can (``/gradio_api/queue/join``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.factories import PAYER_MD, TYPOLOGY_ZH_MD, write
from tests.support.servers import PASSWORDS, free_port, write_users

INTERNAL_MD = """---
title: Alderwick rebate terms
doc_type: playbook
language: en
---
# Alderwick rebate terms

## Rebate ladder
The Zorblax volume rebate starts at seven percent above two thousand units, and the
regional director signs every Zorblax deviation within four business hours.
"""
INTERNAL_PHRASES = ("zorblax", "alderwick", "four business hours")


@dataclass
class ServedApp:
    url: str
    root: Path
    env: dict[str, str]
    process: subprocess.Popen

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert done.returncode == 0, done.stderr + done.stdout
        return done

    def session(self, user: str | None) -> httpx.Client:
        """An HTTP client signed in through Gradio's login form (or anonymous for None)."""
        client = httpx.Client(base_url=self.url, timeout=60)
        if user is not None:
            answer = client.post("login", data={"username": user, "password": PASSWORDS[user]})
            assert answer.status_code == 200, answer.text
        return client

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def app_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAM_")}
    env.update(
        {
            "KAM_DATA_DIR": str(root / "data"),
            "KAM_EMBEDDINGS": "hash",
            "KAM_USERS_FILE": str(write_users(root / "users.yaml")),
            "KAM_CORPUS_DIR": str(root / "corpus"),
            "KAM_EVALS_DIR": str(root / "evals"),
            "GRADIO_TEMP_DIR": str(root / "gradio-cache"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


@contextmanager
def served_app(root: Path, extra_env: dict[str, str] | None = None) -> Iterator[ServedApp]:
    write(root / "corpus" / "payer-value.md", PAYER_MD)
    write(root / "corpus" / "zh-typology.md", TYPOLOGY_ZH_MD)
    write(root / "private" / "alderwick-rebates.md", INTERNAL_MD)
    (root / "evals").mkdir(exist_ok=True)
    env = {**app_env(root), **(extra_env or {})}
    port = free_port()
    log = (root / "server.log").open("w")
    app = ServedApp(f"http://127.0.0.1:{port}/", root, env, None)  # type: ignore[arg-type]
    app.cli("ingest", str(root / "corpus"))
    app.cli("ingest", "--access", "internal", str(root / "private"))
    app.process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(app.url + "health", timeout=2).status_code in (200, 401, 403):
                    break
            except httpx.HTTPError:
                pass
            if app.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kamcoach serve did not start:\n" + app.log())
            time.sleep(0.3)
        yield app
    finally:
        app.process.terminate()
        try:
            app.process.wait(20)
        except subprocess.TimeoutExpired:
            app.process.kill()
        log.close()


# -- Gradio's queue, spoken by hand ----------------------------------------------------------


def config(client: httpx.Client) -> dict:
    answer = client.get("config")
    answer.raise_for_status()
    return answer.json()


def handler_index(cfg: dict) -> list[dict]:
    """Every event handler in the page config, with its input components' types."""
    types = {c["id"]: c.get("type") for c in cfg["components"]}
    handlers = []
    for number, dep in enumerate(cfg["dependencies"]):
        handlers.append(
            {
                "fn_index": dep.get("id", number),
                "api_name": dep.get("api_name"),
                "inputs": dep.get("inputs", []),
                "input_types": [types.get(i) for i in dep.get("inputs", [])],
                "trigger_id": (dep.get("targets") or [[None]])[0][0],
            }
        )
    return handlers


def call(
    client: httpx.Client,
    fn_index: int,
    data: list,
    trigger_id=None,
    timeout: float = 60,
    session_hash: str | None = None,
) -> list[dict]:
    """Join the queue with ``data`` and read the event stream to the end: every message. One
    ``session_hash`` across calls keeps a page's state (a dropdown's choices) between them."""
    session_hash = session_hash or uuid.uuid4().hex[:11]
    body = {
        "data": data,
        "fn_index": fn_index,
        "session_hash": session_hash,
        "event_data": None,
        "trigger_id": trigger_id,
    }
    joined = client.post("gradio_api/queue/join", json=body)
    if joined.status_code != 200:
        return [{"msg": "join_refused", "status": joined.status_code, "text": joined.text}]
    messages: list[dict] = []
    deadline = time.monotonic() + timeout
    with client.stream(
        "GET", "gradio_api/queue/data", params={"session_hash": session_hash}, timeout=timeout
    ) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            messages.append(message)
            if message.get("msg") in ("process_completed", "close_stream", "unexpected_error"):
                break
            if time.monotonic() > deadline:
                break
    return messages


def file_urls(payload) -> list[str]:
    """Every ``/gradio_api/file=`` address anywhere in a JSON payload."""
    text = json.dumps(payload)
    found = []
    marker = "/gradio_api/file="
    start = text.find(marker)
    while start != -1:
        end = start + len(marker)
        while end < len(text) and text[end] not in "\"'\\ ":
            end += 1
        found.append(text[start:end])
        start = text.find(marker, end)
    return found
