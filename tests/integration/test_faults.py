from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.consistency import assert_consistent
from tests.support.factories import write
from tests.support.fakes import make_services

ROOT = Path(__file__).resolve().parents[2]


def _files_committed(manifest: Path) -> int:
    try:
        with sqlite3.connect(manifest, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sigkill_midway_keeps_previous_state_and_next_ingest_completes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for i in range(40):
        write(
            docs / f"doc-{i:02d}.md",
            f"# Doc {i}\n\n## Topic\nAccount plan number {i} for payer {i}.",
        )
    data = tmp_path / "data"
    # A previous, complete state: one file.
    services, _ = make_services(data)
    services.ingestor.ingest([docs / "doc-00.md"], "kb")
    services.close()
    manifest = next((data / "index").glob("manifest-*.sqlite"))

    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.ingest_worker", str(data), str(docs)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 60
    while _files_committed(manifest) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child.poll() is None, "the worker finished before it could be killed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)

    services, _ = make_services(data)
    committed = len(services.index.manifest.files())
    assert 5 <= committed < 40
    # Still answers, from the committed state only.
    hits = services.searcher.search("account plan payer", 10)
    assert hits and all(h.id in services.index.manifest.chunk_ids() for h in hits)
    report = services.ingestor.ingest([docs], "kb")
    assert len(report.added) + len(report.unchanged) == 40 and not report.failed
    assert_consistent(services)
    services.close()
