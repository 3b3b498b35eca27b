"""Many users at once while an ingest runs: ``kamcoach serve`` under load, through gradio_client.

    python -m benchmarks.load_test [--users 20] [--seconds 120] [--embeddings ensemble]

Starts ``kamcoach serve`` as a subprocess on loopback with a users file and a data folder
holding the indexed bundled corpus; N simulated KAMs (threads, each its own ``gradio_client``
session) ask the curated questions in turn for the given time, while an admin uploads batches of
new documents (so an ingest runs during the whole test). Reports every request's outcome and
p50/p95 latency; the baseline, measured in the same run, is one user asking alone before the
load starts (so the figure is also a ratio). Success means zero failed requests."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

from assistant.admin.users import hash_password
from assistant.evaluation.metrics import percentile
from assistant.evaluation.questions import load_question_set
from benchmarks.reporting import markdown_table, save_results

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-password"
DOC = """---
title: Load test note {n}
doc_type: other
language: en
---
# Account review note {n}

Account review {n}: the key account manager met the pharmacy director to review formulary
progress, adherence programme enrolment and the next quarterly business review agenda. The
note records agreed actions, owners and dates for account plan item {n}.
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _users_file(folder: Path, users: int) -> Path:
    entries = [
        {"username": f"kam{i:02d}", "role": "kam", "password_hash": hash_password(PASSWORD)}
        for i in range(users)
    ]
    entries.append({"username": "admin", "role": "admin", "password_hash": hash_password(PASSWORD)})
    path = folder / "users.yaml"
    path.write_text(yaml.safe_dump({"users": entries}), encoding="utf-8")
    return path


def _start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port)]
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the server did not start: " + log.read_text()[-2000:])


def _ask(client, question: str) -> float:
    started = time.perf_counter()
    final = client.predict(question, [], [], [], api_name="/ask")
    if not final.get("done"):
        raise RuntimeError("no final answer")
    return (time.perf_counter() - started) * 1000


def run(users: int, seconds: float, embeddings: str) -> dict:
    from gradio_client import Client

    questions = [
        q.question for q in load_question_set(ROOT / "evals/corpus_questions.yaml").questions
    ]
    folder = Path(tempfile.mkdtemp(prefix="kam-load-"))
    env = {
        **os.environ,
        "KAM_DATA_DIR": str(folder / "data"),
        "KAM_EMBEDDINGS": embeddings,
        "KAM_USERS_FILE": str(_users_file(folder, users)),
        "KAM_SERVER_CONCURRENCY": "4",
    }
    subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(ROOT / "corpus"), "--json"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    server = _start_server(env, port, folder / "server.log")
    url = f"http://127.0.0.1:{port}/"
    try:
        alone = Client(url, auth=("kam00", PASSWORD), verbose=False)
        _ask(alone, "warm up: what is a key account?")
        baseline = [_ask(alone, q) for q in questions[:20]]

        latencies: list[float] = []
        failures: list[str] = []
        uploads = {"batches": 0, "files": 0, "failed": 0}
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def user(number: int) -> None:
            client = Client(url, auth=(f"kam{number:02d}", PASSWORD), verbose=False)
            turn = number
            while time.monotonic() < stop:
                try:
                    elapsed = _ask(client, questions[turn % len(questions)])
                    with lock:
                        latencies.append(elapsed)
                except Exception as exc:  # every failure is counted and reported
                    with lock:
                        failures.append(f"kam{number:02d}: {type(exc).__name__}: {exc}"[:300])
                turn += users

        def ingest() -> None:
            from gradio_client import handle_file

            admin = Client(url, auth=("admin", PASSWORD), verbose=False)
            n = 0
            while time.monotonic() < stop:
                batch = []
                for _ in range(10):
                    path = folder / "uploads-src" / f"note-{n:04d}.md"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(DOC.format(n=n), encoding="utf-8")
                    batch.append(handle_file(str(path)))
                    n += 1
                try:
                    rows, _ = admin.predict(batch, "public", "kb", api_name="/upload")
                    uploads["batches"] += 1
                    uploads["files"] += sum(1 for r in rows["data"] if r[1] == "added")
                except Exception as exc:
                    with lock:
                        failures.append(f"upload: {type(exc).__name__}: {exc}"[:300])
                    uploads["failed"] += 1

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        threads.append(threading.Thread(target=ingest))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        health = httpx.get(url + "health", timeout=10).json()
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    result = {
        "users": users,
        "seconds": round(wall, 1),
        "embeddings": embeddings,
        "requests": len(latencies),
        "failed_requests": len(failures),
        "failures": failures[:10],
        "throughput_per_s": round(len(latencies) / wall, 2),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "alone_p50_ms": round(percentile(baseline, 50), 1),
        "alone_p95_ms": round(percentile(baseline, 95), 1),
        "upload_batches": uploads["batches"],
        "uploaded_files": uploads["files"],
        "documents_after": health.get("index", {}).get("documents"),
    }
    result["p50_over_alone"] = round(result["p50_ms"] / result["alone_p50_ms"], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--embeddings", default="ensemble")
    args = parser.parse_args()
    result = run(args.users, args.seconds, args.embeddings)
    columns = [k for k in result if k != "failures"]
    print(markdown_table([result], columns))
    for failure in result["failures"]:
        print("FAILED", failure)
    print("saved", save_results("load_test", result))
    if result["failed_requests"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
