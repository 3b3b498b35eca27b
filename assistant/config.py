"""Typed settings, read from the environment (prefix ``KAM_``) and an optional ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingName = Literal["use", "minilm", "ensemble", "hash"]
FusionName = Literal["rrf", "weighted"]


def _default_data_dir() -> Path:
    return Path(user_data_dir("kamcoach", appauthor=False))


class Settings(BaseSettings):
    """Every knob of KAM Coach. Tests build ``Settings(...)`` directly."""

    model_config = SettingsConfigDict(
        env_prefix="KAM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Folder holding the index (vector store, manifest, lexical index).",
    )
    embeddings: EmbeddingName = Field(
        default="ensemble",
        description=(
            "Embedding model: 'ensemble' (MiniLM + multilingual USE, the measured default), "
            "'use' (multilingual Universal Sentence Encoder), 'minilm' (English "
            "all-MiniLM-L6-v2), 'hash' (deterministic fake for tests)."
        ),
    )
    chroma_host: str | None = Field(
        default=None, description="Chroma server host; unset means the embedded store in data_dir."
    )
    chroma_port: int = Field(default=8000, description="Chroma server port.")
    collection: str = Field(default="kb", description="Default document collection for ingest.")
    max_file_mb: float = Field(default=50.0, gt=0, description="Files larger than this are refused.")
    chunk_tokens: int = Field(
        default=200,
        ge=32,
        le=256,
        description="Largest chunk, in embedder tokens (MiniLM reads at most 256).",
    )
    fusion: FusionName = Field(default="rrf", description="How dense and lexical ranks are fused.")
    dense_weight: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Weight of the dense side in weighted fusion."
    )
    candidates: int = Field(
        default=40, ge=5, le=500, description="Passages each retriever proposes before fusion."
    )
    cross_lingual_weight: float = Field(
        default=1.0, ge=0.0, le=2.0,
        description="Weight of the other-language dense ranking in fusion.",
    )
    max_per_source: int = Field(
        default=2, ge=0, description="Most passages of one document in a result list (0: any)."
    )
    glossary_path: Path | None = Field(
        default=None,
        description="Bilingual glossary (YAML) for query expansion; the bundled one if unset.",
    )
    torch_threads: int = Field(
        default=1, ge=1, description="Torch CPU threads (1 is fastest on shared 2-core machines)."
    )

    def store_dir(self) -> Path:
        return self.data_dir / "index"
