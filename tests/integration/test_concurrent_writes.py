"""Searches while documents change: in this process (delete, upload, re-index) and in another
(an ingest from the command line while the app runs)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.services import build_services
from assistant.ui.context import AppContext


def _services(root: Path):
    settings = Settings(data_dir=root / "data", embeddings="hash", corpus_dir=root)
    return build_services(settings, HashEmbeddings())


def test_no_search_fails_or_degrades_while_documents_change(tmp_path: Path, caplog) -> None:
    services = _services(tmp_path)
    try:
        ctx = AppContext.build(services)
        admin = next(iter(ctx.users.users.values()))
        for n in range(5):
            path = tmp_path / f"doc{n}.md"
            path.write_text(f"# Doc {n}\nPayers want outcomes and budget impact {n}.\n")
            ctx.library.upload([(path.name, path)], "kb")
        errors: list[str] = []
        done = [0]
        stop = threading.Event()

        def search() -> None:
            while not stop.is_set():
                try:
                    services.searcher.search("payers outcomes budget", 5)
                    done[0] += 1
                except Exception as exc:  # the failure this test is about
                    errors.append(repr(exc))

        threads = [threading.Thread(target=search) for _ in range(3)]
        with caplog.at_level(logging.WARNING, logger="assistant.retrieval.search"):
            for thread in threads:
                thread.start()
            for round_number in range(8):
                first = ctx.library.documents(admin)[0]
                ctx.library.delete(first.doc_hash, admin)
                path = tmp_path / f"again{round_number}.md"
                path.write_text(f"# Again {round_number}\nPayers again {round_number}.\n")
                ctx.library.upload([(path.name, path)], "kb")
                if round_number % 3 == 0:
                    ctx.library.reindex()
            stop.set()
            for thread in threads:
                thread.join(30)
        assert done[0] > 50 and errors == []
        assert "searching lexically" not in caplog.text  # not even a moment of degradation
    finally:
        services.close()


def test_a_running_app_sees_what_another_process_ingested(tmp_path: Path) -> None:
    services = _services(tmp_path)
    try:
        first = tmp_path / "a"
        first.mkdir()
        (first / "one.md").write_text("# One\nPayers want outcomes.\n")
        services.ingestor.ingest([first], "kb")
        assert services.searcher.search("payers outcomes", 5, mode="dense")
        other = tmp_path / "b"
        other.mkdir()
        (other / "two.md").write_text("# Two\nZanzibar formulary committee reviews.\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAM_")}
        env.update({"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDINGS": "hash"})
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "ingest", str(other)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        for mode in ("dense", "lexical", "hybrid"):
            found = services.searcher.search("Zanzibar formulary committee", 5, mode=mode)
            assert "two.md" in [p.source for p in found], mode
    finally:
        services.close()
