"""KAM Coach services in a throw-away data folder, for benchmarks."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.config import EmbeddingName, Settings
from assistant.services import Services, build_services


@contextmanager
def temporary_services(embeddings: EmbeddingName, **settings: object) -> Iterator[Services]:
    """Fresh services over an empty temporary ``KAM_DATA_DIR``; deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"kam-bench-{embeddings}-") as tmp:
        services = build_services(
            Settings(data_dir=Path(tmp), embeddings=embeddings, **settings)  # type: ignore[arg-type]
        )
        try:
            yield services
        finally:
            services.close()
