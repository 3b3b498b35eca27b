"""A plain install works: ``pip wheel .`` installed (not editable) into a fresh virtual
environment runs ``kamcoach ingest``, ``ask`` and ``ui`` on the bundled corpus, from a folder
outside the checkout. The new environment borrows the project's dependencies from the test
environment (a path, so the editable install there is not seen) to stay offline and quick."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    work = tmp_path_factory.mktemp("wheel")
    wheels = work / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
    )
    wheel = next(wheels.glob("kamcoach-*.whl"))
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    borrowed = sysconfig.get_paths()["purelib"]
    (Path(site.stdout.strip()) / "borrowed-dependencies.pth").write_text(borrowed + "\n")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAM_")}
    env.update(
        {
            "KAM_DATA_DIR": str(work / "data"),
            "KAM_EMBEDDINGS": "hash",
            "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}",
            "PYTHONPATH": "",
        }
    )
    outside = work / "elsewhere"
    outside.mkdir()
    return outside, env


def test_the_wheel_carries_its_resources(installed) -> None:
    outside, env = installed
    done = _run(
        [
            "python",
            "-c",
            "import assistant, assistant.resources as r; "
            "print(assistant.__file__); print(r.resource_dir('prompts'))",
        ],
        cwd=outside,
        env=env,
    )
    module, prompts = done.stdout.split()
    assert str(ROOT) not in module and "site-packages" in module
    assert (
        prompts.endswith("assistant/_bundled/prompts") and Path(prompts, "messages.yaml").is_file()
    )


def test_ingest_and_ask_on_the_bundled_corpus(installed) -> None:
    outside, env = installed
    report = _run(["kamcoach", "ingest"], cwd=outside, env=env).stdout
    assert "added" in report and "0 added" not in report
    answer = _run(
        ["kamcoach", "ask", "How should a KAM build a value proposition for a payer?"],
        cwd=outside,
        env=env,
    ).stdout
    assert "[1]" in answer


def test_the_web_app_starts(installed) -> None:
    outside, env = installed
    port = free_port()
    server = subprocess.Popen(
        ["kamcoach", "ui", "--port", str(port)],
        cwd=outside,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                if health.status_code == 200 and health.json()["status"] == "ok":
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("kamcoach ui did not answer /health")
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "KAM Coach" in page.text
    finally:
        server.terminate()
        server.wait(30)
