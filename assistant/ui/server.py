"""The web server: the Gradio app mounted in FastAPI, a document viewer behind signed links,
and a health endpoint. ``kamcoach ui`` and ``kamcoach serve`` both run it under uvicorn."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from assistant.errors import KamError
from assistant.ui.app import CSS, build_app
from assistant.ui.context import AppContext
from assistant.ui.render import document_page

log = logging.getLogger(__name__)


def create_server(ctx: AppContext) -> FastAPI:
    server = FastAPI(title="KAM Coach", docs_url=None, redoc_url=None, openapi_url=None)

    @server.get("/health")
    def health() -> JSONResponse:
        return JSONResponse(health_report(ctx))

    @server.get("/documents/{doc_hash}")
    def document(doc_hash: str, u: str, exp: int, sig: str, chunk: str | None = None):
        if not ctx.links.verify(u, doc_hash, exp, sig):
            raise HTTPException(403, "this link has expired or is not valid; open it again")
        user = ctx.users.get(u)
        if user is None:
            raise HTTPException(403, "unknown user")
        try:
            row = ctx.library.document(doc_hash, user)
        except KamError:
            raise HTTPException(404, "no such document") from None
        path = Path(row.path)
        if row.fmt == "pdf" and path.is_file():
            return FileResponse(
                path,
                media_type="application/pdf",
                headers={"Content-Disposition": f'inline; filename="{path.name}"'},
            )
        chunks = ctx.library.chunks(row.doc_hash, user)
        return HTMLResponse(document_page(row.title, row.source, chunks, chunk))

    users = ctx.users
    auth = users.authenticate if users.login_required else None
    blocks = build_app(ctx)
    return gr.mount_gradio_app(
        server,
        blocks,
        path="/",
        auth=auth,
        auth_message="KAM Coach: sign in with your account.",
        css=CSS,
        show_error=False,
        max_file_size=f"{int(ctx.services.settings.max_file_mb)}mb",
        footer_links=["api"],
    )


def health_report(ctx: AppContext) -> dict:
    """Index, embedding model and LLM endpoint status (no secrets)."""
    report: dict = {"status": "ok"}
    try:
        stats = ctx.services.index.stats()
        report["index"] = {"documents": stats["documents"], "chunks": stats["chunks"]}
    except Exception as exc:  # a store that is down is reported, not raised
        report["status"] = "degraded"
        report["index"] = {"error": str(exc)}
    try:
        report["vectors"] = {"ok": True, "count": ctx.services.index.vectors.count()}
    except KamError as exc:  # a Chroma server that is down: searches fail until it is back
        report["status"] = "degraded"
        report["vectors"] = {"ok": False, "detail": str(exc)}
    report["embeddings"] = ctx.services.index.embeddings.name
    report["answer_mode"] = ctx.services.answers.mode
    report["indexing"] = ctx.indexer.state.running
    chat_model = ctx.services.answers.chat_model
    if chat_model is None:
        report["llm"] = {"ok": True, "detail": "extractive (no LLM)"}
    else:
        from assistant.llm import check_llm

        reachable, detail = check_llm(chat_model)
        report["llm"] = {"ok": reachable, "detail": detail}
        if not reachable:
            report["status"] = "degraded"
    return report


def _warm_up(ctx: AppContext) -> None:
    try:
        ctx.services.index.embeddings.warm_up()
        ctx.services.searcher.search("warm up", 1)
    except Exception as exc:  # a failed warm-up only means a slower first question
        log.warning("model warm-up failed: %s", exc)


def run_server(ctx: AppContext, host: str, port: int, index_corpus: bool = True) -> None:
    import uvicorn

    if index_corpus:
        ctx.indexer.start(show_bar=True)
    # Load the models while the page opens, so the first question does not wait for them.
    threading.Thread(target=_warm_up, args=(ctx,), name="warm-up", daemon=True).start()
    server = create_server(ctx)
    log.info("KAM Coach on http://%s:%s", host, port)
    uvicorn.run(server, host=host, port=port, log_level="warning")
