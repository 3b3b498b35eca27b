"""Agreement of the offline scorer with trainers' labels on a set of transcripts
(``evals/coaching/roleplay_transcripts*.yaml``; schema in ``evals/README.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.coaching.common.agreement import agreement_by_criterion
from assistant.coaching.roleplay.service import RolePlayService
from assistant.coaching.roleplay.transcript import Transcript, TranscriptError, turns_from_records
from assistant.errors import KamError

COMPLIANCE_FAILED = "compliance_failed"


@dataclass(frozen=True)
class LabelledTranscript:
    id: str
    language: str
    scenario_id: str | None
    transcript: Transcript
    labels: dict[str, str | list[str]]
    compliance_failed: bool
    notes: str = ""


def load_labelled(path: Path) -> list[LabelledTranscript]:
    """Read a labelled set; errors name the file and the transcript."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KamError(f"{path.name}: cannot read the labelled transcripts ({exc})") from None
    items = raw.get("transcripts") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise KamError(f"{path.name}: expected a non-empty 'transcripts' list")
    loaded, seen = [], set()
    for number, item in enumerate(items, start=1):
        where = f"{path.name}, transcript {number} ({item.get('id', '?')})"
        missing = {"id", "lang", "turns", "labels", "compliance_failed"} - set(item)
        if missing:
            raise KamError(f"{where}: missing {', '.join(sorted(missing))}")
        if item["id"] in seen:
            raise KamError(f"{where}: id used twice")
        seen.add(item["id"])
        try:
            turns = turns_from_records(item["turns"], where)
        except TranscriptError as exc:
            raise KamError(str(exc)) from None
        scenario = item.get("scenario") or None
        loaded.append(
            LabelledTranscript(
                id=item["id"],
                language=item["lang"],
                scenario_id=scenario,
                transcript=Transcript(turns, scenario, item["lang"]),
                labels=dict(item["labels"]),
                compliance_failed=bool(item["compliance_failed"]),
                notes=str(item.get("notes", "")),
            )
        )
    return loaded


def evaluate(service: RolePlayService, path: Path) -> dict[str, Any]:
    """Per-criterion agreement (plus the compliance verdict) and every disagreement."""
    items = load_labelled(path)
    predictions: list[dict[str, str]] = []
    labels: list[dict[str, Any]] = []
    disagreements = []
    for item in items:
        card = service.score_transcript(item.transcript)
        predicted = {c.id: c.result for c in card.criteria}
        predicted[COMPLIANCE_FAILED] = _yes_no(card.compliance_failed)
        wanted = {**item.labels, COMPLIANCE_FAILED: _yes_no(item.compliance_failed)}
        predictions.append(predicted)
        labels.append(wanted)
        for criterion, label in wanted.items():
            accepted = [label] if isinstance(label, str) else list(label)
            if predicted.get(criterion) not in accepted:
                evidence = next((c.evidence for c in card.criteria if c.id == criterion), "")
                disagreements.append(
                    {
                        "id": item.id,
                        "criterion": criterion,
                        "label": label,
                        "predicted": predicted.get(criterion),
                        "evidence": evidence,
                    }
                )
    return {
        "set": path.name,
        "transcripts": len(items),
        "agreement": agreement_by_criterion(predictions, labels),
        "disagreements": disagreements,
    }


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
