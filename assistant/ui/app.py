"""``build_app(ctx)``: the Gradio Blocks of KAM Coach, assembled from one module per tab."""

import gradio as gr

from assistant.errors import KamError
from assistant.ui.api import chat as chat_api
from assistant.ui.api.endpoints import register_api
from assistant.ui.context import AppContext
from assistant.ui.labels import LANGUAGES
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


def build_app(ctx: AppContext) -> gr.Blocks:
    labels = ctx.labels
    with gr.Blocks(title=labels.get("title")) as app:
        with gr.Row():
            gr.Markdown(f"## {labels.get('title')}")
            switch = gr.Radio(
                list(LANGUAGES), value="English", show_label=False, elem_id="kam-language"
            )
        status = gr.Markdown(elem_id="kam-status")
        with gr.Tabs():
            with labels.bind(gr.Tab(labels.get("tab_chat"), id="chat"), "tab_chat"):
                build_chat_tab(ctx)
            with labels.bind(gr.Tab(labels.get("tab_coach"), id="coach"), "tab_coach"):
                loaders = build_coach_tab(ctx)
            # Role-restricted tabs start hidden and on_load reveals them: Gradio 6 does not
            # remove a tab button that was shown once, so hiding them later would fail open.
            trainer_tab = labels.bind(
                gr.Tab(labels.get("tab_trainer"), id="trainer", visible=False), "tab_trainer"
            )
            with trainer_tab:
                trainer_loaders = build_trainer_tab(ctx)
            library_tab = labels.bind(
                gr.Tab(labels.get("tab_library"), id="library", visible=False), "tab_library"
            )
            with library_tab:
                refresh_library, listing = build_library_tab(ctx)
            eval_tab = labels.bind(
                gr.Tab(labels.get("tab_evals"), id="evals", visible=False), "tab_evals"
            )
            with eval_tab:
                build_eval_tab(ctx)
        register_api(ctx)

        language = gr.State("en")
        timer = gr.Timer(2.0)

        def show_status(choice, request: gr.Request):
            try:
                return _status_line(ctx, ctx.user(request), LANGUAGES.get(choice, "en"))
            except KamError as exc:
                return str(exc)

        def on_load(choice, request: gr.Request):
            user = ctx.user(request)
            trains = user.trains
            return [
                show_status(choice, request),
                gr.update(visible=user.is_admin),
                gr.update(visible=trains),
                gr.update(visible=trains),
            ]

        visible = [status, library_tab, eval_tab, trainer_tab]
        app.load(on_load, switch, visible, api_visibility="private")
        app.load(refresh_library, None, listing, api_visibility="private")
        for fn, inputs, outputs in loaders:
            app.load(fn, inputs, outputs, api_visibility="private")

        def for_trainers(fn, outputs):
            # Gradio injects the request only into a positional parameter: keep it first.
            def load(request: gr.Request, *args):
                if not ctx.user(request).trains:
                    skipped = [gr.skip() for _ in outputs] if isinstance(outputs, list) else None
                    return skipped or gr.skip()
                return fn(*args, request=request)

            return load

        for fn, inputs, outputs in trainer_loaders:
            app.load(for_trainers(fn, outputs), inputs, outputs, api_visibility="private")
        timer.tick(show_status, switch, status, api_visibility="private", show_progress="hidden")

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
            refresh_library,
            None,
            listing,
            api_visibility="private",
        )
    app.queue(default_concurrency_limit=ctx.services.settings.server_concurrency)
    return app
