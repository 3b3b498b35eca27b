"""Curated question sets: YAML files validated against a schema, with clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import KamError

KeyFact = str | list[str]


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str


# Trap labels some question sets spell differently from the guard rule they expect.
RULE_OF_LABEL = {
    "kickback-disguised": "inducement",
    "guarantee": "guaranteed-outcome",
    "comparative-claim": "disparagement",
}


def rule_of_label(label: str | None) -> str | None:
    """The guard rule a trap labelled so expects to be refused under (None: no trap)."""
    return RULE_OF_LABEL.get(label, label) if label else None


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    lang: Literal["en", "zh-Hant"]
    answerable: bool
    expected_sources: list[str] = Field(default_factory=list)
    key_facts: list[KeyFact] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    history: list[Turn] = Field(default_factory=list)
    compliance: str | None = None

    @property
    def compliance_rule(self) -> str | None:
        """The guard rule a trap expects to be refused under (None: no trap)."""
        return rule_of_label(self.compliance)

    @model_validator(mode="after")
    def _answerable_needs_sources(self) -> Question:
        if self.answerable and not self.expected_sources and not self.compliance:
            raise ValueError("an answerable question needs expected_sources")
        return self


class QuestionSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    thresholds: dict[str, float] = Field(default_factory=dict)
    questions: list[Question]

    @model_validator(mode="after")
    def _unique_ids(self) -> QuestionSet:
        seen: set[str] = set()
        for question in self.questions:
            if question.id in seen:
                raise ValueError(f"duplicate question id '{question.id}'")
            seen.add(question.id)
        return self


def load_question_set(path: Path) -> QuestionSet:
    """Read and validate a question set; errors name the file and the offending item."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise KamError(f"{path}: cannot read question set ({exc})") from None
    except yaml.YAMLError as exc:
        raise KamError(f"{path}: not valid YAML ({exc})") from None
    try:
        return QuestionSet.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = list(error["loc"])
            if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
                items = raw.get("questions", []) if isinstance(raw, dict) else []
                index = location[1]
                ident = (
                    items[index].get("id", "?")
                    if index < len(items) and isinstance(items[index], dict)
                    else "?"
                )
                where = f"question {index + 1} (id {ident})" + (
                    f", field {'.'.join(str(p) for p in location[2:])}" if location[2:] else ""
                )
            else:
                where = ".".join(str(p) for p in location) or "set"
            problems.append(f"{where}: {error['msg']}")
        raise KamError(f"{path}: invalid question set\n  " + "\n  ".join(problems)) from None
