"""``kamcoach coach value-prop FILE``: read the file, review (and rewrite), print text or JSON,
write the canvas."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from assistant.cli.common import access_filters, write_output
from assistant.coaching.common.report import CoachReport
from assistant.coaching.value_prop.rewrite import ValuePropRewrite
from assistant.prompts import Messages

_MARKS = {"met": "✓", "partly": "~", "missing": "✗"}


def run_value_prop(
    file: str, json_out: bool, canvas_path: str | None, rewrite: bool, access: list[str] | None
) -> None:
    """Everything the command does; errors a user can fix end in ``error: ...`` and exit 1."""
    from assistant.coaching.common.account import load_coach_file
    from assistant.coaching.value_prop.coach import ValuePropCoach, parse_input
    from assistant.config import Settings
    from assistant.services import build_services

    filters = access_filters(access)
    rewritten: ValuePropRewrite | None = None
    account, draft = parse_input(load_coach_file(file), file)
    services = build_services(Settings())
    try:
        coach = ValuePropCoach(services.coach_context(filters))
        if rewrite:
            coach.ensure_llm()
        report = coach.review(account, draft)
        if rewrite:
            rewritten = coach.rewrite(account, draft, report)
    finally:
        services.close()
    if canvas_path:
        write_output(Path(canvas_path), coach.canvas_markdown(report), "the canvas")
    messages = coach.messages
    if json_out:
        data = report.as_dict()
        if rewritten is not None:
            data["rewrite"] = rewritten.as_dict()
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(render_text(report, messages, rewritten))
    if canvas_path:
        typer.echo(f"\n→ {canvas_path}")


def render_text(
    report: CoachReport, messages: Messages, rewritten: ValuePropRewrite | None = None
) -> str:
    """The report for a terminal, headings in the draft's language."""
    lang = report.language

    def heading(key: str, **values: object) -> str:
        return messages.get(f"headings.{key}", lang, **values)

    lines = [f"{heading('score')}: {round(report.score * 100)}/100", "", heading("criteria")]
    for c in report.criteria:
        result = messages.get(f"results.{c.result}", lang)
        lines.append(f"  {_MARKS[c.result]} {c.name}: {result}")
        if c.evidence:
            lines.append(f"      “{c.evidence}”")
    lines += ["", heading("feedback"), *(f"  - {line}" for line in report.feedback)]
    questions = report.extras.get("next_questions") or []
    if questions:
        lines += ["", heading("questions"), *(f"  - {q}" for q in questions)]
    if report.citations:
        lines += ["", heading("citations")]
        for citation in report.citations:
            p = citation.passage
            where = (
                p.source
                + (f", p. {p.page}" if p.page else "")
                + (f", {p.section}" if p.section else "")
            )
            lines.append(f"  [{citation.n}] {where} ({citation.reason})")
    if rewritten is not None:
        lines += ["", heading("rewrite"), "", rewritten.text, ""]
        lines.append(f"{heading('score')}: {round(rewritten.review.score * 100)}/100")
        if rewritten.new_figures:
            lines.append(heading("new_figures", figures=", ".join(rewritten.new_figures)))
    return "\n".join(lines)
