"""Switch off every network call-home of the libraries we use (analytics, hubs, telemetry)."""

from __future__ import annotations

import os

_OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
    # No "Loading weights" bars from model loading in the CLI's output.
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def go_offline() -> None:
    """Set the environment so no library phones home. Call once at process start."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
