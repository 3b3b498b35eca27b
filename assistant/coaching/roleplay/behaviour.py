"""How personas behave (``prompts/roleplay_behaviour.yaml``) and what they say in the trainee's
language (``prompts/roleplay_messages.yaml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.coaching.roleplay.matcher import CueMatcher
from assistant.coaching.roleplay.scenario import describe_validation
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.errors import KamError
from assistant.prompts import PromptLibrary


class Patience(BaseModel):
    """Per difficulty: how long the persona gives the KAM, and how often it repeats a point."""

    model_config = ConfigDict(extra="forbid")

    max_kam_turns: int = Field(ge=2)
    max_pushbacks: int = Field(ge=0)
    generic_probe_reveals: bool


class Fidelity(BaseModel):
    """How closely an LLM persona's reply must carry the scripted move: meaning (encoder cosine)
    or shared words; and how much of the KAM's turn it may parrot."""

    model_config = ConfigDict(extra="forbid")

    similarity: float = Field(gt=0, lt=1)
    overlap: float = Field(gt=0, lt=1)
    echo: float = Field(gt=0, le=1)


class Heard(BaseModel):
    """When a transcript's persona turn counts as saying a scripted line in its own words."""

    model_config = ConfigDict(extra="forbid")

    similarity: float = Field(gt=0, lt=1)
    overlap: float = Field(gt=0, le=1)


class CueSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cues: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)


class Behaviour(BaseModel):
    """See ``prompts/roleplay_behaviour.yaml``."""

    model_config = ConfigDict(extra="forbid")

    similarity: float = Field(gt=0, lt=1)
    questions: list[str]
    open_questions: list[str]
    question_tags: list[str]
    patience: dict[Literal[1, 2, 3], Patience]
    generic_probe: CueSet
    next_step: CueSet
    out_of_character: list[str]
    fidelity: Fidelity
    heard: Heard
    directives: dict[str, str]

    def matcher(self, encoder: NamedEmbeddings | None) -> CueMatcher:
        return CueMatcher(
            encoder, self.similarity, self.questions, self.open_questions, self.question_tags
        )

    @classmethod
    def load(cls, library: PromptLibrary) -> Behaviour:
        try:
            return cls.model_validate(library.data("roleplay_behaviour.yaml"))
        except ValidationError as exc:
            raise KamError(f"roleplay_behaviour.yaml: {describe_validation(exc)}") from None


class RolePlayMessages:
    """User-facing role-play wording in English or Traditional Chinese."""

    def __init__(self, library: PromptLibrary, name: str = "roleplay_messages.yaml") -> None:
        table = library.data(name)
        if not isinstance(table, dict) or "en" not in table:
            raise KamError(f"{name}: expected 'en' and 'zh-Hant' sections")
        different = set(table["en"]) ^ set(table.get("zh-Hant", {}))
        if different:
            raise KamError(f"{name}: keys not in both languages: {sorted(different)}")
        self._table: dict[str, dict[str, str]] = table

    def get(self, key: str, language: str, **values: object) -> str:
        table = self._table.get(language) or self._table["en"]
        if key not in table:
            raise KamError(f"roleplay_messages.yaml has no '{key}'")
        text = " ".join(str(table[key]).split())
        return text.format(**values) if values else text
