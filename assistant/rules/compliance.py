"""Compliance guardrails (off-label, inducements, patient data) and prompt-injection hygiene."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import field_validator, model_validator

from assistant.embeddings.encoders import NamedEmbeddings
from assistant.prompts import PromptLibrary, ResourceError, ResourceModel
from assistant.rules.compliance_classifier import ClassifierFile, ComplianceClassifier
from assistant.rules.cue_rules import CueRule, CueRuleSpec, check_patterns
from assistant.text.language import detect_language, is_chinese, unwrap


@dataclass(frozen=True)
class ComplianceVerdict:
    rule: str
    action: str  # "refuse" or "warn"
    message: str


class GuardRuleSpec(CueRuleSpec):
    action: Literal["refuse", "warn"] = "refuse"
    # What a question must be about for the examples to assign it this rule (a person's
    # data, something of value): a question about account types that happens to sit near
    # the patient-list traps is no patient-data request. Empty: no such gate.
    subject: list[str] = []

    @field_validator("subject")
    @classmethod
    def _subject_compiles(cls, subject: list[str]) -> list[str]:
        return check_patterns(subject)


class GuardRules(ResourceModel):
    """``prompts/compliance_rules.yaml``: the rules, and each rule's message by language."""

    rules: list[GuardRuleSpec]
    messages: dict[str, dict[str, str]]

    @model_validator(mode="after")
    def _every_rule_has_an_english_message(self) -> GuardRules:
        silent = [rule.id for rule in self.rules if "en" not in self.messages.get(rule.id, {})]
        if silent:
            raise ValueError(f"rules without an English message: {silent}")
        return self


class Trap(ResourceModel):
    rule: str
    text: str


class GuardExamples(ResourceModel):
    """``prompts/compliance_examples.yaml``: questions that are traps, and benign ones."""

    traps: list[Trap]
    benign: list[str]


@dataclass(frozen=True)
class _Rule:
    cue_rule: CueRule
    action: str
    messages: dict[str, str]
    subject: tuple[re.Pattern[str], ...] = ()

    def about_its_subject(self, question: str) -> bool:
        return not self.subject or any(p.search(question) for p in self.subject)


CLASSIFIER_FILE = "compliance_classifier.json"


class ComplianceGuard:
    """Checks a question against the rules in ``prompts/compliance_rules.yaml`` and, with an
    encoder, against a learned classifier (``prompts/compliance_classifier.json``, when it was
    fit for that encoder) or else the examples in ``prompts/compliance_examples.yaml`` (a
    question nearer to the trap examples than to the benign ones gets the nearest traps'
    rule). Regular expressions catch what is spelled out; the classifier and the examples catch
    paraphrases and euphemisms. A rule's ``subject`` gates what the examples may assign it."""

    def __init__(
        self,
        library: PromptLibrary,
        encoder: NamedEmbeddings | None = None,
        neighbours: int = 3,
        margin: float = 0.0,
        classifier: ComplianceClassifier | None = None,
    ) -> None:
        self._library = library
        self._encoder = encoder
        self._classifier = classifier
        self._classifier_checked = False  # read (when not given) and checked against the rules
        self._neighbours = neighbours
        self._margin = margin
        self._examples: tuple[np.ndarray, list[str], np.ndarray] | None = None
        self._load_lock = threading.Lock()
        raw = library.load("compliance_rules.yaml", GuardRules)
        self._rules = [
            _Rule(
                CueRule.compile(rule, re.IGNORECASE | re.DOTALL),
                rule.action,
                {lang: unwrap(text) for lang, text in raw.messages[rule.id].items()},
                tuple(re.compile(p, re.IGNORECASE) for p in rule.subject),
            )
            for rule in raw.rules
        ]

    def check(self, question: str) -> ComplianceVerdict | None:
        language = "zh-Hant" if is_chinese(detect_language(question)) else "en"
        by_id = {rule.cue_rule.id: rule for rule in self._rules}
        fired = next((rule for rule in self._rules if rule.cue_rule.fires(question)), None)
        if fired is None and self._encoder is not None and question.strip():
            classifier = self._learned()
            if classifier is not None:
                rule_id = self._classified_rule(classifier, question)
            else:
                rule_id = self._nearest_trap_rule(question, by_id)
            fired = by_id.get(rule_id) if rule_id else None
        if fired is None:
            return None
        message = fired.messages.get(language) or fired.messages["en"]
        return ComplianceVerdict(fired.cue_rule.id, fired.action, message)

    def _learned(self) -> ComplianceClassifier | None:
        """The classifier (given, or the stored one) when it was fit for this encoder; read and
        checked once: a class no rule has is an error, raised until the file is mended."""
        with self._load_lock:
            if not self._classifier_checked:
                if self._classifier is None and (self._library.folder / CLASSIFIER_FILE).is_file():
                    raw = self._library.load(CLASSIFIER_FILE, ClassifierFile)
                    self._classifier = ComplianceClassifier.from_file(raw)
                if self._classifier is not None:
                    unknown = set(self._classifier.rules) - {r.cue_rule.id for r in self._rules}
                    if unknown:
                        raise ResourceError(
                            f"{CLASSIFIER_FILE}: classes without a rule: {sorted(unknown)}"
                        )
                self._classifier_checked = True
            classifier = self._classifier
        if classifier is None or classifier.encoder != self._encoder.name:  # type: ignore[union-attr]
            return None
        return classifier

    def _classified_rule(self, classifier: ComplianceClassifier, question: str) -> str | None:
        """The likeliest rule, when the classifier takes the question for a trap. Rule
        subjects do not gate it: measured by leave-one-set-out on the development sets, they
        changed the refusals by one question in 1,481 and sent the rest to the wrong rule's
        message (a furniture bill paid for a doctor became patient data)."""
        vector = self._encoder.embed_array([question])[0]  # type: ignore[union-attr]
        ranked = classifier.trap_rules(vector)
        return ranked[0] if ranked else None

    def _load_examples(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        with self._load_lock:
            if self._examples is None:
                raw = self._library.load("compliance_examples.yaml", GuardExamples)
                trap_vectors = self._encoder.embed_array([t.text for t in raw.traps])  # type: ignore[union-attr]
                benign_vectors = self._encoder.embed_array(raw.benign)  # type: ignore[union-attr]
                self._examples = (trap_vectors, [t.rule for t in raw.traps], benign_vectors)
            return self._examples

    def _nearest_trap_rule(self, question: str, rules: dict[str, _Rule]) -> str | None:
        """The rule most of the nearest traps hold, among the rules whose subject the
        question is about; None when the question is nearer the benign examples."""
        trap_vectors, trap_rules, benign_vectors = self._load_examples()
        vector = self._encoder.embed_array([question])[0]  # type: ignore[union-attr]
        trap_sims = trap_vectors @ vector
        benign_sims = benign_vectors @ vector
        n = self._neighbours
        nearest = np.argsort(-trap_sims)[:n]
        trap_score = float(trap_sims[nearest].mean())
        benign_score = float(np.sort(benign_sims)[-n:].mean())
        if trap_score - benign_score <= self._margin:
            return None
        about = [
            trap_rules[i]
            for i in nearest
            if trap_rules[i] not in rules or rules[trap_rules[i]].about_its_subject(question)
        ]
        return Counter(about).most_common(1)[0][0] if about else None
