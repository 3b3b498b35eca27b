"""Library management and evaluation runs for the web app and its API (admins and trainers)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.admin.users import User
from assistant.errors import KamError
from assistant.evaluation.report import HEADLINE, compare, failing_questions, write_report
from assistant.evaluation.run_store import RunStore
from assistant.evaluation.service import evaluate
from assistant.ingest.ingestor import IngestReport
from assistant.ui.context import AppContext

# -- library -------------------------------------------------------------------------------


def list_documents(ctx: AppContext, user: User) -> list[dict[str, Any]]:
    """The documents ``user`` may see; where a file lies on the server is for admins only."""
    rows = [row.as_dict() for row in ctx.library.documents(user)]
    if not user.is_admin:
        for row in rows:
            row["location"] = Path(row["location"]).name
    return rows


def document_chunks(ctx: AppContext, user: User, doc_hash: str) -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "index": c.idx,
            "section": c.meta.get("section", ""),
            "page": c.meta.get("page"),
            "text": c.text,
        }
        for c in ctx.library.chunks(doc_hash, user)
    ]


def upload_files(
    ctx: AppContext,
    user: User,
    files: list[tuple[str, Path]],
    access: str = "public",
    collection: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> list[dict[str, str]]:
    ctx.require_admin(user)
    if not files:
        raise KamError("choose at least one file to upload")
    target = collection or ctx.services.settings.collection
    results = ctx.library.upload(files, target, access, progress, on_file)
    return [r.as_dict() for r in results]


def replace_document(
    ctx: AppContext, user: User, doc_hash: str, original: str, temp: Path
) -> dict[str, str]:
    ctx.require_admin(user)
    return ctx.library.replace(doc_hash, original, temp, user).as_dict()


def delete_document(ctx: AppContext, user: User, doc_hash: str) -> list[str]:
    ctx.require_admin(user)
    return ctx.library.delete(doc_hash, user)


def reindex_report(
    ctx: AppContext,
    user: User,
    progress: Callable[[int, int, int], None] | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    ctx.require_admin(user)
    return ctx.library.reindex(progress, on_file)


def reindex(
    ctx: AppContext, user: User, progress: Callable[[int, int, int], None] | None = None
) -> list[str]:
    """The re-index report in English, one line per file and the totals."""
    return reindex_report(ctx, user, progress).lines()


# -- feedback ------------------------------------------------------------------------------


def feedback_drafts(ctx: AppContext, user: User) -> str:
    """Thumbs-down feedback as a draft question set (YAML) for a maintainer to review."""
    import yaml

    from assistant.evaluation.feedback import draft_questions

    ctx.require_trainer(user)
    data = draft_questions(ctx.feedback.items(negative_only=True))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# -- evaluations ---------------------------------------------------------------------------


def question_sets(folder: Path) -> list[str]:
    """Question sets are the YAML files at the top of ``evals/`` (coaching sets live below)."""
    return sorted(p.name for p in folder.glob("*.yaml"))


def run_store(ctx: AppContext) -> RunStore:
    return RunStore(ctx.services.settings.data_dir / "evaluations")


def previous_run(ctx: AppContext, set_name: str) -> dict[str, Any] | None:
    return run_store(ctx).latest(set_name)


def run_evaluation(
    ctx: AppContext,
    user: User,
    set_name: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run a set, keep the JSON and the report under the data folder, compare with the
    previous run of the same set."""
    ctx.require_trainer(user)
    folder = ctx.services.settings.evals_dir
    if set_name not in question_sets(folder):
        raise KamError(f"unknown question set '{set_name}'")
    store = run_store(ctx)
    previous = store.latest(set_name)
    run = evaluate(ctx.services, folder / set_name, progress)
    data = run.as_dict()
    json_path = store.save(run)
    report = write_report(data, store.report_folder(json_path), previous)
    summary = run.summary
    thresholds = run.meta.thresholds or {}
    return {
        "set": set_name,
        "json": str(json_path),
        "report": str(report),
        "plots": sorted(str(p) for p in report.parent.glob("*.png")),
        "metrics": [
            {"metric": name, "value": summary.get(name), "threshold": thresholds.get(name, "")}
            for name in HEADLINE
            if name in summary
        ],
        "threshold_failures": run.meta.threshold_failures,
        "failing": failing_questions(data),
        "comparison": compare(data, previous) if previous else [],
    }
