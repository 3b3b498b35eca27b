"""Language models behind one client path: an OpenAI-compatible server, or a local GGUF file.

Every provider ends in a langchain-openai ``ChatOpenAI``. For ``local`` an in-process llama.cpp
server (``xllamacpp``) serves the GGUF file on loopback, so the same client talks to it.
"""

from __future__ import annotations

import secrets
import socket
import ssl
import threading
import time
import weakref
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from langchain_core.language_models import BaseChatModel

from assistant.config import Settings
from assistant.errors import KamError

_PLACEHOLDER_KEY = "not-needed"  # sent when no key is set, so no stray OPENAI_API_KEY leaks out
_CHECK_TIMEOUT_S = 5.0


class LLMError(KamError):
    """The language model is misconfigured, cannot start, or cannot be reached."""


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model the settings ask for; None means extractive answers (no LLM)."""
    if settings.llm_provider == "none":
        return None
    if settings.llm_provider == "openai":
        base_url, model = _remote_endpoint(settings)
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        return _chat_openai(base_url, model, key or _PLACEHOLDER_KEY, settings, max_retries=1)
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


def _gguf_path(path: Path | None) -> Path:
    if path is None:
        raise LLMError("KAM_LLM_PROVIDER=local needs KAM_LLM_MODEL_PATH, a GGUF model file.")
    path = path.expanduser()
    if not path.exists():
        raise LLMError(f"The local model file {path} does not exist.")
    if not path.is_file():
        raise LLMError(f"The local model path {path} is a folder, not a GGUF model file.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise LLMError(f"The local model file {path} cannot be read ({exc.strerror}).") from exc
    if magic != b"GGUF":
        raise LLMError(f"The local model file {path} is not a GGUF model file.")
    return path


def _import_xllamacpp():
    try:
        import xllamacpp
    except ImportError as exc:
        raise LLMError(
            "A local GGUF model needs xllamacpp, which is not installed: pip install -e .[local]"
        ) from exc
    return xllamacpp


class _Handle:
    """What the finalizer needs, kept apart from the server object so it can be collected."""

    def __init__(self) -> None:
        self.server = None
        self.address: str | None = None

    def release(self) -> None:
        self.server = None  # the last reference: xllamacpp closes the port and frees the model
        self.address = None


class LocalLlamaServer:
    """llama.cpp's OpenAI-compatible server, in this process, on a free loopback port.

    Stopped by ``stop()``, on leaving a ``with`` block, when collected, or at interpreter exit.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        context_size: int = 4096,
        threads: int = 1,
        model_name: str | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.context_size = context_size
        self.threads = threads
        self.model_name = model_name or self.model_path.stem
        self.api_key = secrets.token_urlsafe(24)  # other local users cannot borrow the model
        self.start_seconds: float | None = None
        self._lock = threading.Lock()
        self._handle = _Handle()
        weakref.finalize(self, self._handle.release)  # also runs at interpreter exit

    @property
    def running(self) -> bool:
        return self._handle.server is not None

    @property
    def address(self) -> str:
        """``http://127.0.0.1:PORT`` while running."""
        if self._handle.address is None:
            raise LLMError("The local language model server is not running.")
        return self._handle.address

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible API root (``.../v1``) while running."""
        return self.address + "/v1"

    def start(self) -> LocalLlamaServer:
        """Load the model and listen; does nothing if already running."""
        with self._lock:
            if self._handle.server is not None:
                return self
            path = _gguf_path(self.model_path)
            xllamacpp = _import_xllamacpp()
            params = xllamacpp.CommonParams()
            params.model.path = str(path)
            if hasattr(params, "hostnames"):
                params.hostnames = ["127.0.0.1"]
            else:  # xllamacpp before 2026.10
                params.hostname = "127.0.0.1"
            params.port = 0  # the OS picks a free port
            params.n_ctx = self.context_size
            params.n_parallel = 1
            params.cpuparams.n_threads = self.threads
            params.cpuparams_batch.n_threads = self.threads
            params.model_alias = {self.model_name}
            params.api_keys = [self.api_key]
            params.offline = True
            params.verbosity = 0
            if hasattr(params, "ui"):
                params.ui = False
            started = time.perf_counter()
            try:
                server = xllamacpp.Server(params)
            except Exception as exc:
                raise LLMError(
                    f"The local language model could not start from {path.name} ({exc}). "
                    "Check that the file is a complete GGUF model and that memory is free."
                ) from exc
            address = str(server.listening_address).rstrip("/")
            if "://" not in address:
                address = "http://" + address
            self._handle.server, self._handle.address = server, address
            self.start_seconds = time.perf_counter() - started
        return self

    def stop(self) -> None:
        """Close the port and free the model; safe to call more than once."""
        with self._lock:
            self._handle.release()

    def __enter__(self) -> LocalLlamaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


_servers: dict[tuple, LocalLlamaServer] = {}
_servers_lock = threading.Lock()


def _server_key(settings: Settings, path: Path) -> tuple:
    return (str(path.resolve()), settings.llm_context_size, settings.llm_threads, settings.llm_model)


def local_server(settings: Settings) -> LocalLlamaServer:
    """The process-wide server for these settings, started on first use and after a stop."""
    path = _gguf_path(settings.llm_model_path)
    key = _server_key(settings, path)
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            server = _servers[key] = LocalLlamaServer(
                path,
                context_size=settings.llm_context_size,
                threads=settings.llm_threads,
                model_name=settings.llm_model,
            )
    return server.start()


def stop_local_servers() -> None:
    """Stop every local server this process started."""
    with _servers_lock:
        servers = list(_servers.values())
    for server in servers:
        server.stop()


def describe_llm(settings: Settings) -> str:
    """One line for a status bar; never shows the API key."""
    if settings.llm_provider == "none":
        return "extractive (no LLM)"
    if settings.llm_provider == "openai":
        host = _host(settings.llm_base_url) or "no URL set"
        return f"openai-compatible: {settings.llm_model or 'no model set'} at {host}"
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
                path = _gguf_path(target.llm_model_path)
                server = _servers.get(_server_key(target, path))
                if server is None or not server.running:
                    _import_xllamacpp()
                    return True, f"local GGUF {path.name} is ready (the server starts on first use)"
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
    where = f"The language model at {_host(base_url)}"
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


def friendly_llm_error(exc: BaseException, base_url: str | None = None) -> str:
    """A short user-facing reason for a failed model call; never includes the API key."""
    import openai
    from langchain_core.exceptions import ContextOverflowError

    if isinstance(exc, KamError):
        return str(exc)
    where = f"The language model at {_exception_host(exc) or _host(base_url) or 'its address'}"
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
    return _host(str(url)) if url is not None else None


def _host(url: str | None) -> str | None:
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
