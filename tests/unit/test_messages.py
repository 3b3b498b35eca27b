"""The one bilingual message table (``assistant.prompts.Messages``): what it refuses at load
time and how it fills a message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import KamError
from assistant.prompts import Messages, PromptLibrary


def _table(tmp_path: Path, data: object) -> Messages:
    (tmp_path / "wording.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return Messages(PromptLibrary(tmp_path), "wording.yaml")


GOOD = {
    "en": {
        "hello": "Hello,\n   {name}.",
        "plain": "No values",
        "nested": {"deeper": {"leaf": "Leaf {n}"}},
        "questions": ["Ask {account}?", "And {account} again?"],
    },
    "zh-Hant": {
        "hello": "{name}，您好。",
        "plain": "沒有值",
        "nested": {"deeper": {"leaf": "葉 {n}"}},
        "questions": ["問 {account}？"],
    },
}


def test_messages_are_filled_in_the_language_asked(tmp_path: Path) -> None:
    messages = _table(tmp_path, GOOD)
    assert messages.get("hello", "en", name="Ana", unused="ignored") == "Hello, Ana."
    assert messages.get("hello", "zh-Hant", name="Ana") == "Ana，您好。"
    assert messages.get("plain", "fr") == "No values"  # any other language reads English
    assert messages.get("nested.deeper.leaf", "zh-Hant", n=3) == "葉 3"
    assert messages.templates("questions", "en") == ["Ask {account}?", "And {account} again?"]
    assert messages.templates("plain", "zh-Hant") == ["沒有值"]
    assert messages.has("nested.deeper.leaf") and not messages.has("nested.deeper")


def test_a_missing_value_an_unknown_key_or_a_list_read_as_text_is_named(tmp_path: Path) -> None:
    messages = _table(tmp_path, GOOD)
    with pytest.raises(KamError, match=r"wording.yaml: 'hello' needs the value\(s\) \['name'\]"):
        messages.get("hello", "en")
    with pytest.raises(KamError, match="wording.yaml: no message 'nope'"):
        messages.get("nope", "en")
    with pytest.raises(KamError, match="'questions' is a list"):
        messages.get("questions", "en", account="A")


@pytest.mark.parametrize(
    ("broken", "error"),
    [
        ({"en": GOOD["en"]}, "expected exactly the languages en, zh-Hant"),
        ({**GOOD, "fr": GOOD["en"]}, "expected exactly the languages en, zh-Hant"),
        (
            {"en": GOOD["en"], "zh-Hant": {**GOOD["zh-Hant"], "extra": "多"}},
            r"keys not in both languages: \['extra'\]",
        ),
        (
            {"en": {**GOOD["en"], "plain": None}, "zh-Hant": GOOD["zh-Hant"]},
            "'plain' must be a text or a list of texts",
        ),
        (["en", "zh-Hant"], "expected exactly the languages"),
    ],
)
def test_a_broken_table_is_refused_when_loaded(tmp_path: Path, broken: object, error: str) -> None:
    with pytest.raises(KamError, match=error):
        _table(tmp_path, broken)
