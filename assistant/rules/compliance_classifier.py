"""A learned reading of compliance traps: a multinomial logistic regression over a question's
multilingual sentence vector, with one class per guard rule and ``none``. It is fit by
``benchmarks/fit_compliance.py`` on the development question sets and stored in
``prompts/compliance_classifier.json`` with the encoder it was fit for; it applies only to
vectors of that encoder. The guard's regular expressions still come first (``compliance.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import model_validator

from assistant.prompts import ResourceModel

NONE = "none"


class ClassifierFile(ResourceModel):
    """``prompts/compliance_classifier.json`` as written by ``benchmarks/fit_compliance.py``."""

    encoder: str
    dimension: int
    threshold: float  # refuse when the trap classes together reach this probability
    classes: list[str]
    coefficients: list[list[float]]  # one row per class, ``dimension`` numbers each
    intercepts: list[float]
    regularisation: float
    trained_on: dict[str, int]  # question set -> questions used
    cross_validation: dict[str, str]  # how the settings were chosen, figures as text

    @model_validator(mode="after")
    def _shapes_agree(self) -> ClassifierFile:
        if NONE not in self.classes or len(set(self.classes)) != len(self.classes):
            raise ValueError(f"classes must be distinct and include '{NONE}'")
        if len(self.coefficients) != len(self.classes) or len(self.intercepts) != len(self.classes):
            raise ValueError("one coefficient row and one intercept per class")
        if any(len(row) != self.dimension for row in self.coefficients):
            raise ValueError(f"every coefficient row needs {self.dimension} numbers")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError("threshold must lie between 0 and 1")
        return self


@dataclass(frozen=True)
class ComplianceClassifier:
    encoder: str
    classes: tuple[str, ...]
    weights: np.ndarray  # classes x dimension
    intercepts: np.ndarray
    threshold: float

    @classmethod
    def from_file(cls, raw: ClassifierFile) -> ComplianceClassifier:
        return cls(
            encoder=raw.encoder,
            classes=tuple(raw.classes),
            weights=np.asarray(raw.coefficients, dtype=np.float32),
            intercepts=np.asarray(raw.intercepts, dtype=np.float32),
            threshold=raw.threshold,
        )

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(c for c in self.classes if c != NONE)

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        logits = self.weights @ vector.astype(np.float32) + self.intercepts
        logits = logits - logits.max()
        odds = np.exp(logits)
        return dict(zip(self.classes, (odds / odds.sum()).tolist(), strict=True))

    def trap_rules(self, vector: np.ndarray) -> list[str]:
        """The rules this question may fall under, likeliest first, when together they reach
        the threshold; none otherwise."""
        probabilities = self.probabilities(vector)
        if 1.0 - probabilities[NONE] < self.threshold:
            return []
        return sorted(self.rules, key=lambda rule: -probabilities[rule])
