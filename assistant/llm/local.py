"""A GGUF model served in-process by llama.cpp (``xllamacpp``) on a free loopback port."""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from pathlib import Path

import httpx

from assistant.config import Settings
from assistant.llm.failures import LLMError

_READY_TIMEOUT_S = 30.0


def gguf_path(path: Path | None) -> Path:
    """The model file, checked: it exists, is a file, and starts with the GGUF magic."""
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


def import_xllamacpp():
    """The xllamacpp module, or a clear error saying how to install it."""
    try:
        import xllamacpp
    except ImportError as exc:
        raise LLMError(
            "A local GGUF model needs xllamacpp, which is not installed: pip install -e .[local]"
        ) from exc
    return xllamacpp


def _answers_health(address: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{address}/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    return False


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
            path = gguf_path(self.model_path)
            xllamacpp = import_xllamacpp()
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
            # Wait for the listener: xllamacpp hangs if a server is dropped before it listens.
            if not _answers_health(address, _READY_TIMEOUT_S):
                self._handle.release()
                raise LLMError(
                    f"The local language model server for {path.name} did not answer within "
                    f"{_READY_TIMEOUT_S:.0f} s."
                )
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
    resolved = str(path.resolve())
    return (resolved, settings.llm_context_size, settings.llm_threads, settings.llm_model)


def local_server(settings: Settings) -> LocalLlamaServer:
    """The process-wide server for these settings, started on first use and after a stop."""
    path = gguf_path(settings.llm_model_path)
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


def running_server(settings: Settings) -> LocalLlamaServer | None:
    """The server for these settings if it is running; never starts one."""
    path = gguf_path(settings.llm_model_path)
    with _servers_lock:
        server = _servers.get(_server_key(settings, path))
    return server if server is not None and server.running else None
