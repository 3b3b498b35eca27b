"""The scorecard of a KPI review: one row per KPI (checks, classification, issues), exported as
CSV or Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from assistant.coaching.common.report import CoachReport
from assistant.coaching.kpi.classify import KpiProfile
from assistant.coaching.kpi.feedback import kpi_issues
from assistant.prompts import Messages

COLUMNS = (
    "number",
    "name",
    "direction",
    "nature",
    "horizon",
    "scope",
    "formula",
    "data_source",
    "target",
    "time_bound",
    "owner",
    "objective",
    "linked_objective",
    "issues",
)
CHECK_COLUMNS = ("formula", "data_source", "target", "time_bound", "owner", "objective")
CLASS_COLUMNS = ("direction", "nature", "horizon", "scope")


def scorecard_rows(
    profiles: Sequence[KpiProfile], messages: Messages, language: str
) -> list[dict[str, Any]]:
    """Machine-readable rows (stable keys and values) for JSON."""
    rows = []
    for profile in profiles:
        row: dict[str, Any] = {"number": profile.number, "name": profile.kpi.name}
        row.update({column: getattr(profile, column) for column in CLASS_COLUMNS})
        row.update({check: profile.checks[check].result for check in CHECK_COLUMNS})
        row["linked_objective"] = profile.objective
        row["risks"] = [
            {"id": f.risk.id, "level": f.level, "quote": f.quote} for f in profile.risks
        ]
        row["issues"] = kpi_issues(profile, messages, language)
        rows.append(row)
    return rows


def _cell(column: str, value: Any, messages: Messages, language: str) -> str:
    """A row value in words of the report's language."""
    if column in CLASS_COLUMNS:
        return messages.get(f"labels.{value}", language)
    if column in CHECK_COLUMNS:
        return messages.get(f"results.{value}", language)
    if column == "issues":
        return ("；" if language == "zh-Hant" else "; ").join(value)
    return str(value)


def scorecard_table(
    rows: Sequence[dict[str, Any]], messages: Messages, language: str
) -> tuple[list[str], list[list[str]]]:
    """The scorecard's header and rows in words of the report's language."""
    header = [messages.get(f"scorecard.headers.{c}", language) for c in COLUMNS]
    body = [[_cell(c, row[c], messages, language) for c in COLUMNS] for row in rows]
    return header, body


def to_csv(rows: Sequence[dict[str, Any]], messages: Messages, language: str) -> str:
    header, body = scorecard_table(rows, messages, language)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def _md(text: object) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def to_markdown(report: CoachReport, messages: Messages) -> str:
    """The whole review as Markdown: score, criteria, the KPI table and the feedback."""
    language = report.language

    def text(key: str) -> str:
        return messages.get(f"scorecard.{key}", language)

    account = report.extras.get("account", {})
    lines = [f"# {text('title')}", ""]
    if account.get("name"):
        lines.append(f"- {text('account')}: {_md(account['name'])}")
    if account.get("lifecycle_stage"):
        stage = account.get("stage_name") or account["lifecycle_stage"]
        lines.append(f"- {text('stage')}: {_md(stage)}")
    lines += [f"- {text('score')}: {report.score:.2f}", "", f"## {text('criteria_heading')}", ""]
    lines.append(f"| {text('criterion')} | {text('result')} | {text('evidence')} |")
    lines.append("|---|---|---|")
    for c in report.criteria:
        result = messages.get(f"results.{c.result}", language)
        lines.append(f"| {_md(c.name)} | {result} | {_md(c.evidence) or text('none')} |")
    header, body = scorecard_table(report.extras.get("scorecard", []), messages, language)
    lines += ["", f"## {text('kpis_heading')}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(_md(cell) or "–" for cell in row) + " |" for row in body]
    if report.feedback:
        lines += [""] + [f"- {_md(line)}" for line in report.feedback]
    if report.citations:
        lines.append("")
        for citation in report.citations:
            page = f", p. {citation.passage.page}" if citation.passage.page else ""
            section = f" > {citation.passage.section}" if citation.passage.section else ""
            lines.append(f"[{citation.n}] {citation.passage.source}{page}{_md(section)}")
    return "\n".join(lines) + "\n"
