"""The KPI library (``prompts/kpi_library.yaml``): concrete KPIs the coach suggests for the gaps
it found, ranked by fit to the lifecycle stage and the account's objectives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import ConfigDict

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.report import CriterionResult
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.errors import KamError
from assistant.prompts import PromptLibrary, ResourceModel

if TYPE_CHECKING:
    from assistant.coaching.kpi.classify import KpiProfile

LIBRARY_FILE = "kpi_library.yaml"
FLAGS = ("direction", "nature", "horizon", "scope")
# An existing KPI this close in meaning to a library entry already covers it.
_DUPLICATE_COSINE = 0.75


class LibraryKpi(ResourceModel):
    """One KPI of the library, as written in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: dict[str, str]
    definition: dict[str, str]
    formula: dict[str, str]
    direction: str
    nature: str
    horizon: str
    scope: str
    stages: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    source: str

    def text(self, language: str = "en") -> str:
        return f"{self.name[language]}. {self.definition[language]}"


class _LibraryFile(ResourceModel):
    """``prompts/kpi_library.yaml`` as written."""

    kpis: list[LibraryKpi]


@dataclass(frozen=True)
class Gap:
    """What the set lacks: ``attribute`` is a flag (direction...), ``stage`` or ``replaces``."""

    criterion: str
    attribute: str
    value: str


@dataclass(frozen=True)
class Suggestion:
    entry: LibraryKpi
    gap: Gap


def find_gaps(
    criteria: Sequence[CriterionResult], profiles: Sequence[KpiProfile], account: AccountProfile
) -> list[Gap]:
    """Gaps worth a suggested KPI, most serious first (compliance, stage, balance)."""
    results = {c.id: c.result for c in criteria}
    judged = [p for p in profiles if p.recognised] or list(profiles)
    gaps: list[Gap] = []
    if results.get("compliance") != "met":
        seen: list[str] = []
        for finding in (f for p in profiles for f in p.risks):
            if finding.risk.id not in seen:
                seen.append(finding.risk.id)
                gaps.append(Gap("compliance", "replaces", finding.risk.id))
    if results.get("lifecycle_fit") in ("missing", "partly") and account.lifecycle_stage:
        gaps.append(Gap("lifecycle_fit", "stage", account.lifecycle_stage))
    balances = (
        ("leading_lagging", "direction", ("leading", "lagging")),
        ("quant_qual", "nature", ("qualitative", "quantitative")),
        ("time_horizon", "horizon", ("long", "short")),
    )
    for criterion, attribute, kinds in balances:
        if results.get(criterion) in ("missing", "partly"):
            counts = {k: sum(getattr(p, attribute) == k for p in judged) for k in kinds}
            if criterion == "quant_qual" and min(counts.values()) > 0:
                continue  # both present: the fix is a scale, not another KPI
            gaps.append(Gap(criterion, attribute, min(kinds, key=lambda k: counts[k])))
    if results.get("scope") == "missing":
        gaps.append(Gap("scope", "scope", "cross_functional"))
    return gaps


class KpiLibrary:
    def __init__(self, entries: Sequence[LibraryKpi]) -> None:
        self.entries = list(entries)
        self._vectors: np.ndarray | None = None
        self._bilingual: np.ndarray | None = None

    @classmethod
    def load(cls, library: PromptLibrary) -> KpiLibrary:
        data = library.load(LIBRARY_FILE, _LibraryFile)
        entries = data.kpis
        for entry in entries:
            for texts in (entry.name, entry.definition, entry.formula):
                if set(texts) != {"en", "zh-Hant"} or not all(texts.values()):
                    raise KamError(
                        f"{LIBRARY_FILE}: '{entry.id}' needs exactly en and zh-Hant text "
                        "(quote text that holds commas)"
                    )
        return cls(entries)

    def suggest(
        self,
        gaps: Sequence[Gap],
        kpi_vectors: np.ndarray,
        account: AccountProfile,
        encoder: NamedEmbeddings,
        limit: int = 4,
    ) -> list[Suggestion]:
        """One library KPI per gap (up to ``limit``), not already in the set, preferring ones
        that fit the stage and read closest to the account's objectives."""
        if not gaps or not self.entries:
            return []
        vectors = self._entry_vectors(encoder)
        covered = (kpi_vectors @ vectors.T).max(axis=0) if len(kpi_vectors) else None
        objectives = [o for o in account.objectives if o.strip()]
        relevance = (
            (encoder.embed_array(objectives) @ vectors.T).max(axis=0)
            if objectives
            else np.zeros(len(self.entries))
        )
        chosen: list[Suggestion] = []
        for gap in gaps:
            candidates = [
                i
                for i, entry in enumerate(self.entries)
                if _fills(entry, gap)
                and (covered is None or covered[i] < _DUPLICATE_COSINE)
                and all(s.entry.id != entry.id for s in chosen)
            ]
            if not candidates:
                continue
            stage = account.lifecycle_stage
            best = max(
                candidates,
                key=lambda i: (stage in self.entries[i].stages) * 0.3 + float(relevance[i]),
            )
            chosen.append(Suggestion(self.entries[best], gap))
            if len(chosen) >= limit:
                break
        return chosen

    def nearest(self, vector: np.ndarray, encoder: NamedEmbeddings) -> tuple[LibraryKpi, float]:
        """The library KPI closest in meaning to a KPI (its English or Chinese wording)."""
        if self._bilingual is None:
            texts = [e.text(lang) for e in self.entries for lang in ("en", "zh-Hant")]
            self._bilingual = encoder.embed_array(texts)
        cosines = self._bilingual @ vector
        best = int(np.argmax(cosines))
        return self.entries[best // 2], float(cosines[best])

    def _entry_vectors(self, encoder: NamedEmbeddings) -> np.ndarray:
        if self._vectors is None:
            self._vectors = encoder.embed_array([e.text() for e in self.entries])
        return self._vectors


def _fills(entry: LibraryKpi, gap: Gap) -> bool:
    if gap.attribute == "replaces":
        return gap.value in entry.replaces
    if gap.attribute == "stage":
        return gap.value in entry.stages
    return getattr(entry, gap.attribute) == gap.value
