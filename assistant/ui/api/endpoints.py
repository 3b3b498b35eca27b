"""Named API endpoints (for ``gradio_client`` and scripts). Each one checks who is asking and
calls the same functions as the page. Names are stable: see the README.

Each ``_*_endpoints`` function builds one group of endpoints over an app's context; an
endpoint's name is its function's name, its parameters are the endpoint's."""

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant.ui.api import admin as admin_api
from assistant.ui.api import chat as chat_api
from assistant.ui.api import coach as coach_api
from assistant.ui.context import AppContext


def register_api(ctx: AppContext) -> None:
    """Call inside the ``gr.Blocks`` context."""
    groups = (
        _coach_endpoints,
        _roleplay_endpoints,
        _trainer_endpoints,
        _chat_endpoints,
        _library_endpoints,
        _evaluation_endpoints,
    )
    for group in groups:
        for fn in group(ctx):
            gr.api(fn, api_name=fn.__name__)


Endpoints = tuple[Callable[..., Any], ...]


def _coach_endpoints(ctx: AppContext) -> Endpoints:
    """A value proposition or a KPI set reviewed."""

    @ctx.friendly
    def coach_value_prop(
        account: dict, draft: str, rewrite: bool = False, request: gr.Request = None
    ) -> dict:
        return coach_api.review_value_prop(ctx, ctx.user(request), account, draft, rewrite)

    @ctx.friendly
    def coach_metrics(account: dict, kpis: list, request: gr.Request = None) -> dict:
        return coach_api.review_kpis(ctx, ctx.user(request), account, kpis)

    return coach_value_prop, coach_metrics


def _roleplay_endpoints(ctx: AppContext) -> Endpoints:
    """The scenarios, and a role-play session started, spoken in and ended."""

    @ctx.friendly
    def roleplay_scenarios(request: gr.Request) -> list:
        return coach_api.scenarios(ctx, ctx.user(request))

    @ctx.friendly
    def roleplay_start(scenario_id: str, request: gr.Request = None) -> dict:
        return coach_api.start_session(ctx, ctx.user(request), scenario_id)

    @ctx.friendly
    def roleplay_say(session_id: str, text: str, request: gr.Request = None) -> dict:
        return coach_api.say(ctx, ctx.user(request), session_id, text)

    @ctx.friendly
    def roleplay_end(session_id: str, request: gr.Request = None) -> dict:
        return coach_api.end_session(ctx, ctx.user(request), session_id)

    return roleplay_scenarios, roleplay_start, roleplay_say, roleplay_end


def _trainer_endpoints(ctx: AppContext) -> Endpoints:
    """What the Trainer tab does: sessions, a session, an override, progress, a scenario."""

    @ctx.friendly
    def trainer_sessions(trainee: str = "", request: gr.Request = None) -> list:
        return coach_api.sessions(ctx, ctx.user(request), trainee or None)

    @ctx.friendly
    def trainer_session(session_id: str, request: gr.Request = None) -> dict:
        return coach_api.session_detail(ctx, ctx.user(request), session_id)

    @ctx.friendly
    def trainer_override(
        session_id: str,
        criterion_id: str,
        result: str,
        comment: str,
        request: gr.Request = None,
    ) -> dict:
        user = ctx.user(request)
        return coach_api.override(ctx, user, session_id, criterion_id, result, comment)

    @ctx.friendly
    def trainer_progress(trainee: str, request: gr.Request = None) -> dict:
        return coach_api.progress(ctx, ctx.user(request), trainee)

    @ctx.friendly
    def scenario_save(yaml_text: str, request: gr.Request = None) -> dict:
        return coach_api.save_scenario(ctx, ctx.user(request), yaml_text)

    return trainer_sessions, trainer_session, trainer_override, trainer_progress, scenario_save


def _chat_endpoints(ctx: AppContext) -> Endpoints:
    """The status line, an answer (streamed), a search, feedback on an answer."""

    @ctx.friendly
    def status(request: gr.Request) -> dict:
        return chat_api.status(ctx, ctx.user(request))

    @ctx.friendly
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

    @ctx.friendly
    def search(
        query: str,
        k: int = 5,
        doc_types: list | None = None,
        languages: list | None = None,
        request: gr.Request = None,
    ) -> list:
        user = ctx.user(request)
        return chat_api.search(ctx, user, query, int(k), doc_types or [], languages or [])

    @ctx.friendly
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

    return status, ask, search, feedback


def _library_endpoints(ctx: AppContext) -> Endpoints:
    """The documents, a document's chunks, a document deleted, the library re-indexed.
    (Uploads go through the Library tab's ``upload`` event, named there.)"""

    @ctx.friendly
    def documents(request: gr.Request) -> list:
        return admin_api.list_documents(ctx, ctx.user(request))

    @ctx.friendly
    def document_chunks(doc_hash: str, request: gr.Request = None) -> list:
        return admin_api.document_chunks(ctx, ctx.user(request), doc_hash)

    @ctx.friendly
    def delete_document(doc_hash: str, request: gr.Request = None) -> list:
        return admin_api.delete_document(ctx, ctx.user(request), doc_hash)

    @ctx.friendly
    def reindex(request: gr.Request) -> list:
        return admin_api.reindex(ctx, ctx.user(request))

    return documents, document_chunks, delete_document, reindex


def _evaluation_endpoints(ctx: AppContext) -> Endpoints:
    """The question sets, the feedback as draft questions, an evaluation run."""

    @ctx.friendly
    def question_sets(request: gr.Request) -> list:
        ctx.require_trainer(ctx.user(request))
        return admin_api.question_sets(ctx.services.settings.evals_dir)

    @ctx.friendly
    def feedback_drafts(request: gr.Request) -> str:
        return admin_api.feedback_drafts(ctx, ctx.user(request))

    @ctx.friendly
    def run_eval(set_name: str, request: gr.Request = None) -> dict[str, Any]:
        result = admin_api.run_evaluation(ctx, ctx.user(request), set_name)
        return {k: v for k, v in result.items() if k not in ("json", "report", "plots")}

    return question_sets, feedback_drafts, run_eval
