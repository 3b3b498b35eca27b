"""Named API endpoints (for ``gradio_client`` and scripts). Each one checks who is asking and
calls the same functions as the page. Names are stable: see the README."""

from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.ui import admin_api, chat_api
from assistant.ui.context import AppContext
from assistant.ui.errors import friendly


def register_api(ctx: AppContext) -> None:
    """Call inside the ``gr.Blocks`` context."""

    @friendly
    def status(request: gr.Request) -> dict:
        return chat_api.status(ctx, ctx.user(request))

    @friendly
    def ask(
        question: str,
        history: list | None = None,
        doc_types: list | None = None,
        languages: list | None = None,
        request: gr.Request = None,
    ) -> Iterator[dict]:
        user = ctx.user(request)
        yield from chat_api.stream_answer(
            ctx, user, question, history or [], doc_types or [], languages or []
        )

    @friendly
    def search(
        query: str,
        k: int = 5,
        doc_types: list | None = None,
        languages: list | None = None,
        request: gr.Request = None,
    ) -> list:
        user = ctx.user(request)
        return chat_api.search(ctx, user, query, int(k), doc_types or [], languages or [])

    @friendly
    def feedback(
        question: str,
        answer: str,
        sources: list | None = None,
        rating: int = 1,
        evidence_wrong: bool = False,
        comment: str = "",
        request: gr.Request = None,
    ) -> dict:
        user = ctx.user(request)
        number = chat_api.record_feedback(
            ctx, user, question, answer, sources or [], int(rating), evidence_wrong, comment
        )
        return {"id": number}

    @friendly
    def documents(request: gr.Request) -> list:
        return admin_api.list_documents(ctx, ctx.user(request))

    @friendly
    def document_chunks(doc_hash: str, request: gr.Request = None) -> list:
        return admin_api.document_chunks(ctx, ctx.user(request), doc_hash)

    @friendly
    def delete_document(doc_hash: str, request: gr.Request = None) -> list:
        return admin_api.delete_document(ctx, ctx.user(request), doc_hash)

    @friendly
    def reindex(request: gr.Request) -> list:
        return admin_api.reindex(ctx, ctx.user(request))

    @friendly
    def question_sets(request: gr.Request) -> list:
        ctx.require_trainer(ctx.user(request))
        return admin_api.question_sets(ctx.services.settings.evals_dir)

    @friendly
    def run_eval(set_name: str, request: gr.Request = None) -> dict[str, Any]:
        result = admin_api.run_evaluation(ctx, ctx.user(request), set_name)
        return {k: v for k, v in result.items() if k not in ("json", "report", "plots")}

    for fn in (
        status,
        ask,
        search,
        feedback,
        documents,
        document_chunks,
        delete_document,
        reindex,
        question_sets,
        run_eval,
    ):
        gr.api(fn, api_name=fn.__name__)
