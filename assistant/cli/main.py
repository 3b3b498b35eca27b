"""``kamcoach``: a thin command-line adapter over the services."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import KamTyper, fail
from assistant.offline import go_offline

app = KamTyper(
    name="kamcoach",
    help="KAM Coach: cited answers and coaching for Key Account Managers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _services():
    from assistant.config import Settings
    from assistant.services import build_services

    return build_services(Settings())


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to ingest (default: KAM_CORPUS_DIR, the bundled corpus)."
        ),
    ] = None,
    collection: Annotated[str | None, typer.Option(help="Collection name.")] = None,
    access: Annotated[str | None, typer.Option(help="Override access: public or internal.")] = None,
    prune: Annotated[
        bool, typer.Option(help="Remove indexed files gone from these folders.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest documents (PDF, Markdown, text, HTML, DOCX) into the index, incrementally."""
    from tqdm import tqdm

    from assistant.documents.metadata import ACCESS_LEVELS
    from assistant.errors import KamError

    if access is not None and access not in ACCESS_LEVELS:
        fail(f"--access must be {' or '.join(map(repr, ACCESS_LEVELS))}", 2)
    services = _services()
    paths = paths or [services.settings.corpus_dir]
    bar = tqdm(total=0, unit="file", disable=json_out or not sys.stderr.isatty(), file=sys.stderr)

    def progress(done: int, total: int, chunks: int) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix(chunks=chunks, refresh=False)
        bar.refresh()

    try:
        report = services.ingestor.ingest(
            paths, collection or services.settings.collection, access, prune, progress
        )
    except KamError as exc:
        fail(str(exc))
    finally:
        bar.close()
    if json_out:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            typer.echo(line)
    if not report.succeeded:
        raise typer.Exit(1)


@app.command()
def remove(paths: Annotated[list[Path], typer.Argument(help="Files or folders to drop.")]) -> None:
    """Remove files (or everything under folders) from the index."""
    removed = _services().ingestor.remove(paths)
    for path in removed:
        typer.echo(f"removed   {path}")
    typer.echo(f"{len(removed)} removed")


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("--k", help="How many passages.")] = 5,
    doc_type: Annotated[list[str] | None, typer.Option(help="Filter: doc type.")] = None,
    language: Annotated[list[str] | None, typer.Option(help="Filter: language.")] = None,
    collection: Annotated[list[str] | None, typer.Option(help="Filter: collection.")] = None,
    access: Annotated[list[str] | None, typer.Option(help="Filter: access level.")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or lexical.")] = "hybrid",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the passages that best match a question."""
    from assistant.retrieval.search import SearchFilters

    if mode not in ("hybrid", "dense", "lexical"):
        fail("--mode must be hybrid, dense or lexical", 2)
    filters = SearchFilters(
        collections=tuple(collection or ()),
        doc_types=tuple(doc_type or ()),
        languages=tuple(language or ()),
        access=tuple(access or ()),
    )
    passages = _services().searcher.search(question, k, filters, mode)  # type: ignore[arg-type]
    if json_out:
        typer.echo(json.dumps([p.as_dict() for p in passages], ensure_ascii=False, indent=2))
        return
    if not passages:
        typer.echo("No passages found.")
    for rank, passage in enumerate(passages, start=1):
        where = passage.source + (f", page {passage.page}" if passage.page else "")
        section = f" > {passage.section}" if passage.section else ""
        typer.echo(f"[{rank}] {where}{section}  (score {passage.score:.4f})")
        typer.echo("    " + passage.text.replace("\n", "\n    "))
        typer.echo("")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question, in English or Chinese.")],
    doc_type: Annotated[list[str] | None, typer.Option(help="Filter: doc type.")] = None,
    language: Annotated[list[str] | None, typer.Option(help="Filter: language.")] = None,
    after: Annotated[
        list[str] | None,
        typer.Option(help="An earlier question of the conversation (repeat, oldest first)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Answer a question from the knowledge base, with citations. With --after, a follow-up
    ("and for payers?") is first rewritten to stand alone; the rewrite is shown."""
    from assistant.retrieval.search import SearchFilters

    filters = SearchFilters(doc_types=tuple(doc_type or ()), languages=tuple(language or ()))
    history = [turn for earlier in after or () for turn in (("user", earlier), ("assistant", ""))]
    services = _services()
    if json_out:
        answer = services.answers.answer(question, history, filters=filters)
        typer.echo(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2))
        return
    for event in services.answers.stream(question, history, filters=filters):
        if event.kind == "delta":
            typer.echo(event.text, nl=False, err=True)
        else:
            if event.answer and event.answer.standalone_question != question.strip():
                typer.echo(f"(searched for: {event.answer.standalone_question})")
            typer.echo(
                ("\n\n" if event.answer and event.answer.mode != "extractive" else "") + event.text
            )


@app.command("eval")
def eval_command(
    question_set: Annotated[Path, typer.Argument(help="A question set (YAML).")],
    mode: Annotated[str | None, typer.Option(help="Answer mode: none, openai or local.")] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write every result here.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write report.md and report.html here.")
    ] = None,
    compare: Annotated[Path | None, typer.Option(help="A previous --json run to compare.")] = None,
) -> None:
    """Evaluate retrieval and answers on a question set; non-zero exit below thresholds."""
    from tqdm import tqdm

    from assistant.config import Settings
    from assistant.evaluation.report import HEADLINE, write_report
    from assistant.evaluation.run_store import load_run, save_run
    from assistant.evaluation.service import evaluate
    from assistant.services import build_services

    if mode not in (None, "none", "openai", "local"):
        fail("--mode must be none, openai or local", 2)
    previous = load_run(compare) if compare else None
    settings = Settings(**({"llm_provider": mode} if mode else {}))
    services = build_services(settings)
    bar = tqdm(total=0, unit="question", disable=not sys.stderr.isatty(), file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total, bar.n = total, done
        bar.refresh()

    run = evaluate(services, question_set, progress)
    bar.close()
    for name in HEADLINE:
        if name in run.summary:
            typer.echo(f"{name:>24}: {run.summary.get(name)}")
    data = run.as_dict()
    if json_path:
        typer.echo(f"results: {save_run(run, json_path)}")
    if report:
        typer.echo(f"report: {write_report(data, report, previous)}")
    failures = run.meta.threshold_failures
    for failure in failures:
        typer.echo(f"BELOW THRESHOLD: {failure}", err=True)
    if failures:
        raise typer.Exit(1)


feedback_app = KamTyper(help="Answer feedback: record it, export drafts for curated sets.")
app.add_typer(feedback_app, name="feedback")


def _feedback_store():
    from assistant.config import Settings
    from assistant.evaluation.feedback import FeedbackStore

    return FeedbackStore(Settings().feedback_db())


@feedback_app.command("add")
def feedback_add(
    question: Annotated[str, typer.Argument(help="The question that was asked.")],
    down: Annotated[bool, typer.Option("--down/--up", help="Thumbs down (default) or up.")] = True,
    evidence_wrong: Annotated[bool, typer.Option(help="The cited evidence is wrong.")] = False,
    comment: Annotated[str, typer.Option(help="What was wrong.")] = "",
    answer: Annotated[str, typer.Option(help="The answer that was given.")] = "",
) -> None:
    """Record feedback on an answer."""

    item = _feedback_store().record(
        question, answer, [], -1 if down else 1, evidence_wrong, comment
    )
    typer.echo(f"feedback {item} recorded")


@feedback_app.command("export")
def feedback_export(
    out: Annotated[Path, typer.Option("--out", help="Where to write the draft question set.")],
) -> None:
    """Write thumbs-down feedback as draft questions (YAML) for a maintainer to review."""
    from assistant.evaluation.feedback import write_drafts

    count = write_drafts(_feedback_store().items(negative_only=True), out)
    typer.echo(f"{count} draft questions written to {out}")


@app.command()
def status() -> None:
    """Show what the index holds."""
    stats = _services().index.stats()
    for key, value in stats.items():
        typer.echo(f"{key}: {value}")


def _web_app(host: str | None, port: int | None):
    """The web app's context, and where it listens (options first, then settings)."""
    from assistant.config import Settings
    from assistant.resource_check import check_resources
    from assistant.ui.context import AppContext

    problems = check_resources(Settings())
    if problems:
        fail("the prompts folder has problems:\n  " + "\n  ".join(problems))
    ctx = AppContext.build(_services())
    settings = ctx.services.settings
    return ctx, host or settings.server_host, port or settings.server_port


@app.command()
def ui(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start the web app (indexes the bundled corpus on first start)."""
    from assistant.ui.server import run_server

    ctx, host, port = _web_app(host, port)
    typer.echo(f"KAM Coach: http://{host}:{port}  (Ctrl+C to stop)")
    run_server(ctx, host, port)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    index_corpus: Annotated[
        bool, typer.Option(help="Also index KAM_CORPUS_DIR at start (incremental).")
    ] = False,
) -> None:
    """Serve the app for a team: FastAPI + Gradio under uvicorn, /health for monitors; the
    Chroma server and the LLM endpoint come from settings."""
    from assistant.ui.server import run_server

    ctx, host, port = _web_app(host, port)
    login = "login required" if ctx.users.login_required else "NO login (set KAM_USERS_FILE)"
    typer.echo(f"KAM Coach serving on http://{host}:{port} ({login}); health at /health")
    run_server(ctx, host, port, index_corpus=index_corpus)


@app.command()
def backup(
    destination: Annotated[Path, typer.Argument(help="A new, empty folder.")],
    include_vectors: Annotated[
        bool, typer.Option(help="Also copy the Chroma store (otherwise rebuilt on restore).")
    ] = False,
) -> None:
    """Back up the data folder (safe while the app runs)."""
    from assistant.admin.backup import backup as run_backup
    from assistant.config import Settings

    report = run_backup(Settings().data_dir, destination, include_vectors)
    for line in report.lines():
        typer.echo(line)


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="A folder written by 'kamcoach backup'.")],
) -> None:
    """Restore a backup into an empty KAM_DATA_DIR (stop the app first)."""
    from assistant.admin.backup import restore as run_restore
    from assistant.config import Settings

    report = run_restore(source, Settings().data_dir)
    for line in report.lines():
        typer.echo(line)


def _register_coaching() -> None:
    from assistant.cli.coach import register
    from assistant.cli.users import users_app

    register(app)
    app.add_typer(users_app, name="users")


_register_coaching()


def main() -> None:
    go_offline()
    # Index, uploads, feedback and sessions may hold internal text: readable by the owner only.
    os.umask(0o077)
    app()
