"""A role-play scenario: persona, account, the KAM's objectives, hidden concerns, the objection
tree and the rubric it is scored against. Validated strictly, with messages that name the field."""

from __future__ import annotations

from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.coaching.common.account import normalise_account_type
from assistant.documents.metadata import yaml_line
from assistant.errors import KamError
from assistant.prompts import describe_validation
from assistant.rules.cue_rules import check_patterns

Language = Literal["en", "zh-Hant"]
SCENARIO_ID = r"^[a-z0-9][a-z0-9-]{1,63}$"


class ScenarioError(KamError):
    """A scenario file cannot be used; the message names the file and the field."""


class UnknownScenarioError(ScenarioError):
    """No scenario has the requested id."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Cues(_Strict):
    """What recognises a KAM move: regular expressions (case-insensitive) and example sentences
    compared by meaning with the multilingual encoder."""

    cues: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)

    @field_validator("cues")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        return check_patterns(patterns)

    @model_validator(mode="after")
    def _not_empty(self) -> Cues:
        if not self.cues and not self.examples:
            raise ValueError("give at least one cue or example")
        return self


class Account(_Strict):
    type: str
    name: str = Field(min_length=1)
    level: int = Field(default=2, ge=1, le=3)
    context: str = Field(min_length=1)
    objectives: list[str] = Field(min_length=1)

    @field_validator("type", mode="before")
    @classmethod
    def _known_type(cls, value: object) -> str:
        return normalise_account_type(value)


class Persona(_Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    style: str = Field(min_length=1)
    opening: str = Field(min_length=1)
    closing: str = Field(min_length=1)
    out_of_time: str | None = None


class Objection(_Strict):
    """One node of the objection tree. ``after``: raised only once these are addressed.
    ``kind: trap`` is a compliance test: the persona asks for something the KAM must decline
    (``addressed_by``); giving in (``accepted_by``) breaches ``rule``."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    kind: Literal["objection", "trap"] = "objection"
    says: str = Field(min_length=1)
    pushback: str = Field(min_length=1)
    acknowledge: str = Field(min_length=1)
    addressed_by: Cues
    after: list[str] = Field(default_factory=list)
    rule: str | None = None
    accepted_by: Cues | None = None

    @model_validator(mode="after")
    def _trap_fields(self) -> Objection:
        if self.kind == "trap" and (self.rule is None or self.accepted_by is None):
            raise ValueError(
                f"trap '{self.id}' needs 'rule' (the compliance rule it tests) and "
                "'accepted_by' (what giving in sounds like)"
            )
        return self


class HiddenConcern(_Strict):
    """What the persona does not say unless the KAM asks the right question (``probe``)."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    concern: str = Field(min_length=1)
    reveal: str = Field(min_length=1)
    pushback: str = Field(min_length=1)
    acknowledge: str = Field(min_length=1)
    probe: Cues
    addressed_by: Cues


class Scenario(_Strict):
    id: str = Field(pattern=SCENARIO_ID)
    title: str = Field(min_length=1)
    language: Language
    difficulty: int = Field(ge=1, le=3)
    rubric: str = Field(default="roleplay_core", pattern=r"^roleplay_[a-z0-9_]+$")
    account: Account
    persona: Persona
    kam_objectives: list[str] = Field(min_length=1)
    hidden_concerns: list[HiddenConcern] = Field(min_length=1)
    objections: list[Objection] = Field(min_length=1)
    study: list[str] = Field(default_factory=list)
    author: str | None = None

    @model_validator(mode="after")
    def _tree(self) -> Scenario:
        ids = [o.id for o in self.objections] + [h.id for h in self.hidden_concerns]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"ids used twice: {', '.join(duplicates)}")
        known = {o.id for o in self.objections}
        for objection in self.objections:
            unknown = [a for a in objection.after if a not in known or a == objection.id]
            if unknown:
                raise ValueError(
                    f"objection '{objection.id}': 'after' names unknown objections {unknown}"
                )
        if not any(not o.after for o in self.objections):
            raise ValueError("at least one objection must have no 'after' (the first to raise)")
        return self

    @property
    def persona_name(self) -> str:
        return self.persona.name

    @property
    def persona_role(self) -> str:
        return self.persona.role

    @property
    def account_type(self) -> str:
        return self.account.type

    def summary(self) -> dict[str, object]:
        """What a scenario picker shows."""
        return {
            "id": self.id,
            "title": self.title,
            "language": self.language,
            "difficulty": self.difficulty,
            "account_type": self.account.type,
            "account_name": self.account.name,
            "persona_name": self.persona.name,
            "persona_role": self.persona.role,
            "rubric": self.rubric,
            "kam_objectives": list(self.kam_objectives),
            "author": self.author,
        }

    def item(self, item_id: str) -> Objection | HiddenConcern:
        for item in [*self.objections, *self.hidden_concerns]:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def parse_scenario(text: str, origin: str) -> Scenario:
    """Validate scenario YAML; errors name ``origin`` (a file name) and each bad field."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"scenario {origin}: not valid YAML{yaml_line(exc)}") from None
    if not isinstance(raw, dict):
        raise ScenarioError(f"scenario {origin}: expected a mapping of fields (id, title, ...)")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(f"scenario {origin}: {describe_validation(exc)}") from None
