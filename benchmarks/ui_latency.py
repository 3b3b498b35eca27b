"""Web app latency: start to ready on an already-indexed corpus, and the first streamed output
of an extractive answer through the UI API (gradio_client, ``/ask``).

    KAM_DATA_DIR=/tmp/uibench-data kamcoach ingest corpus/        # once
    python -m benchmarks.ui_latency --data-dir /tmp/uibench-data [--starts 5] [--questions 30]

Start to ready: from launching ``kamcoach ui --port P`` until ``/health`` answers and a first
``/status`` through gradio_client succeeds (baseline in the same run: ``python -c pass`` and
``python -c "import assistant.cli.main"``). First output: with one server up and warmed by one
question, the time from ``client.submit(..., api_name="/ask")`` to the first streamed output
and to the final one (baseline in the same run: ``services.answers.answer(q)`` in-process on
the same questions, after the server stopped, since one process owns a store at a time).
Goal: first output under 1 s at p50. The server runs without a users file (no login)."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from assistant.evaluation.metrics import percentile
from assistant.evaluation.questions import load_question_set
from assistant.offline import go_offline
from benchmarks.reporting import markdown_table, save_results

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "evals" / "corpus_questions.yaml"
KAMCOACH = Path(sys.executable).with_name("kamcoach")
READY_TIMEOUT_S = 300.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAM_")}
    env["KAM_DATA_DIR"] = str(data_dir)
    return env


def pick_questions(count: int) -> list[str]:
    """``count`` questions spread evenly over the curated retrieval set (both languages)."""
    questions = [q.question for q in load_question_set(QUESTIONS).questions]
    if count >= len(questions):
        return questions
    return [questions[round(i * len(questions) / count)] for i in range(count)]


def time_command(args: list[str], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, check=True, cwd=ROOT, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return seconds


class UiProcess:
    """``kamcoach ui`` as a subprocess on a free port; its output goes to a log file."""

    def __init__(self, data_dir: Path, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log_dir / f"ui-{self.port}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(KAMCOACH), "ui", "--port", str(self.port)],
                cwd=ROOT,
                env=server_env(data_dir),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> tuple[float, float]:
        """Seconds until ``/health`` answered, and until a first ``/status`` succeeded."""
        from gradio_client import Client

        started = time.perf_counter()
        deadline = started + READY_TIMEOUT_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"kamcoach ui exited; see {self.log}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"kamcoach ui not ready in {READY_TIMEOUT_S} s; see {self.log}")
            try:
                if httpx.get(self.url + "health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        health_s = time.perf_counter() - started
        Client(self.url, verbose=False).predict(api_name="/status")
        return health_s, time.perf_counter() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def measure_starts(data_dir: Path, runs: int, log_dir: Path) -> dict[str, Any]:
    health, ready = [], []
    for _ in range(runs):
        ui = UiProcess(data_dir, log_dir)
        try:
            health_s, ready_s = ui.wait_ready()
        finally:
            ui.stop()
        health.append(health_s)
        ready.append(ready_s)
    return {"health_s": health, "ready_s": ready}


def ask_once(client: Any, question: str) -> tuple[float, float, dict]:
    """Seconds to the first streamed output and to the final one, and the final payload."""
    started = time.perf_counter()
    first = None
    final: dict = {}
    for output in client.submit(question, [], [], [], api_name="/ask"):
        if first is None:
            first = time.perf_counter() - started
        final = output
    total = time.perf_counter() - started
    return (first if first is not None else total), total, final


def measure_answers(data_dir: Path, questions: list[str], log_dir: Path) -> dict[str, Any]:
    from gradio_client import Client

    ui = UiProcess(data_dir, log_dir)
    try:
        ui.wait_ready()
        client = Client(ui.url, verbose=False)
        cold_first, cold_total, _ = ask_once(client, "What is a key account?")
        firsts, finals, abstained = [], [], 0
        for question in questions:
            first, total, final = ask_once(client, question)
            firsts.append(first)
            finals.append(total)
            abstained += bool(final.get("abstained"))
    finally:
        ui.stop()
    return {
        "cold_first_s": cold_first,
        "cold_final_s": cold_total,
        "first_s": firsts,
        "final_s": finals,
        "abstained": abstained,
    }


def measure_in_process(data_dir: Path, questions: list[str]) -> list[float]:
    from assistant.config import Settings
    from assistant.services import build_services

    services = build_services(Settings(data_dir=data_dir))
    try:
        services.answers.answer("What is a key account?")
        seconds = []
        for question in questions:
            started = time.perf_counter()
            services.answers.answer(question)
            seconds.append(time.perf_counter() - started)
    finally:
        services.close()
    return seconds


def ms(values: list[float], q: float) -> float:
    return round(percentile(values, q) * 1000, 1)


def summarise(raw: dict[str, Any]) -> list[dict[str, Any]]:
    pass_p50 = percentile(raw["python_pass_s"], 50)
    rows = [
        ("python -c pass (baseline)", raw["python_pass_s"]),
        ("python -c 'import assistant.cli.main' (baseline)", raw["import_cli_s"]),
        ("kamcoach ui: /health answers", raw["starts"]["health_s"]),
        ("kamcoach ui: first /status succeeds (ready)", raw["starts"]["ready_s"]),
    ]
    table = [
        {
            "measure": name,
            "runs": len(values),
            "p50 ms": ms(values, 50),
            "p95 ms": ms(values, 95),
            "max ms": round(max(values) * 1000, 1),
            "p50 / python -c pass": round(percentile(values, 50) / pass_p50, 1),
        }
        for name, values in rows
    ]
    answers = raw["answers"]
    for name, values in [
        ("in-process answers.answer() (baseline)", raw["in_process_s"]),
        ("UI /ask: first streamed output", answers["first_s"]),
        ("UI /ask: final output", answers["final_s"]),
    ]:
        table.append(
            {
                "measure": name,
                "runs": len(values),
                "p50 ms": ms(values, 50),
                "p95 ms": ms(values, 95),
                "max ms": round(max(values) * 1000, 1),
                "p50 / python -c pass": "",
            }
        )
    return table


def run(data_dir: Path, starts: int, count: int) -> dict[str, Any]:
    if not (data_dir / "index").is_dir():
        raise SystemExit(f"{data_dir} holds no index: run `kamcoach ingest corpus/` into it first")
    questions = pick_questions(count)
    with tempfile.TemporaryDirectory(prefix="uibench-logs-") as logs:
        log_dir = Path(logs)
        raw: dict[str, Any] = {
            "python_pass_s": time_command([sys.executable, "-c", "pass"], starts),
            "import_cli_s": time_command(
                [sys.executable, "-c", "import assistant.cli.main"], starts
            ),
            "starts": measure_starts(data_dir, starts, log_dir),
            "answers": measure_answers(data_dir, questions, log_dir),
        }
    raw["in_process_s"] = measure_in_process(data_dir, questions)
    raw["questions"] = questions
    return raw


def main() -> None:
    go_offline()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True, help="an already-indexed corpus")
    parser.add_argument("--starts", type=int, default=5, help="server starts to time")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--name", default="ui_latency", help="results file name")
    args = parser.parse_args()
    raw = run(args.data_dir, args.starts, args.questions)
    table = summarise(raw)
    answers = raw["answers"]
    print(markdown_table(table))
    print(
        f"\nfirst question after start (models loading): first output "
        f"{answers['cold_first_s'] * 1000:.0f} ms, final {answers['cold_final_s'] * 1000:.0f} ms; "
        f"{answers['abstained']} of {len(raw['questions'])} answers abstained; "
        f"goal: first output p50 < 1000 ms"
    )
    path = save_results(args.name, {"summary": table, "raw": raw})
    print(f"saved {path}")


if __name__ == "__main__":
    main()
