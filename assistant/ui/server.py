"""The web server: the Gradio app mounted in FastAPI, a document viewer behind signed links,
and a health endpoint. ``kamcoach ui`` and ``kamcoach serve`` both run it under uvicorn."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from assistant.errors import KamError
from assistant.ui import hardening
from assistant.ui.app import CSS, build_app
from assistant.ui.context import AppContext
from assistant.ui.hardening import signed_in_user
from assistant.ui.render import document_page

log = logging.getLogger(__name__)


def create_server(ctx: AppContext) -> FastAPI:
    server = FastAPI(title="KAM Coach", docs_url=None, redoc_url=None, openapi_url=None)

    @server.get("/health")
    def health(request: Request) -> JSONResponse:
        report = health_report(ctx)
        if ctx.users.login_required:
            user = ctx.users.get(signed_in_user(server, request))
            if user is None or not user.is_admin:
                # Monitors and users get the verdict; what the index holds (internal documents
                # counted) is for admins.
                report = {key: _verdict(value) for key, value in report.items()}
        return JSONResponse(report)

    @server.get("/documents/{doc_hash}")
    def document(
        request: Request, doc_hash: str, u: str, exp: int, sig: str, chunk: str | None = None
    ):
        if not ctx.links.verify(u, doc_hash, exp, sig):
            raise HTTPException(403, "this link has expired or is not valid; open it again")
        # A link is no bearer token: it opens only in the session of the user it was made for.
        if ctx.users.login_required and signed_in_user(server, request) != u:
            raise HTTPException(403, "sign in as the user this link was made for")
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
        return HTMLResponse(document_page(row.title, row.source, chunks, chunk, row.fmt))

    users = ctx.users
    auth = users.authenticate if users.login_required else None
    blocks = build_app(ctx)
    mounted = gr.mount_gradio_app(
        server,
        blocks,
        path="/",
        auth=auth,
        auth_message="KAM Coach: sign in with your account.",
        css=CSS,
        show_error=False,
        max_file_size=f"{int(ctx.services.settings.max_file_mb)}mb",
        footer_links=["api"],
        allowed_paths=[],
        blocked_paths=[str(p) for p in private_paths(ctx)],
    )
    # Gradio checks that a file named in a request was uploaded through it (and not any path
    # the client names) only once it counts the app as launched, which mount_gradio_app never
    # sets: without this, any signed-in user could have the server copy and serve any file.
    blocks.has_launched = True
    # Gradio's monitoring summary (request counts of every endpoint, all users) is served to
    # any signed-in user unless monitoring is switched off explicitly; this app does not use it.
    blocks.enable_monitoring = False
    # With sign-in on, a page session is held by the user who opened it.
    sessions = (
        {
            "owners": hardening.SessionOwners(),
            "user_of": lambda request: signed_in_user(mounted, request),
            "event_session": lambda event_id: _event_session(blocks, event_id),
        }
        if users.login_required
        else {}
    )
    hardening.install(mounted, ctx.login_throttle, lambda: len(blocks.fns), **sessions)
    return mounted


def _event_session(blocks: gr.Blocks, event_id: str) -> str | None:
    """The page session a queued (or just finished) event belongs to, as Gradio's own routes
    find it; None when Gradio holds no such event."""
    queue = getattr(blocks, "_queue", None)
    if queue is None:
        return None
    event = queue.event_ids_to_events.get(event_id)
    if event is not None:
        return event.session_hash
    for session_hash, ids in queue.pending_event_ids_session.items():
        if event_id in ids:
            return session_hash
    return None


def _verdict(value):
    """A health entry without counts or details: ``ok`` flags and the overall status only."""
    if isinstance(value, dict):
        return {"ok": bool(value.get("ok", "error" not in value))}
    return value if isinstance(value, (bool, str)) and value in ("ok", "degraded") else "-"


def private_paths(ctx: AppContext) -> list[Path]:
    """What Gradio must never copy or serve, whatever a request says: the data folder (index,
    uploads, databases), the users file and the folder of prompts and rules."""
    settings = ctx.services.settings
    paths = [settings.data_dir, settings.models_dir()]
    if settings.users_file is not None:
        paths.append(settings.users_file)
    return [Path(p).expanduser().resolve() for p in paths]


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
        report["vectors"] = {"ok": True, "count": ctx.services.index.vector_count()}
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


def _owner_only(folder: Path) -> None:
    """The data folder (index, uploads, databases) closed to other local accounts, also when
    an older version made it world-readable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    except OSError as exc:
        log.warning("could not restrict %s to its owner: %s", folder, exc)


def _own_gradio_folder() -> None:
    """Gradio copies uploads and the files it serves into one temporary folder, by default
    shared by every Gradio app on the host, and serves what lies there to a signed-in user
    who names the path. Unless ``GRADIO_TEMP_DIR`` says otherwise, this server gets a folder
    of its own (closed to other local accounts), removed when it stops."""
    if os.environ.get("GRADIO_TEMP_DIR"):
        return
    folder = tempfile.mkdtemp(prefix="kamcoach-gradio-")  # created owner-only (0700)
    os.environ["GRADIO_TEMP_DIR"] = folder
    atexit.register(shutil.rmtree, folder, ignore_errors=True)


def run_server(ctx: AppContext, host: str, port: int, index_corpus: bool = True) -> None:
    import uvicorn

    _owner_only(ctx.services.settings.data_dir)
    _own_gradio_folder()
    for notice in ctx.library.recover_staged():
        log.warning("uploads: %s", notice)
    if index_corpus:
        ctx.indexer.start(show_bar=True)
    # Load the models while the page opens, so the first question does not wait for them.
    threading.Thread(target=_warm_up, args=(ctx,), name="warm-up", daemon=True).start()
    server = create_server(ctx)
    log.info("KAM Coach on http://%s:%s", host, port)
    uvicorn.run(server, host=host, port=port, log_level="warning")
