"""Chat, search and feedback for the web app and its API: call the services with the user's
access rights and shape the results for display."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, get_args

from assistant.admin.users import User
from assistant.answering.model import Answer
from assistant.documents.metadata import DocType
from assistant.retrieval.search import Passage
from assistant.ui import inputs
from assistant.ui.context import AppContext
from assistant.ui.inputs import bounded_text

DOC_TYPES = list(get_args(DocType))
SOURCE_LANGUAGES = ["en", "zh-Hant"]


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
    settings = ctx.services.settings
    question = bounded_text(question, "the question", settings.max_question_chars, True).strip()
    # The service reads a conversation as (role, text) turns; the page and the API keep
    # [question, answer] pairs.
    turns: list[tuple[str, str]] = []
    for asked, answered in inputs.chat_history(
        history, settings.max_history_turns, settings.max_question_chars
    ):
        if asked:
            turns += [("user", asked), ("assistant", answered)]
    filters = ctx.filters(
        user,
        inputs.text_list(doc_types, "document types", DOC_TYPES),
        inputs.text_list(languages, "languages", SOURCE_LANGUAGES),
    )
    with ctx.slots.hold(user.username):
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
    settings = ctx.services.settings
    query = bounded_text(query, "the query", settings.max_question_chars, True)
    if not 1 <= int(k) <= 50:
        raise inputs.InputError("k must be between 1 and 50")
    filters = ctx.filters(
        user,
        inputs.text_list(doc_types, "document types", DOC_TYPES),
        inputs.text_list(languages, "languages", SOURCE_LANGUAGES),
    )
    with ctx.slots.hold(user.username):
        passages = ctx.services.searcher.search(query, int(k), filters)
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
    limit = ctx.services.settings.max_text_chars
    question = bounded_text(question, "the question", limit)
    answer = bounded_text(answer, "the answer", limit * 5)
    comment = bounded_text(comment, "the comment", limit)
    sources = inputs.text_list(sources, "sources")
    if rating not in (1, -1):
        raise inputs.InputError("rating must be 1 or -1")
    return ctx.feedback.record(
        question, answer, sources, rating, bool(evidence_wrong), comment, user=user.username
    )


def status(ctx: AppContext, user: User) -> dict[str, Any]:
    visible = ctx.library.documents(user)  # counts only what this user may see
    state = ctx.indexer.state
    answers = ctx.services.answers
    return {
        "embeddings": ctx.services.index.embeddings.name,
        # Where the LLM is served (its host) is for admins.
        "answer_mode": answers.endpoint if user.is_admin else answers.mode,
        "documents": len(visible),
        "chunks": sum(row.chunks for row in visible),
        "indexing": state.running,
        "indexed_files": state.done,
        "total_files": state.total,
        "indexing_message": state.message,
        "user": user.username,
        "role": user.role,
    }
