"""Reads each KPI offline: leading or lagging, quantitative or qualitative, short or long term,
individual or cross-functional, its field checks, risks, objective and lifecycle fit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.exemplars import ExemplarVectors
from assistant.coaching.kpi.catalogue import KpiLibrary
from assistant.coaching.kpi.checks import Check, check_fields, mean_score
from assistant.coaching.kpi.model import Kpi
from assistant.coaching.kpi.objectives import ObjectiveLinker
from assistant.coaching.kpi.risks import RiskFinding, find_risks
from assistant.coaching.kpi.rubric import ClassSpec, KpiRubric
from assistant.embeddings.encoders import NamedEmbeddings


@dataclass
class KpiProfile:
    """Everything the coach concluded about one KPI (``number`` counts from 1)."""

    number: int
    kpi: Kpi
    direction: str
    nature: str
    horizon: str
    scope: str
    has_scale: bool
    recognised: bool
    checks: dict[str, Check]
    objective: str = ""
    risks: list[RiskFinding] = field(default_factory=list)
    stage_fit: bool = False
    stage_misfit: bool = False

    @property
    def measurability(self) -> float:
        return mean_score(self.checks, ("formula", "data_source"))

    @property
    def targets(self) -> float:
        return mean_score(self.checks, ("target", "time_bound"))

    @property
    def linked(self) -> bool:
        return self.checks["objective"].result == "met"


class KpiClassifier:
    def __init__(
        self, rubric: KpiRubric, encoder: NamedEmbeddings, library: KpiLibrary | None = None
    ) -> None:
        self._rubric = rubric
        self._encoder = encoder
        self._library = library
        self._linker = ObjectiveLinker(rubric, encoder)
        self._exemplars = ExemplarVectors(encoder)

    def profile(self, kpis: Sequence[Kpi], account: AccountProfile) -> list[KpiProfile]:
        vectors = self._encoder.embed_array([k.measured_text() for k in kpis])
        links = self._linker.link(kpis, vectors, account.objectives, account.name)
        stage = account.lifecycle_stage
        profiles = []
        for index, (kpi, vector, link) in enumerate(zip(kpis, vectors, links, strict=True)):
            checks = check_fields(kpi, self._rubric)
            checks["objective"] = link.check
            fit, misfit = self._stage(kpi, vector, stage) if stage else (False, False)
            profiles.append(
                KpiProfile(
                    number=index + 1,
                    kpi=kpi,
                    direction=self._decide("direction", kpi, vector),
                    nature=self._nature(kpi, vector),
                    horizon=self._horizon(kpi),
                    scope=self._scope(kpi),
                    has_scale=self._has_scale(kpi),
                    recognised=self._recognised(kpi, vector),
                    checks=checks,
                    objective=link.objective,
                    risks=find_risks(kpi, self._rubric),
                    stage_fit=fit,
                    stage_misfit=misfit,
                )
            )
        return profiles

    def _similarity(self, key: str, sentences: Sequence[str], vector: np.ndarray) -> float:
        if not sentences:
            return 0.0
        return self._exemplars.best_cosine(sentences, vector)

    def _keyword_score(self, spec: ClassSpec, kpi: Kpi) -> int:
        body = ". ".join(part for part in (kpi.definition, kpi.formula) if part)
        return 2 * spec.patterns.hits(kpi.name) + spec.patterns.hits(body)

    def _decide(self, dimension: str, kpi: Kpi, vector: np.ndarray) -> str:
        """The class with the most keyword evidence plus exemplar similarity."""
        weight = self._rubric.thresholds["keyword_weight"]
        scores = {
            label: weight * self._keyword_score(spec, kpi)
            + self._similarity(f"{dimension}.{label}", spec.exemplars, vector)
            for label, spec in self._rubric.classes[dimension].items()
        }
        return max(scores, key=lambda label: scores[label])

    def _nature(self, kpi: Kpi, vector: np.ndarray) -> str:
        """Qualitative when the KPI rests on a judgement (a rating, stance, survey...): said in
        words, or clearly closer to judgement-based exemplars; otherwise quantitative."""
        classes = self._rubric.classes["nature"]
        if self._keyword_score(classes["qualitative"], kpi):
            return "qualitative"
        if self._keyword_score(classes["quantitative"], kpi):
            return "quantitative"
        judged = self._similarity("nature.qualitative", classes["qualitative"].exemplars, vector)
        counted = self._similarity("nature.quantitative", classes["quantitative"].exemplars, vector)
        margin = self._rubric.thresholds["qualitative_margin"]
        return "qualitative" if judged - counted >= margin else "quantitative"

    def _horizon(self, kpi: Kpi) -> str:
        """The time frame decides when it is clearly long or short; otherwise a KPI is long-term
        only when it measures what builds over years (relationship, outcome, capability)."""
        classes = self._rubric.classes["horizon"]
        frame = kpi.time_frame
        if frame and classes["long"].frame.hits(frame):
            return "long"
        if frame and classes["short"].frame.hits(frame):
            return "short"
        return "long" if self._keyword_score(classes["long"], kpi) else "short"

    def _scope(self, kpi: Kpi) -> str:
        classes = self._rubric.classes["scope"]
        shared = classes["cross_functional"]
        owner = "" if self._rubric.is_placeholder(kpi.owner) else kpi.owner
        if owner and shared.owner.hits(owner):
            return "cross_functional"
        if shared.patterns.hits(kpi.measured_text()):
            return "cross_functional"
        return "individual"

    def _has_scale(self, kpi: Kpi) -> bool:
        text = " ".join((kpi.definition, kpi.formula, kpi.target))
        return bool(self._rubric.fields["scale"]["good"].hits(text))

    def _recognised(self, kpi: Kpi, vector: np.ndarray) -> bool:
        """False for text that neither uses a KPI word nor resembles any known KPI."""
        for classes in self._rubric.classes.values():
            if any(self._keyword_score(spec, kpi) for spec in classes.values()):
                return True
        text = kpi.measured_text()
        if any(stage.fit.hits(text) for stage in self._rubric.stages.values()):
            return True
        if any(concept.search(text) for concept in self._rubric.concepts):
            return True
        best = max(
            self._similarity(f"{dimension}.{label}", spec.exemplars, vector)
            for dimension in ("direction", "nature")
            for label, spec in self._rubric.classes[dimension].items()
        )
        return best >= self._rubric.thresholds["recognised_cosine"]

    def _stage(self, kpi: Kpi, vector: np.ndarray, stage: str) -> tuple[bool, bool]:
        spec = self._rubric.stages[stage]
        text = ". ".join(part for part in (kpi.measured_text(), kpi.target) if part)
        similar = self._similarity(f"stage.{stage}", spec.exemplars, vector)
        fit = bool(spec.fit.hits(text)) or similar >= self._rubric.thresholds["stage_cosine"]
        if not fit and self._library is not None and self._library.entries:
            # A KPI that reads like a library KPI the knowledge base places in this stage.
            entry, cosine = self._library.nearest(vector, self._encoder)
            fit = stage in entry.stages and cosine >= self._rubric.thresholds["library_cosine"]
        return fit, bool(spec.misfit.hits(text))
