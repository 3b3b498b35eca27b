"""The KPI coach's rubric (``prompts/rubrics/kpi_set.yaml``) and wording
(``prompts/kpi_messages.yaml``), loaded once, validated and with patterns compiled."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import KamError
from assistant.prompts import PromptLibrary
from assistant.text.tokens import lexical_tokens

LANGUAGES = ("en", "zh-Hant")
RUBRIC_FILE = "rubrics/kpi_set.yaml"
MESSAGES_FILE = "kpi_messages.yaml"


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
        data = library.data(RUBRIC_FILE)
        try:
            return cls._build(data)
        except (KeyError, TypeError, AttributeError) as exc:
            raise KamError(f"{RUBRIC_FILE}: missing or malformed entry ({exc})") from None

    @classmethod
    def _build(cls, data: dict[str, Any]) -> KpiRubric:
        criteria = [
            CriterionSpec(
                c["id"], _both(c["name"], c["id"]), _both(c["definition"], c["id"]), c["search"]
            )
            for c in data["criteria"]
        ]
        checks = {c["id"]: _both(c["name"], c["id"]) for c in data["checks"]}
        fields = {
            name: {
                kind: Patterns.of(items, f"fields.{name}.{kind}") for kind, items in kinds.items()
            }
            for name, kinds in data["fields"].items()
        }
        classes = {
            dim: {
                label: ClassSpec(
                    Patterns.of(spec.get("patterns"), f"classes.{dim}.{label}"),
                    tuple(spec.get("exemplars") or ()),
                    Patterns.of(spec.get("frame"), f"classes.{dim}.{label}.frame"),
                    Patterns.of(spec.get("owner"), f"classes.{dim}.{label}.owner"),
                )
                for label, spec in labels.items()
            }
            for dim, labels in data["classes"].items()
        }
        stages = {
            stage: StageSpec(
                _both(spec["name"], stage),
                Patterns.of(spec.get("fit"), f"stages.{stage}.fit"),
                Patterns.of(spec.get("misfit"), f"stages.{stage}.misfit"),
                tuple(spec.get("exemplars") or ()),
            )
            for stage, spec in data["stages"].items()
        }
        risks = [
            RiskSpec(
                r["id"],
                r["level"],
                _both(r["name"], r["id"]),
                Patterns.of(r["patterns"], f"risks.{r['id']}"),
                tuple(r.get("fields") or DEFAULT_RISK_FIELDS),
            )
            for r in data["risks"]
        ]
        generic = {
            token
            for terms in data["generic_terms"].values()
            for term in terms
            for token in [str(term).lower(), *lexical_tokens(str(term))]
        }
        return cls(
            criteria=criteria,
            checks=checks,
            thresholds={k: float(v) for k, v in data["thresholds"].items()},
            generic_terms=frozenset(generic),
            cjk_function_chars=frozenset(str(data.get("cjk_function_chars", ""))),
            concepts=[_concept(words) for words in data.get("concepts") or ()],
            placeholders=Patterns.of(data["placeholders"], "placeholders"),
            negation=re.compile(data["negation"], re.IGNORECASE),
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


class KpiMessages:
    """Feedback wording in English and Traditional Chinese, addressed by dotted keys
    (``criteria.compliance.missing``); both languages must hold the same keys."""

    def __init__(self, library: PromptLibrary) -> None:
        table = library.data(MESSAGES_FILE)
        if not isinstance(table, dict) or any(lang not in table for lang in LANGUAGES):
            raise KamError(f"{MESSAGES_FILE}: needs sections {', '.join(LANGUAGES)}")
        self._flat = {lang: dict(_flatten(table[lang])) for lang in LANGUAGES}
        odd = set(self._flat["en"]) ^ set(self._flat["zh-Hant"])
        if odd:
            raise KamError(f"{MESSAGES_FILE}: keys not in both languages: {sorted(odd)}")

    def get(self, key: str, language: str, **values: object) -> str:
        table = self._flat.get(language) or self._flat["en"]
        if key not in table:
            raise KamError(f"{MESSAGES_FILE}: no message '{key}'")
        template = table[key]
        needed = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if not needed <= set(values):
            raise KamError(f"{MESSAGES_FILE}: '{key}' needs {sorted(needed - set(values))}")
        return template.format(**{name: values[name] for name in needed})


def _flatten(node: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        pairs: list[tuple[str, str]] = []
        for key, value in node.items():
            pairs += _flatten(value, f"{prefix}{key}.")
        return pairs
    return [(prefix.rstrip("."), str(node).strip())]
