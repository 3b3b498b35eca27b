"""The KPI coach's rubric (``prompts/rubrics/kpi_set.yaml``), loaded once, validated and with
patterns compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.errors import KamError
from assistant.prompts import PromptLibrary, ResourceModel
from assistant.text.tokens import lexical_tokens

LANGUAGES = ("en", "zh-Hant")
RUBRIC_FILE = "rubrics/kpi_set.yaml"


@dataclass(frozen=True)
class Patterns:
    """Case-insensitive regular expressions; ``hits`` counts the ones that match."""

    compiled: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, items: Any, where: str) -> Patterns:
        if items is None:
            return cls()
        if isinstance(items, dict):  # {en: [...], zh-Hant: [...]}
            items = [item for values in items.values() for item in values or ()]
        try:
            return cls(tuple(re.compile(str(item), re.IGNORECASE) for item in items))
        except re.error as exc:
            raise KamError(f"{RUBRIC_FILE}: bad pattern in {where} ({exc})") from None

    def hits(self, text: str) -> int:
        return sum(1 for pattern in self.compiled if pattern.search(text))


@dataclass(frozen=True)
class ClassSpec:
    """One class of a dimension (say, leading): keywords, exemplars and, for horizon and scope,
    patterns read in the time frame or the owner."""

    patterns: Patterns
    exemplars: tuple[str, ...]
    frame: Patterns = field(default_factory=Patterns)
    owner: Patterns = field(default_factory=Patterns)


@dataclass(frozen=True)
class StageSpec:
    name: dict[str, str]
    fit: Patterns
    misfit: Patterns
    exemplars: tuple[str, ...]


@dataclass(frozen=True)
class RiskSpec:
    id: str
    level: str  # compliance | gaming
    name: dict[str, str]
    patterns: Patterns
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CriterionSpec:
    id: str
    name: dict[str, str]
    definition: dict[str, str]
    search: dict[str, str]


DEFAULT_RISK_FIELDS = ("name", "definition", "formula", "data_source", "target")

# How the rubric file is written: a list of patterns, or one list per language.
PatternItems = list[str] | dict[str, list[str] | None] | None


class _CriterionEntry(ResourceModel):
    id: str
    name: dict[str, str]
    definition: dict[str, str]
    search: dict[str, str]


class _CheckEntry(ResourceModel):
    id: str
    name: dict[str, str]


class _ClassEntry(ResourceModel):
    patterns: PatternItems = None
    exemplars: list[str] = []
    frame: PatternItems = None
    owner: PatternItems = None


class _StageEntry(ResourceModel):
    name: dict[str, str]
    fit: PatternItems = None
    misfit: PatternItems = None
    exemplars: list[str] = []


class _RiskEntry(ResourceModel):
    id: str
    level: Literal["compliance", "gaming"]
    name: dict[str, str]
    patterns: PatternItems
    fields: list[str] = []


class _RubricFile(ResourceModel):
    """``prompts/rubrics/kpi_set.yaml`` as written."""

    criteria: list[_CriterionEntry]
    checks: list[_CheckEntry]
    thresholds: dict[str, float]
    generic_terms: dict[str, list[str]]
    cjk_function_chars: str = ""
    concepts: list[list[str]] = []
    placeholders: PatternItems
    negation: str
    fields: dict[str, dict[str, PatternItems]]
    classes: dict[str, dict[str, _ClassEntry]]
    stages: dict[str, _StageEntry]
    risks: list[_RiskEntry]


@dataclass
class KpiRubric:
    criteria: list[CriterionSpec]
    checks: dict[str, dict[str, str]]
    thresholds: dict[str, float]
    generic_terms: frozenset[str]
    cjk_function_chars: frozenset[str]
    concepts: list[re.Pattern[str]]
    placeholders: Patterns
    negation: re.Pattern[str]
    fields: dict[str, dict[str, Patterns]]
    classes: dict[str, dict[str, ClassSpec]]
    stages: dict[str, StageSpec]
    risks: list[RiskSpec]

    @classmethod
    def load(cls, library: PromptLibrary) -> KpiRubric:
        return cls._build(library.load(RUBRIC_FILE, _RubricFile))

    @classmethod
    def _build(cls, data: _RubricFile) -> KpiRubric:
        criteria = [
            CriterionSpec(c.id, _both(c.name, c.id), _both(c.definition, c.id), c.search)
            for c in data.criteria
        ]
        checks = {c.id: _both(c.name, c.id) for c in data.checks}
        fields = {
            name: {
                kind: Patterns.of(items, f"fields.{name}.{kind}") for kind, items in kinds.items()
            }
            for name, kinds in data.fields.items()
        }
        classes = {
            dim: {
                label: ClassSpec(
                    Patterns.of(spec.patterns, f"classes.{dim}.{label}"),
                    tuple(spec.exemplars),
                    Patterns.of(spec.frame, f"classes.{dim}.{label}.frame"),
                    Patterns.of(spec.owner, f"classes.{dim}.{label}.owner"),
                )
                for label, spec in labels.items()
            }
            for dim, labels in data.classes.items()
        }
        stages = {
            stage: StageSpec(
                _both(spec.name, stage),
                Patterns.of(spec.fit, f"stages.{stage}.fit"),
                Patterns.of(spec.misfit, f"stages.{stage}.misfit"),
                tuple(spec.exemplars),
            )
            for stage, spec in data.stages.items()
        }
        risks = [
            RiskSpec(
                r.id,
                r.level,
                _both(r.name, r.id),
                Patterns.of(r.patterns, f"risks.{r.id}"),
                tuple(r.fields or DEFAULT_RISK_FIELDS),
            )
            for r in data.risks
        ]
        generic = {
            token
            for terms in data.generic_terms.values()
            for term in terms
            for token in [term.lower(), *lexical_tokens(term)]
        }
        return cls(
            criteria=criteria,
            checks=checks,
            thresholds=dict(data.thresholds),
            generic_terms=frozenset(generic),
            cjk_function_chars=frozenset(data.cjk_function_chars),
            concepts=[_concept(words) for words in data.concepts],
            placeholders=Patterns.of(data.placeholders, "placeholders"),
            negation=re.compile(data.negation, re.IGNORECASE),
            fields=fields,
            classes=classes,
            stages=stages,
            risks=risks,
        )

    def criterion(self, criterion_id: str) -> CriterionSpec:
        for spec in self.criteria:
            if spec.id == criterion_id:
                return spec
        raise KeyError(criterion_id)

    def is_placeholder(self, value: str) -> bool:
        return not value.strip() or self.placeholders.hits(value.strip()) > 0


def _concept(words: list[str]) -> re.Pattern[str]:
    """One pattern for a group of synonyms: whole words (and their plurals) in English,
    substrings in Chinese."""
    parts = [
        re.escape(w) if not w.isascii() else rf"(?<![\w&]){re.escape(w)}(?:s|es)?(?![\w&])"
        for w in words
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def _both(names: dict[str, str], where: str) -> dict[str, str]:
    missing = [lang for lang in LANGUAGES if not str(names.get(lang, "")).strip()]
    if missing or set(names) != set(LANGUAGES):
        raise KamError(
            f"{RUBRIC_FILE}: '{where}' needs text in exactly {', '.join(LANGUAGES)} "
            "(quote text that holds commas)"
        )
    return {lang: str(names[lang]).strip() for lang in LANGUAGES}
