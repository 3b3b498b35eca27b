"""Language models behind one client path: an OpenAI-compatible server, or a local GGUF file."""

from assistant.llm.failures import LLMError, friendly_llm_error, reason_for_users
from assistant.llm.local import LocalLlamaServer, local_server, stop_local_servers
from assistant.llm.providers import build_chat_model, check_llm, describe_llm

__all__ = [
    "LLMError",
    "LocalLlamaServer",
    "build_chat_model",
    "check_llm",
    "describe_llm",
    "friendly_llm_error",
    "local_server",
    "reason_for_users",
    "stop_local_servers",
]
