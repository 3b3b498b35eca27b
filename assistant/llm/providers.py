"""Build, describe and check the chat model the settings ask for.

Every provider ends in a langchain-openai ``ChatOpenAI``; for ``local`` it talks to the
in-process llama.cpp server of ``assistant.llm.local``.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
from langchain_core.language_models import BaseChatModel

from assistant.config import Settings
from assistant.errors import KamError
from assistant.llm.failures import LLMError, friendly_llm_error, host_of
from assistant.llm.local import gguf_path, import_xllamacpp, local_server, running_server

_PLACEHOLDER_KEY = "not-needed"  # sent when no key is set, so no stray OPENAI_API_KEY leaks out
_CHECK_TIMEOUT_S = 5.0


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model the settings ask for; None means extractive answers (no LLM)."""
    if settings.llm_provider == "none":
        return None
    if settings.llm_provider == "openai":
        base_url, model = _remote_endpoint(settings)
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        # No retry: KAM_LLM_TIMEOUT_S is the whole wait before the extractive fallback.
        return _chat_openai(base_url, model, key or _PLACEHOLDER_KEY, settings, max_retries=0)
    server = local_server(settings)
    return _chat_openai(server.base_url, server.model_name, server.api_key, settings, 0)


def _chat_openai(
    base_url: str, model: str, api_key: str, settings: Settings, max_retries: int
) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=api_key,
        timeout=settings.llm_timeout_s,
        max_retries=max_retries,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
    )


def _remote_endpoint(settings: Settings) -> tuple[str, str]:
    if not settings.llm_base_url or not settings.llm_model:
        raise LLMError(
            "KAM_LLM_PROVIDER=openai needs KAM_LLM_BASE_URL (an OpenAI-compatible API root, "
            "e.g. http://localhost:11434/v1) and KAM_LLM_MODEL (the model name)."
        )
    parts = urlsplit(settings.llm_base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError("KAM_LLM_BASE_URL must be a full URL starting with http:// or https://.")
    return settings.llm_base_url.rstrip("/"), settings.llm_model


def describe_llm(settings: Settings, with_host: bool = True) -> str:
    """One line for a status bar; never shows the API key. ``with_host=False``: without the
    endpoint's host, for users who are not admins."""
    if settings.llm_provider == "none":
        return "extractive (no LLM)"
    if settings.llm_provider == "openai":
        model = f"openai-compatible: {settings.llm_model or 'no model set'}"
        if not with_host:
            return model
        return f"{model} at {host_of(settings.llm_base_url) or 'no URL set'}"
    name = settings.llm_model_path.name if settings.llm_model_path else "no model file set"
    return f"local GGUF: {name}"


def check_llm(target: Settings | BaseChatModel) -> tuple[bool, str]:
    """Cheap reachability check (``GET /models``); never raises, never shows the key."""
    base_url: str | None = None
    try:
        if isinstance(target, Settings):
            if target.llm_provider == "none":
                return True, "extractive (no LLM): nothing to reach"
            timeout = min(target.llm_timeout_s, _CHECK_TIMEOUT_S)
            if target.llm_provider == "openai":
                base_url, _ = _remote_endpoint(target)
                key = target.llm_api_key.get_secret_value() if target.llm_api_key else None
            else:
                server = running_server(target)
                if server is None:
                    path = gguf_path(target.llm_model_path)
                    import_xllamacpp()
                    return True, f"local GGUF {path.name} is ready (its server starts on first use)"
                base_url, key = server.base_url, server.api_key
        else:
            base_url = getattr(target, "openai_api_base", None)
            if not base_url:
                return True, f"{type(target).__name__} has no HTTP endpoint to check"
            secret = getattr(target, "openai_api_key", None)
            key = secret.get_secret_value() if secret is not None else None
            timeout = min(getattr(target, "request_timeout", None) or 30.0, _CHECK_TIMEOUT_S)
        return _probe(base_url, key or _PLACEHOLDER_KEY, timeout)
    except KamError as exc:
        return False, str(exc)
    except Exception as exc:
        return False, friendly_llm_error(exc, base_url)


def _probe(base_url: str, key: str, timeout: float) -> tuple[bool, str]:
    where = f"The language model at {host_of(base_url)}"
    started = time.perf_counter()
    response = httpx.get(
        base_url.rstrip("/") + "/models",
        headers={"Authorization": f"Bearer {key}"},
        timeout=timeout,
    )
    ms = (time.perf_counter() - started) * 1000
    if response.status_code in (401, 403):
        return False, f"{where} refused the API key (HTTP {response.status_code})"
    if response.status_code == 404:  # some servers list no models, yet are up
        return True, f"{where} is reachable ({ms:.0f} ms, no model list)"
    if response.is_success:
        return True, f"{where} is reachable ({ms:.0f} ms)"
    return False, f"{where} answered with an error (HTTP {response.status_code})"
