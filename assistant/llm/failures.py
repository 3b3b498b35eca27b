"""Failures of a language model, worded for the user (without the API key)."""

from __future__ import annotations

import logging
import socket
import ssl
from urllib.parse import urlsplit

import httpx

from assistant.errors import KamError

log = logging.getLogger(__name__)


class LLMError(KamError):
    """The language model is misconfigured, cannot start, or cannot be reached."""


def friendly_llm_error(
    exc: BaseException, base_url: str | None = None, with_host: bool = True
) -> str:
    """A short reason for a failed model call; never includes the API key. ``with_host``:
    name where the model is served (for admins and the operator's log)."""
    import openai
    from langchain_core.exceptions import ContextOverflowError

    if isinstance(exc, KamError):
        return str(exc)
    where = "The language model"
    if with_host:
        where += f" at {_exception_host(exc) or host_of(base_url) or 'its address'}"
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return f"{where} did not answer in time (timed out)"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        return f"{where} is not reachable ({_connection_reason(exc)})"
    if isinstance(exc, ContextOverflowError):
        return f"{where} cannot read this much text at once (context window exceeded)"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return f"{where} refused the API key (HTTP {exc.status_code}); check KAM_LLM_API_KEY"
    if isinstance(exc, openai.NotFoundError):
        return f"{where} does not serve this model (HTTP 404); check KAM_LLM_MODEL"
    if isinstance(exc, openai.RateLimitError):
        return f"{where} is rate-limiting requests (HTTP 429); try again shortly"
    if isinstance(exc, openai.APIStatusError):
        return f"{where} answered with an error (HTTP {exc.status_code})"
    return f"{where} failed ({type(exc).__name__})"


def reason_for_users(exc: BaseException) -> str:
    """What a user is told when a model call fails: the reason without the endpoint's host
    (a user who is no admin does not learn where the model is served); the operator's log
    gets the reason with it."""
    log.warning("language model call failed: %s", friendly_llm_error(exc))
    return friendly_llm_error(exc, with_host=False)


def _connection_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, ConnectionRefusedError) or "refused" in str(seen).lower():
            return "connection refused"
        if isinstance(seen, socket.gaierror):
            return "unknown host name"
        if isinstance(seen, ssl.SSLError):
            return "TLS error"
        if isinstance(seen, TimeoutError | httpx.TimeoutException):
            return "timed out"
        seen = seen.__cause__ or seen.__context__
    return "connection failed"


def _exception_host(exc: BaseException) -> str | None:
    try:
        request = getattr(exc, "request", None)
    except RuntimeError:  # httpx raises when an error carries no request
        return None
    url = getattr(request, "url", None)
    return host_of(str(url)) if url is not None else None


def host_of(url: str | None) -> str | None:
    """``host:port`` of a URL, without any user name or password in it."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:
        return None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{host}:{port}" if port else host
