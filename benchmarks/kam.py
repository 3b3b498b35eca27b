"""KAM Coach services in a throw-away data folder, for benchmarks."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.config import EmbeddingName, Settings
from assistant.services import Services, build_services
from benchmarks.reporting import RESULTS_DIR

MODELS_DIR = RESULTS_DIR / "models"


@contextmanager
def temporary_services(
    embeddings: EmbeddingName, models_dir: Path | None = None, **settings: object
) -> Iterator[Services]:
    """Fresh services over an empty temporary ``KAM_DATA_DIR``; deleted afterwards. Files
    made from the packaged models (the int8 ONNX MiniLM) are kept in ``models_dir`` (by
    default the benchmarks' results folder) so that a run does not time their making."""
    with tempfile.TemporaryDirectory(prefix=f"kam-bench-{embeddings}-") as tmp:
        data_dir = Path(tmp)
        models = models_dir or MODELS_DIR
        models.mkdir(parents=True, exist_ok=True)
        (data_dir / "models").symlink_to(models, target_is_directory=True)
        services = build_services(
            Settings(data_dir=data_dir, embeddings=embeddings, **settings)  # type: ignore[arg-type]
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
