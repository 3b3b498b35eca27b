"""Index the bundled corpus on first start, in the background, reporting progress."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.admin.document_library import DocumentLibrary
from assistant.errors import KamError

log = logging.getLogger(__name__)


@dataclass
class IndexingState:
    running: bool = False
    done: int = 0
    total: int = 0
    chunks: int = 0
    message: str = ""


class FirstStartIndexer:
    """Runs one incremental ingest of ``corpus_dir`` (fast when nothing changed)."""

    def __init__(self, library: DocumentLibrary, corpus_dir: Path, collection: str) -> None:
        self._library = library
        self._corpus = corpus_dir
        self._collection = collection
        self.state = IndexingState()
        self._thread: threading.Thread | None = None
        self._bar = None

    def start(self, show_bar: bool = False) -> None:
        if self._thread is not None or not self._corpus.is_dir():
            return
        self.state.running = True
        self._thread = threading.Thread(
            target=self._run, args=(show_bar,), name="first-start-index", daemon=True
        )
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _progress(self, done: int, total: int, chunks: int) -> None:
        self.state.done, self.state.total, self.state.chunks = done, total, chunks
        if self._bar is not None:
            self._bar.total, self._bar.n = total, done
            self._bar.refresh()

    def _run(self, show_bar: bool) -> None:
        if show_bar:
            from tqdm import tqdm

            self._bar = tqdm(total=0, unit="file", desc="indexing corpus")
        try:
            report = self._library.ingest_paths(
                [self._corpus], self._collection, None, self._progress
            )
            self.state.message = report.lines()[-1]
        except KamError as exc:
            self.state.message = f"indexing failed: {exc}"
            log.error("first-start indexing failed: %s", exc)
        finally:
            self.state.running = False
            if self._bar is not None:
                self._bar.close()
