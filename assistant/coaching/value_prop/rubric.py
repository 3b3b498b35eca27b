"""The value proposition rubric (``prompts/rubrics/value_proposition.yaml``): validated, with its
cue patterns compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from assistant.coaching.common.account import AccountType
from assistant.coaching.common.report import RESULTS
from assistant.errors import KamError
from assistant.prompts import PromptLibrary, ResourceModel

RUBRIC_FILE = "rubrics/value_proposition.yaml"
LANGUAGES = ("en", "zh-Hant")
Result = Literal["met", "partly", "missing"]


class _Bilingual(ResourceModel):
    en: str
    zh_hant: str = Field(alias="zh-Hant")

    def get(self, language: str) -> str:
        return self.zh_hant if language == "zh-Hant" else self.en


class _PatternsByLanguage(ResourceModel):
    en: list[str] = Field(default_factory=list)
    zh_hant: list[str] = Field(default_factory=list, alias="zh-Hant")

    def all(self) -> list[str]:
        return [*self.en, *self.zh_hant]


class _CueGroupSpec(ResourceModel):
    patterns: _PatternsByLanguage = Field(default_factory=_PatternsByLanguage)
    unless: _PatternsByLanguage = Field(default_factory=_PatternsByLanguage)
    exemplars: list[str] = Field(default_factory=list)
    similarity: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _has_a_signal(self) -> _CueGroupSpec:
        if not self.patterns.all() and not self.exemplars:
            raise ValueError("a cue group needs patterns or exemplars")
        if self.exemplars and self.similarity is None:
            raise ValueError("exemplars need a similarity threshold")
        return self


class _RuleSpec(ResourceModel):
    result: Result
    when: list[list[str]] = Field(min_length=1)
    same_unit: bool = False


class _GuideSpec(ResourceModel):
    met: str
    partly: str
    missing: str


class _CriterionSpec(ResourceModel):
    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: _Bilingual
    description: str
    guide: _GuideSpec
    weight: float = Field(gt=0)
    search: _Bilingual
    check: Literal["cues", "account_fit", "stakeholders"]
    settings: dict[str, float] = Field(default_factory=dict)
    cues: dict[str, _CueGroupSpec] = Field(default_factory=dict)
    rules: list[_RuleSpec] = Field(default_factory=list)
    otherwise: Result = "missing"
    title_words: _PatternsByLanguage = Field(default_factory=_PatternsByLanguage)
    synonyms: list[list[str]] = Field(default_factory=list)
    typical_objectives: dict[AccountType, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rules_name_known_cues(self) -> _CriterionSpec:
        for rule in self.rules:
            unknown = {name for group in rule.when for name in group} - set(self.cues)
            if unknown:
                raise ValueError(f"rule names unknown cue groups {sorted(unknown)}")
        return self


CanvasSection = Literal["gains", "product", "services", "evidence", "measures", "company_value"]


class _CanvasSpec(ResourceModel):
    sections: dict[CanvasSection, list[str]] = Field(default_factory=dict)
    groups: dict[str, _CueGroupSpec] = Field(default_factory=dict)


class _RubricSpec(ResourceModel):
    name: str
    results: dict[Result, float]
    compliance: dict[str, str | float]
    criteria: list[_CriterionSpec] = Field(min_length=1)
    canvas: _CanvasSpec = Field(default_factory=_CanvasSpec)


@dataclass(frozen=True)
class CueGroup:
    """Named signals: regular expressions (with exceptions) and exemplar sentences."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    exemplars: tuple[str, ...]
    similarity: float | None

    def pattern_match(self, unit: str) -> bool:
        """A pattern matches and no exception does."""
        return any(p.search(unit) for p in self.patterns) and not self.excluded(unit)

    def excluded(self, unit: str) -> bool:
        return any(p.search(unit) for p in self.unless)


@dataclass(frozen=True)
class Rule:
    result: str
    when: tuple[tuple[str, ...], ...]
    same_unit: bool


@dataclass(frozen=True)
class Criterion:
    id: str
    names: dict[str, str]
    description: str
    guide: dict[str, str]
    weight: float
    search: dict[str, str]
    check: str
    settings: dict[str, float]
    cues: dict[str, CueGroup]
    rules: tuple[Rule, ...]
    otherwise: str
    title_words: dict[str, tuple[str, ...]]
    synonyms: tuple[tuple[str, ...], ...]
    typical_objectives: dict[str, tuple[str, ...]]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class Rubric:
    name: str
    results: dict[str, float]
    compliance_criterion: str
    compliance_cap: float
    criteria: tuple[Criterion, ...]
    canvas_sections: dict[str, tuple[str, ...]]
    canvas_groups: dict[str, CueGroup]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)


def _compile(where: str, patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise KamError(f"{RUBRIC_FILE}: {where}: bad pattern {pattern!r} ({exc})") from None
    return tuple(compiled)


def _group(where: str, name: str, spec: _CueGroupSpec) -> CueGroup:
    return CueGroup(
        name=name,
        patterns=_compile(f"{where}.{name}", spec.patterns.all()),
        unless=_compile(f"{where}.{name}.unless", spec.unless.all()),
        exemplars=tuple(spec.exemplars),
        similarity=spec.similarity,
    )


def _criterion(spec: _CriterionSpec) -> Criterion:
    return Criterion(
        id=spec.id,
        names={"en": spec.name.en, "zh-Hant": spec.name.zh_hant},
        description=" ".join(spec.description.split()),
        guide=spec.guide.model_dump(),
        weight=spec.weight,
        search={"en": spec.search.en, "zh-Hant": spec.search.zh_hant},
        check=spec.check,
        settings=dict(spec.settings),
        cues={name: _group(spec.id, name, group) for name, group in spec.cues.items()},
        rules=tuple(
            Rule(rule.result, tuple(tuple(g) for g in rule.when), rule.same_unit)
            for rule in spec.rules
        ),
        otherwise=spec.otherwise,
        title_words={
            "en": tuple(w.lower() for w in spec.title_words.en),
            "zh-Hant": tuple(sorted(spec.title_words.zh_hant, key=len, reverse=True)),
        },
        synonyms=tuple(tuple(term.lower() for term in group) for group in spec.synonyms),
        typical_objectives={k: tuple(v) for k, v in spec.typical_objectives.items()},
    )


def load_rubric(library: PromptLibrary, name: str = RUBRIC_FILE) -> Rubric:
    """Read and validate the rubric; a broken file is a ``KamError`` naming what is wrong."""
    spec = library.load(name, _RubricSpec)
    if set(spec.results) != set(RESULTS):
        raise KamError(f"{name}: results must give a score for each of {', '.join(RESULTS)}")
    criteria = tuple(_criterion(c) for c in spec.criteria)
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise KamError(f"{name}: criterion ids must be unique")
    compliance_id = str(spec.compliance.get("criterion", ""))
    if compliance_id not in ids:
        raise KamError(f"{name}: compliance.criterion must name one of {', '.join(ids)}")
    groups = {key: _group("canvas", key, group) for key, group in spec.canvas.groups.items()}
    known = set(ids) | {f"{c.id}.{g}" for c in criteria for g in c.cues}
    known |= {f"canvas.{g}" for g in groups}
    for section, sources in spec.canvas.sections.items():
        unknown = sorted(set(sources) - known)
        if unknown:
            raise KamError(f"{name}: canvas.sections.{section}: unknown sources {unknown}")
    return Rubric(
        name=spec.name,
        results=dict(spec.results),
        compliance_criterion=compliance_id,
        compliance_cap=float(spec.compliance.get("cap", 1.0)),
        criteria=criteria,
        canvas_sections={k: tuple(v) for k, v in spec.canvas.sections.items()},
        canvas_groups=groups,
    )
