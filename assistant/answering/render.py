"""Turn answer sentences and citations into the text a user reads, in the question's language."""

from __future__ import annotations

from assistant.answering.model import AnswerSentence, Citation
from assistant.prompts import Messages
from assistant.retrieval.search import Passage


def _colon(language: str) -> str:
    return "：" if language == "zh-Hant" else ":"


def where(passage: Passage, messages: Messages, language: str) -> str:
    parts = [passage.title or passage.source, passage.source]
    if passage.page:
        page = messages.get("page", language)
        parts.append(f"{page} {passage.page}" if language == "en" else f"{page} {passage.page} 頁")
    if passage.section:
        parts.append(passage.section)
    return " — ".join(dict.fromkeys(p for p in parts if p))


def _marks(sentence: AnswerSentence) -> str:
    return "".join(f"[{n}]" for n in sentence.citations)


def _framed(
    body: list[str],
    citations: list[Citation],
    messages: Messages,
    language: str,
    notice: str | None,
) -> str:
    """The notice (if any) above the body, the numbered sources below it."""
    lines = [notice, ""] if notice else []
    lines += body
    if citations:
        lines += ["", f"{messages.get('sources_heading', language)}{_colon(language)}"]
        lines += [f"[{c.n}] {where(c.passage, messages, language)}" for c in citations]
    return "\n".join(lines)


def render_answer(
    intro: str,
    sentences: list[AnswerSentence],
    citations: list[Citation],
    messages: Messages,
    language: str,
    notice: str | None = None,
) -> str:
    """An extractive answer: the intro, then each excerpt as a bullet with its source mark."""
    body = [intro]
    for sentence in sentences:
        if sentence.text.startswith("|"):  # a small table: a block of its own, then its source
            body += ["", sentence.text, "", _marks(sentence)]
        else:
            body.append(f"- {sentence.text} {_marks(sentence)}".rstrip())
    return _framed(body, citations, messages, language, notice)


def render_prose(
    sentences: list[AnswerSentence],
    citations: list[Citation],
    messages: Messages,
    language: str,
    notice: str | None = None,
) -> str:
    """A generated answer: one paragraph, each sentence followed by its source marks (no
    extractive header: it is the model's prose, checked and cited by the app)."""
    if language == "zh-Hant":
        paragraph = "".join(f"{s.text}{_marks(s)}" for s in sentences)
    else:
        paragraph = " ".join(f"{s.text} {_marks(s)}".rstrip() for s in sentences)
    return _framed([paragraph], citations, messages, language, notice)


def render_closest(
    heading: str, message: str, passages: list[Passage], messages: Messages, language: str
) -> str:
    lines = [message]
    if passages:
        lines += ["", f"{heading}{_colon(language)}"]
        lines += [f"- {where(p, messages, language)}" for p in passages]
    return "\n".join(lines)
