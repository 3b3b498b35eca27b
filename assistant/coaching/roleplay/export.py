"""Exports of stored sessions: a scorecard or one session as Markdown (and a trainer's view of
a session with it), a cohort as CSV, a trainee's progress. The records stay plain data; the
prompt library that words the Markdown is passed in by the caller (from the composition root)."""

from __future__ import annotations

import csv
import io
from typing import Any

from assistant.coaching.roleplay.behaviour import MESSAGES_FILE
from assistant.coaching.roleplay.records import (
    CriterionProgress,
    ProgressPoint,
    SessionRecord,
    TraineeProgress,
)
from assistant.coaching.roleplay.scorecard import Scorecard
from assistant.prompts import Messages, PromptLibrary
from assistant.text.markup import escape_markup


def session_markdown(
    record: SessionRecord, library: PromptLibrary, language: str | None = None
) -> str:
    """Header, transcript and (when scored) the effective scorecard. Headings and verdicts are
    in ``language`` (a viewer's; the session's own by default); what was said and written in
    the session stays as it was recorded."""
    messages = Messages(library, MESSAGES_FILE)
    summary = record.summary
    lang = language or summary.language

    def say(key: str) -> str:
        return messages.get(key, lang)

    persona = escape_markup(record.scenario.persona.name)
    title = escape_markup(summary.scenario_title)
    lines = [
        f"# {title}",
        "",
        f"- {say('trainee')}: {escape_markup(summary.trainee)}",
        f"- {say('scenario')}: {title} (`{escape_markup(summary.scenario_id)}`)",
        f"- {say('date')}: {str(summary.started_at).replace('T', ' ')[:16]}",
        "",
        f"## {say('transcript')}",
        "",
    ]
    for turn in record.turns:
        speaker = say("kam") if turn.role == "kam" else persona
        lines.append(f"**{speaker}**: {escape_markup(turn.text)}")
        lines.append("")
    scorecard = record.scorecard
    if scorecard is not None:
        lines.append(scorecard_markdown(scorecard, library, language))
    return "\n".join(lines).rstrip() + "\n"


def session_view(
    record: SessionRecord, library: PromptLibrary, language: str | None = None
) -> dict[str, Any]:
    """Everything a trainer's view shows: the record's data, with the session as Markdown
    (headings in the viewer's ``language``)."""
    return record.as_dict() | {"markdown": session_markdown(record, library, language)}


def scorecard_markdown(
    scorecard: Scorecard, library: PromptLibrary, language: str | None = None
) -> str:
    """The scorecard as Markdown; headings and verdicts in ``language`` (the session's own by
    default)."""
    messages = Messages(library, MESSAGES_FILE)
    lang = language or scorecard.language

    def say(key: str, **values: object) -> str:
        return messages.get(key, lang, **values)

    verdict = say("passed") if scorecard.passed else say("failed")
    lines = [
        f"## {say('scorecard_title')}",
        "",
        f"**{say('score')}: {scorecard.score:.0%}** ({verdict})",
    ]
    if scorecard.compliance_failed:
        rules = (
            ", ".join(sorted({b.rule for b in scorecard.breaches}))
            or scorecard.compliance_criterion
        )
        lines += ["", f"> {say('compliance_failed', rules=rules)}"]
    lines += [
        "",
        f"| {say('criterion')} | {say('result')} | {say('evidence')} |",
        "|---|---|---|",
    ]
    for criterion in scorecard.criteria:
        result = say(criterion.result)
        override = scorecard.overrides.get(criterion.id)
        if override is not None:
            automatic = say(scorecard.automatic.get(criterion.id, criterion.result))
            note = say(
                "override_note",
                result=say(override.result),
                by=escape_markup(override.by),
                comment=escape_markup(override.comment),
            )
            result = f"{result} ({say('automatic')}: {automatic}; {note})"
        quote = _cell(criterion.evidence) if criterion.evidence else say("evidence_none")
        lines.append(f"| {_cell(criterion.name)} | {result} | {quote} |")
    for heading, items in (
        ("strengths", scorecard.strengths),
        ("improvements", scorecard.improvements),
    ):
        if items:
            lines += [
                "",
                f"### {say(heading)}",
                *[f"- {escape_markup(item)}" for item in items],
            ]
    if scorecard.citations:
        lines += ["", f"### {say('study')}"]
        for citation in scorecard.citations:
            passage = citation.passage
            where = " > ".join(escape_markup(p) for p in (passage.title, passage.section) if p)
            page = f", p. {passage.page}" if passage.page else ""
            source, reason = escape_markup(passage.source), escape_markup(citation.reason)
            lines.append(f"{citation.n}. {where} ({source}{page}): {reason}")
    return "\n".join(lines) + "\n"


def cohort_csv(records: list[SessionRecord]) -> str:
    """One row per session; one column per criterion (effective result, blank if not scored)."""
    criteria: list[str] = []
    for record in records:
        if record.automatic is not None:
            for criterion in record.automatic.criteria:
                if criterion.id not in criteria:
                    criteria.append(criterion.id)
    columns = [
        "trainee",
        "session_id",
        "scenario_id",
        "language",
        "status",
        "started_at",
        "ended_at",
        "turns",
        "score",
        "automatic_score",
        "passed",
        "compliance_failed",
        "overrides",
        *criteria,
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        summary = record.summary
        row: dict[str, object] = {
            "trainee": summary.trainee,
            "session_id": summary.id,
            "scenario_id": summary.scenario_id,
            "language": summary.language,
            "status": summary.status,
            "started_at": summary.started_at,
            "ended_at": summary.ended_at or "",
            "turns": summary.turns,
            "score": _number(summary.score),
            "automatic_score": _number(summary.automatic_score),
            "passed": _flag(summary.passed),
            "compliance_failed": _flag(summary.compliance_failed),
            "overrides": len(record.overrides),
        }
        scorecard = record.scorecard
        if scorecard is not None:
            row.update({c.id: c.result for c in scorecard.criteria})
        writer.writerow(row)
    return out.getvalue()


def progress(trainee: str, records: list[SessionRecord]) -> TraineeProgress:
    """``records``: the trainee's scored sessions, oldest first."""
    timeline: list[ProgressPoint] = []
    results: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for record in records:
        scorecard = record.scorecard
        if scorecard is None:
            continue
        timeline.append(
            ProgressPoint(
                record.id,
                record.summary.ended_at or record.summary.started_at,
                record.summary.scenario_id,
                round(scorecard.score, 3),
                scorecard.compliance_failed,
                scorecard.passed,
                {c.id: c.result for c in scorecard.criteria},
            )
        )
        for criterion in scorecard.criteria:
            results.setdefault(criterion.id, []).append(criterion.result)
            names[criterion.id] = criterion.name
    criteria = [
        CriterionProgress(
            criterion_id=criterion_id,
            name=names[criterion_id],
            first=seen[0],
            best="met" if "met" in seen else "missing",
            latest=seen[-1],
            sessions=len(seen),
            met=seen.count("met"),
        )
        for criterion_id, seen in results.items()
    ]
    return TraineeProgress(trainee, timeline, criteria)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _cell(text: str) -> str:
    return " ".join(escape_markup(text).replace("|", "\\|").split())
