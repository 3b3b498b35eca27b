"""Transcripts: the turns of a role-play, and reading them from a file for
``kamcoach coach score TRANSCRIPT`` (YAML/JSON with ``turns``, or ``Speaker: text`` lines)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import KamError

ROLES = ("kam", "persona")
_KAM_NAMES = {"kam", "me", "trainee", "rep", "key account manager", "業務", "學員", "我"}
_SPEAKER = re.compile(r"^\s*(?:\*\*)?([^:：*]{1,40}?)(?:\*\*)?\s*[:：]\s*(.*)$")


class TranscriptError(KamError):
    """A transcript file cannot be read as a conversation."""


@dataclass(frozen=True)
class Turn:
    role: str  # "kam" or "persona"
    text: str


@dataclass
class Transcript:
    turns: list[Turn]
    scenario_id: str | None = None
    language: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def kam_turns(self) -> list[str]:
        return [t.text for t in self.turns if t.role == "kam"]


def turns_from_records(records: object, origin: str) -> list[Turn]:
    """``[{role: kam|persona, text: ...}]`` -> turns, with errors that name the turn."""
    if not isinstance(records, list) or not records:
        raise TranscriptError(f"{origin}: 'turns' must be a non-empty list")
    turns = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise TranscriptError(f"{origin}: turn {number} must have 'role' and 'text'")
        role = str(record.get("role", "")).strip().lower()
        text = str(record.get("text") or "").strip()
        if role not in ROLES:
            raise TranscriptError(f"{origin}: turn {number} has role '{role}'; use kam or persona")
        if not text:
            raise TranscriptError(f"{origin}: turn {number} is empty")
        turns.append(Turn(role, text))
    if not any(t.role == "kam" for t in turns):
        raise TranscriptError(f"{origin}: no turn by the KAM (role: kam) to score")
    return turns


def load_transcript(path: Path) -> Transcript:
    """Read a transcript file. YAML or JSON: ``{scenario?, language?, turns: [...]}``; text or
    Markdown: one ``Speaker: text`` line per turn, where KAM (or Me) is the trainee and any
    other speaker the persona; lines without a speaker continue the previous turn."""
    if not path.is_file():
        raise TranscriptError(f"transcript not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TranscriptError(f"{path.name}: not UTF-8 text") from None
    if not text.strip():
        raise TranscriptError(f"{path.name}: the file is empty")
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _structured(text, path.name, path.suffix.lower() == ".json")
    return Transcript(_speaker_lines(text, path.name))


def _structured(text: str, origin: str, is_json: bool) -> Transcript:
    try:
        raw = json.loads(text) if is_json else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError):
        raise TranscriptError(f"{origin}: not valid {'JSON' if is_json else 'YAML'}") from None
    if isinstance(raw, list):
        raw = {"turns": raw}
    if not isinstance(raw, dict):
        raise TranscriptError(f"{origin}: expected 'turns' (a list of role/text pairs)")
    scenario = raw.get("scenario")
    language = raw.get("language") or raw.get("lang")
    return Transcript(
        turns_from_records(raw.get("turns"), origin),
        str(scenario) if scenario else None,
        str(language) if language else None,
    )


def _speaker_lines(text: str, origin: str) -> list[Turn]:
    turns: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _SPEAKER.match(line)
        if match:
            speaker = match.group(1).strip().lower()
            role = "kam" if speaker in _KAM_NAMES else "persona"
            turns.append([role, match.group(2).strip()])
        elif turns:
            turns[-1][1] = f"{turns[-1][1]} {line.strip()}".strip()
        else:
            raise TranscriptError(
                f"{origin}: start each turn with the speaker, e.g. 'KAM: ...' or 'Customer: ...'"
            )
    records = [{"role": role, "text": said} for role, said in turns if said]
    return turns_from_records(records, origin)
