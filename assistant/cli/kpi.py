"""``kamcoach coach metrics FILE``: read the KPI set, review it, print text or JSON, export the
scorecard as CSV or Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assistant.cli.common import access_filters, write_output
from assistant.coaching.common.report import CoachReport
from assistant.prompts import Messages

_MARKS = {"met": "✓", "partly": "~", "missing": "✗"}


def run_metrics(
    file: str,
    json_out: bool,
    csv_path: str | None,
    markdown_path: str | None,
    access: list[str] | None,
) -> None:
    """Everything the command does; errors a user can fix end in ``error: ...`` and exit 1.
    The file is checked before any model loads."""
    from assistant.coaching.kpi.coach import MetricCoach
    from assistant.coaching.kpi.model import load_metrics_file
    from assistant.coaching.kpi.scorecard import to_csv, to_markdown
    from assistant.config import Settings
    from assistant.services import build_services

    filters = access_filters(access)
    account, kpis = load_metrics_file(file)
    services = build_services(Settings())
    try:
        coach = MetricCoach(services.coach_context(filters))
        report = coach.review(account, kpis)
    finally:
        services.close()
    rows = report.extras["scorecard"]
    if csv_path:
        write_output(Path(csv_path), to_csv(rows, coach.messages, report.language), excel=True)
    if markdown_path:
        write_output(Path(markdown_path), to_markdown(report, coach.messages))
    if json_out:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(render_text(report, coach.messages))
    for written in (csv_path, markdown_path):
        if written:
            typer.echo(f"→ {written}")


def render_text(report: CoachReport, messages: Messages) -> str:
    """A terminal summary: score, criteria, feedback and sources."""
    language = report.language
    title = messages.get("scorecard.title", language)
    account = report.extras.get("account", {}).get("name") or ""
    lines = [f"{title}{': ' + account if account else ''}  ({report.score:.2f}, {report.mode})"]
    for criterion in report.criteria:
        result = messages.get(f"results.{criterion.result}", language)
        lines.append(f"  {_MARKS[criterion.result]} {criterion.name}: {result}")
    if report.extras.get("notice"):
        lines += ["", str(report.extras["notice"])]
    if report.extras.get("commentary"):
        lines += ["", str(report.extras["commentary"])]
    if report.feedback:
        lines.append("")
        lines += [f"- {line}" for line in report.feedback]
    if report.citations:
        lines.append("")
        for citation in report.citations:
            passage = citation.passage
            page = f", p. {passage.page}" if passage.page else ""
            section = f" > {passage.section}" if passage.section else ""
            lines.append(f"[{citation.n}] {passage.source}{page}{section}")
    return "\n".join(lines)
