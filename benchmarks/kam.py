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


@contextmanager
def variant(services: Services, **overrides: object) -> Iterator[Services]:
    """Services over the same index and loaded embedding model with query-time settings
    changed (fusion, dense_weight, ...): every other setting stays the product's."""
    settings = services.settings.model_copy(update=overrides)
    other = build_services(settings, embeddings=services.index.embeddings)
    try:
        yield other
    finally:
        other.close()
