"""Chat, search and feedback for the web app and its API: call the services with the user's
access rights and shape the results for display."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from assistant.answering.model import Answer
from assistant.retrieval import Passage
from assistant.ui.context import AppContext
from assistant.users import User


def passage_link(ctx: AppContext, user: User, passage: Passage) -> str:
    doc_hash = passage.id.rsplit("-", 1)[0]
    return ctx.links.make(user.username, doc_hash, passage.page, passage.id)


def answer_payload(ctx: AppContext, user: User, answer: Answer) -> dict[str, Any]:
    """The answer as JSON, each citation with a signed link that opens its document."""
    data = answer.as_dict()
    for citation, shown in zip(answer.citations, data["citations"], strict=True):
        shown["link"] = passage_link(ctx, user, citation.passage)
        shown["language"] = citation.passage.language
        shown["doc_type"] = citation.passage.doc_type
    for passage, shown in zip(answer.passages, data["passages"], strict=True):
        shown["link"] = passage_link(ctx, user, passage)
    return data


def stream_answer(
    ctx: AppContext,
    user: User,
    question: str,
    history: Sequence[Sequence[str]] = (),
    doc_types: list[str] | None = None,
    languages: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield ``{"text": partial, "done": False}`` while the answer grows, then the full
    payload with ``"done": True``. Extractive answers are revealed line by line."""
    turns = [(str(q), str(a)) for q, a, *_ in history if q]
    filters = ctx.filters(user, doc_types, languages)
    text = ""
    for event in ctx.services.answers.stream(question, turns, filters):
        if event.kind == "delta":
            text += event.text
            yield {"text": text, "done": False}
        elif event.answer is not None:
            final = event.answer
            if not text:
                shown = ""
                for line in final.text.split("\n")[:-1]:
                    shown += line + "\n"
                    yield {"text": shown, "done": False}
            yield {**answer_payload(ctx, user, final), "text": final.text, "done": True}


def search(
    ctx: AppContext,
    user: User,
    query: str,
    k: int = 5,
    doc_types: list[str] | None = None,
    languages: list[str] | None = None,
) -> list[dict[str, Any]]:
    passages = ctx.services.searcher.search(query, k, ctx.filters(user, doc_types, languages))
    return [{**p.as_dict(), "link": passage_link(ctx, user, p)} for p in passages]


def record_feedback(
    ctx: AppContext,
    user: User,
    question: str,
    answer: str,
    sources: list[str],
    rating: int,
    evidence_wrong: bool = False,
    comment: str = "",
) -> int:
    return ctx.feedback.record(
        question, answer, sources, rating, evidence_wrong, comment, user=user.username
    )


def status(ctx: AppContext, user: User) -> dict[str, Any]:
    visible = ctx.library.documents(user)  # counts only what this user may see
    state = ctx.indexer.state
    return {
        "embeddings": ctx.services.index.embeddings.name,
        "answer_mode": ctx.services.answers.mode,
        "documents": len(visible),
        "chunks": sum(row.chunks for row in visible),
        "indexing": state.running,
        "indexed_files": state.done,
        "total_files": state.total,
        "indexing_message": state.message,
        "user": user.username,
        "role": user.role,
    }
