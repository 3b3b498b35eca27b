"""Role-play rubrics (``prompts/rubrics/roleplay_*.yaml``): the yes/no criteria a session is
scored against and what the offline checks look for."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.errors import KamError
from assistant.prompts import PromptLibrary, ResourceModel
from assistant.rules.cue_rules import check_patterns

Bilingual = dict[Literal["en", "zh-Hant"], str]
CheckKind = Literal[
    "cue", "value_link", "next_step", "hidden_concerns", "objections", "traps", "compliance"
]


class Criterion(BaseModel):
    """``check`` names the offline check: ``cue`` (at least ``min_turns`` KAM turns in ``where``
    with a sentence matching the cues or close to the examples), ``value_link`` (a cue, or a
    statement close to the account's own objectives), ``next_step`` (the persona's next-step
    detector, in ``where``), ``hidden_concerns`` / ``objections`` / ``traps`` (the scenario's
    objection tree replayed over the KAM's turns; ``min_share`` of the points raised must be
    answered), ``compliance`` (no breach)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Bilingual
    description: Bilingual
    weight: float = Field(default=1.0, gt=0)
    check: CheckKind
    where: Literal["any", "opening", "closing"] = "any"
    min_turns: int = Field(default=1, ge=1)
    min_share: float = Field(default=1.0, gt=0, le=1)
    sentences: Literal["any", "questions", "statements", "proposals"] = "any"
    include_probes: bool = False
    cues: dict[Literal["en", "zh-Hant"], list[str]] = Field(default_factory=dict)
    examples: dict[Literal["en", "zh-Hant"], list[str]] = Field(default_factory=dict)
    strength: Bilingual
    improvement: Bilingual
    study: Bilingual

    @field_validator("cues")
    @classmethod
    def _compiles(cls, cues: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in cues.values():
            check_patterns(patterns)
        return cues

    def all_cues(self) -> list[str]:
        """Cues of both languages: a KAM may answer an English persona in Chinese."""
        return [c for patterns in self.cues.values() for c in patterns]

    def all_examples(self) -> list[str]:
        return [e for examples in self.examples.values() for e in examples]


class Rubric(ResourceModel):
    id: str
    extends: str | None = None
    name: Bilingual
    pass_score: float = Field(ge=0, le=1)
    criteria: list[Criterion] = Field(min_length=1)

    @field_validator("criteria")
    @classmethod
    def _unique(cls, criteria: list[Criterion]) -> list[Criterion]:
        ids = [c.id for c in criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("criterion ids must be unique")
        if sum(c.check == "compliance" for c in criteria) != 1:
            raise ValueError("a role-play rubric needs exactly one 'compliance' criterion")
        return criteria


class RubricBook:
    """Loads rubrics by id, once each. A rubric may ``extends`` another: its criteria replace
    the base's (merged field by field) or are added after them."""

    def __init__(self, library: PromptLibrary) -> None:
        self._library = library
        self._rubrics: dict[str, Rubric] = {}

    def get(self, rubric_id: str) -> Rubric:
        if rubric_id not in self._rubrics:
            raw = self._raw(rubric_id, ())
            rubric = PromptLibrary.validate(f"rubric {rubric_id}", raw, Rubric)
            if rubric.id != rubric_id:
                raise KamError(f"rubric file {rubric_id}.yaml declares id '{rubric.id}'")
            self._rubrics[rubric_id] = rubric
        return self._rubrics[rubric_id]

    def _raw(self, rubric_id: str, seen: tuple[str, ...]) -> dict[str, Any]:
        if rubric_id in seen:
            raise KamError(f"rubric {rubric_id}: 'extends' goes round in a circle")
        raw = self._library.data(f"rubrics/{rubric_id}.yaml")
        if not isinstance(raw, dict):
            raise KamError(f"rubric {rubric_id}: expected a mapping")
        base_id = raw.get("extends")
        if not base_id:
            return raw
        base = self._raw(str(base_id), (*seen, rubric_id))
        criteria = [dict(c) for c in base.get("criteria", [])]
        positions = {c.get("id"): i for i, c in enumerate(criteria)}
        for criterion in raw.get("criteria", []):
            if criterion.get("id") in positions:
                criteria[positions[criterion["id"]]].update(criterion)
            else:
                criteria.append(dict(criterion))
        return {**base, **raw, "criteria": criteria}
