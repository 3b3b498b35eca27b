"""``build_app(ctx)``: the Gradio Blocks of KAM Coach, assembled from one module per tab."""

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from assistant.errors import KamError
from assistant.ui import widgets
from assistant.ui.api import chat as chat_api
from assistant.ui.api.endpoints import register_api
from assistant.ui.context import AppContext
from assistant.ui.labels import LANGUAGES, Labels
from assistant.ui.tabs.chat import build_chat_tab
from assistant.ui.tabs.coach import build_coach_tab
from assistant.ui.tabs.evaluations import build_eval_tab
from assistant.ui.tabs.library import build_library_tab
from assistant.ui.tabs.trainer import build_trainer_tab

CSS = """
.kam-source { border-left: 3px solid #6a8caf; padding: .3rem .6rem; margin: .4rem 0; }
.kam-source blockquote { margin: .3rem 0; color: #333; white-space: pre-wrap; }
"""


def _status_line(ctx: AppContext, user, language: str) -> str:
    data = chat_api.status(ctx, user)
    labels = ctx.labels
    if data["indexing"]:
        return labels.get(
            "status_indexing", language, done=data["indexed_files"], total=data["total_files"]
        )
    mode = data["answer_mode"]
    if mode == "extractive":
        mode = labels.get("mode_extractive", language)
    return labels.get(
        "status_line",
        language,
        embeddings=data["embeddings"],
        mode=mode,
        documents=data["documents"],
        chunks=data["chunks"],
        user=user.display_name,
        role=labels.get(f"role_{user.role}", language),
    )


@dataclass(frozen=True)
class AppTabs:
    """The role-restricted tabs (the page reveals them to whom they are for) and what the
    tabs ask the app to run when a page opens: ``(handler, inputs, outputs)`` loaders, and
    the Library tab's document list refresh with the components it fills."""

    trainer: gr.Tab
    library: gr.Tab
    evals: gr.Tab
    coach_loaders: list
    trainer_loaders: list
    refresh_library: Callable
    library_listing: list


def build_app(ctx: AppContext) -> gr.Blocks:
    labels = ctx.labels
    with gr.Blocks(title=labels.get("title")) as app:
        switch = _title_row(labels)
        status = gr.Markdown(elem_id="kam-status")
        with gr.Tabs():
            tabs = _tabs(ctx)
        register_api(ctx)

        language = gr.State("en")
        timer = gr.Timer(2.0)
        show_status = _status_handler(ctx)
        _wire_page_load(ctx, app, switch, status, tabs, show_status)
        timer.tick(show_status, switch, status, api_visibility="private", show_progress="hidden")
        _wire_language_switch(ctx, switch, language, status, tabs, show_status)
    app.queue(default_concurrency_limit=ctx.services.settings.server_concurrency)
    return app


def _title_row(labels: Labels) -> gr.Radio:
    """The title, and the language switch beside it."""
    with gr.Row():
        gr.Markdown(f"## {labels.get('title')}")
        return gr.Radio(list(LANGUAGES), value="English", show_label=False, elem_id="kam-language")


def _tabs(ctx: AppContext) -> AppTabs:
    """Chat, Coach, Trainer, Library, Evaluations: one module each under ``tabs/``."""
    labels = ctx.labels
    with widgets.labelled(labels, gr.Tab, "tab_chat", id="chat"):
        build_chat_tab(ctx)
    with widgets.labelled(labels, gr.Tab, "tab_coach", id="coach"):
        coach_loaders = build_coach_tab(ctx)
    # Role-restricted tabs start hidden and on_load reveals them: Gradio 6 does not remove a
    # tab button that was shown once, so hiding them later would fail open.
    with widgets.labelled(labels, gr.Tab, "tab_trainer", id="trainer", visible=False) as trainer:
        trainer_loaders = build_trainer_tab(ctx)
    with widgets.labelled(labels, gr.Tab, "tab_library", id="library", visible=False) as library:
        refresh_library, listing = build_library_tab(ctx)
    with widgets.labelled(labels, gr.Tab, "tab_evals", id="evals", visible=False) as evals:
        build_eval_tab(ctx)
    return AppTabs(
        trainer, library, evals, coach_loaders, trainer_loaders, refresh_library, listing
    )


def _status_handler(ctx: AppContext):
    """The handler that writes the status line in the language the switch names."""

    def show_status(choice, request: gr.Request):
        try:
            return _status_line(ctx, ctx.user(request), LANGUAGES.get(choice, "en"))
        except KamError as exc:
            return str(exc)

    return show_status


def _wire_page_load(ctx: AppContext, app: gr.Blocks, switch, status, tabs: AppTabs, show_status):
    """A page opened: the status line, the tabs its user may see, and what the tabs load."""

    def on_load(choice, request: gr.Request):
        user = ctx.user(request)
        trains = user.trains
        return [
            show_status(choice, request),
            gr.update(visible=user.is_admin),
            gr.update(visible=trains),
            gr.update(visible=trains),
        ]

    visible = [status, tabs.library, tabs.evals, tabs.trainer]
    app.load(on_load, switch, visible, api_visibility="private")
    app.load(tabs.refresh_library, None, tabs.library_listing, api_visibility="private")
    for fn, inputs, outputs in tabs.coach_loaders:
        app.load(fn, inputs, outputs, api_visibility="private")
    for fn, inputs, outputs in tabs.trainer_loaders:
        app.load(_for_trainers(ctx, fn, outputs), inputs, outputs, api_visibility="private")


def _for_trainers(ctx: AppContext, fn, outputs):
    """``fn`` run for trainers only; for anyone else the page stays as it is."""

    # Gradio injects the request only into a positional parameter: keep it first.
    def load(request: gr.Request, *args):
        if not ctx.user(request).trains:
            skipped = [gr.skip() for _ in outputs] if isinstance(outputs, list) else None
            return skipped or gr.skip()
        return fn(*args, request=request)

    return load


def _wire_language_switch(ctx: AppContext, switch, language, status, tabs: AppTabs, show_status):
    """The switch relabels every bound component (keeping the tables' data), then writes the
    status line and the document table again."""
    labels = ctx.labels

    def switch_language(request: gr.Request, choice, *tables):
        code = LANGUAGES.get(choice, "en")
        ctx.set_language(request, code)
        return [code, *labels.relabel(choice, list(tables))]

    switch.change(
        switch_language,
        [switch, *labels.tables],
        [language, *labels.components],
        api_visibility="private",
    ).then(show_status, switch, status, api_visibility="private").then(
        # The document table shows codes (type, language, access) in words: say them anew.
        tabs.refresh_library,
        None,
        tabs.library_listing,
        api_visibility="private",
    )
