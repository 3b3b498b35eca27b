"""How personas behave (``prompts/roleplay_behaviour.yaml``) and what they say in the trainee's
language (``prompts/roleplay_messages.yaml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.coaching.roleplay.matcher import CueMatcher
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.prompts import PromptLibrary, ResourceModel

MESSAGES_FILE = "roleplay_messages.yaml"


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


class Behaviour(ResourceModel):
    """See ``prompts/roleplay_behaviour.yaml``."""

    similarity: float = Field(gt=0, lt=1)
    questions: list[str]
    open_questions: list[str]
    question_tags: list[str]
    patience: dict[Literal[1, 2, 3], Patience]
    generic_probe: CueSet
    next_step: CueSet
    next_step_refused: CueSet
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
        return library.load("roleplay_behaviour.yaml", cls)
