"""Offline checks of a value proposition draft, criterion by criterion: cue patterns, exemplar
similarity, the account's own objectives and its stakeholders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.common.exemplars import ExemplarVectors
from assistant.coaching.value_prop.roles import first_mention, role_phrases, without_name
from assistant.coaching.value_prop.rubric import Criterion, CueGroup, Rubric
from assistant.embeddings.encoders import NamedEmbeddings
from assistant.ingest.chunking import split_sentences
from assistant.rules.compliance import ComplianceGuard
from assistant.text.tokens import lexical_tokens

_BULLET = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|#+\s+)")
_CLAUSE = re.compile(r";\s+")


def _stem(token: str) -> str:
    """Fold common English endings so "screening", "screened" and "screen" meet."""
    if not token.isascii() or len(token) <= 4:
        return token
    for suffix in ("ations", "ation", "ings", "ing", "ed", "es", "e", "s"):
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)]
    return token


def content_stems(text: str) -> set[str]:
    """Content words (stemmed) and Chinese character bigrams of a text."""
    return {_stem(token) for token in lexical_tokens(text)}


def split_units(draft: str) -> list[str]:
    """Sentences of the draft, further split at semicolons, without list markers."""
    units = []
    for line in draft.splitlines():
        for sentence in split_sentences(_BULLET.sub("", line)):
            for clause in _CLAUSE.split(sentence):
                clause = " ".join(clause.replace("**", "").split())
                if clause:
                    units.append(clause)
    return units


@dataclass
class CheckOutcome:
    """One criterion's result, the units that earned it, and what each cue group matched."""

    result: str
    evidence: list[str] = field(default_factory=list)
    matches: dict[str, list[str]] = field(default_factory=dict)
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class _Draft:
    units: list[str]
    vectors: np.ndarray


class ValuePropChecker:
    """Scores a draft against the rubric without a language model."""

    def __init__(
        self, rubric: Rubric, encoder: NamedEmbeddings, guard: ComplianceGuard | None = None
    ) -> None:
        """``guard`` (the app's compliance rules, patterns only) backs up the rubric's own
        compliance cues: a draft sentence it would refuse makes the draft non-compliant."""
        self._rubric = rubric
        self._encoder = encoder
        self._guard = guard
        self._exemplars = ExemplarVectors(encoder)

    def check(self, account: AccountProfile, draft: str) -> dict[str, CheckOutcome]:
        units = split_units(draft)
        parsed = _Draft(units, self._encoder.embed_array(units))
        outcomes: dict[str, CheckOutcome] = {}
        for criterion in self._rubric.criteria:
            if criterion.check == "account_fit":
                outcomes[criterion.id] = self._account_fit(criterion, account, parsed)
            elif criterion.check == "stakeholders":
                outcomes[criterion.id] = self._stakeholders(criterion, account, parsed)
            else:
                outcomes[criterion.id] = self._cues(criterion, parsed)
        compliance = self._rubric.compliance_criterion
        if self._guard is not None and outcomes[compliance].result != "missing":
            outcomes[compliance] = self._guard_check(outcomes[compliance], parsed.units)
        return outcomes

    def _guard_check(self, outcome: CheckOutcome, units: list[str]) -> CheckOutcome:
        for unit in units:
            verdict = self._guard.check(unit) if self._guard is not None else None
            if verdict is not None and verdict.action == "refuse":
                return CheckOutcome("missing", [unit], outcome.matches, {"rule": verdict.rule})
        return outcome

    def group_units(self, owner: str, group: CueGroup, draft: str) -> list[str]:
        """Units of a draft that a cue group matches (used for the canvas); ``owner`` names
        who asks (a criterion, or the canvas) and does not change the answer."""
        units = split_units(draft)
        return self._matching(group, _Draft(units, self._encoder.embed_array(units)))

    # --- cue rules ---

    def _matching(self, group: CueGroup, draft: _Draft) -> list[str]:
        hits = [unit for unit in draft.units if group.pattern_match(unit)]
        if group.exemplars and group.similarity is not None and draft.units:
            sims = (draft.vectors @ self._exemplars.vectors(group.exemplars).T).max(axis=1)
            for unit, sim in zip(draft.units, sims, strict=True):
                if sim >= group.similarity and unit not in hits and not group.excluded(unit):
                    hits.append(unit)
        return [unit for unit in draft.units if unit in hits]

    def _cues(self, criterion: Criterion, draft: _Draft) -> CheckOutcome:
        matches = {name: self._matching(group, draft) for name, group in criterion.cues.items()}
        for rule in criterion.rules:
            for names in rule.when:
                evidence = _rule_evidence(names, matches, rule.same_unit)
                if evidence:
                    return CheckOutcome(rule.result, evidence, matches)
        return CheckOutcome(criterion.otherwise, [], matches)

    # --- the account's own objectives and pain points ---

    def _account_fit(
        self, criterion: Criterion, account: AccountProfile, draft: _Draft
    ) -> CheckOutcome:
        items = [*account.objectives, *account.pain_points]
        if not items:
            return self._typical_fit(criterion, account, draft)
        covered, missed, evidence = self._coverage(criterion, items, draft)
        needed = min(int(criterion.settings.get("met_count", 2)), len(items))
        result = "met" if len(covered) >= needed else "partly" if covered else "missing"
        details = {"covered": covered, "not_covered": missed}
        return CheckOutcome(result, evidence, {}, details)

    def _typical_fit(
        self, criterion: Criterion, account: AccountProfile, draft: _Draft
    ) -> CheckOutcome:
        """No objectives given: near what such accounts typically want is at best partly."""
        typical = list(criterion.typical_objectives.get(account.type, ()))
        covered, _, evidence = (
            self._coverage(criterion, typical, draft) if typical else ([], [], [])
        )
        details: dict[str, object] = {"covered": [], "not_covered": [], "no_objectives": True}
        if covered:
            details["typical"] = covered
            return CheckOutcome("partly", evidence, {}, details)
        outcome = self._cues(criterion, draft)
        outcome.details = details
        if outcome.result == "met":  # the account's own objectives are unknown
            outcome.result = "partly"
        return outcome

    def _coverage(
        self, criterion: Criterion, items: list[str], draft: _Draft
    ) -> tuple[list[dict[str, object]], list[str], list[str]]:
        settings = criterion.settings
        sims = (
            self._encoder.embed_array(items) @ draft.vectors.T
            if draft.units
            else np.zeros((len(items), 0))
        )
        unit_stems = [content_stems(unit) for unit in draft.units]
        covered: list[dict[str, object]] = []
        missed: list[str] = []
        evidence: list[str] = []
        for row, item in enumerate(items):
            found = _best_fit(content_stems(item), unit_stems, sims[row], settings)
            if found is None:
                missed.append(item)
                continue
            col, how, overlap = found
            unit = draft.units[col]
            covered.append(
                {
                    "item": item,
                    "unit": unit,
                    "how": how,
                    "overlap": round(overlap, 3),
                    "similarity": round(float(sims[row, col]), 3),
                }
            )
            if unit not in evidence:
                evidence.append(unit)
        return covered, missed, evidence

    # --- the decision-making unit ---

    def _stakeholders(
        self, criterion: Criterion, account: AccountProfile, draft: _Draft
    ) -> CheckOutcome:
        roles = account.stakeholder_roles()
        units = [without_name(unit, account.name) for unit in draft.units]
        found: dict[str, str] = {}
        if roles:
            for role in roles:
                index = first_mention(role_phrases(role, criterion), units)
                if index is not None:
                    found[role] = draft.units[index]
            needed = min(int(criterion.settings.get("met_count", 2)), len(roles))
        else:  # no stakeholders given: count the roles the draft names from the synonym table
            for group in criterion.synonyms:
                index = first_mention(group, units)
                if index is not None:
                    found[group[0]] = draft.units[index]
            needed = int(criterion.settings.get("met_count", 2))
        details = {"addressed": found, "not_addressed": [r for r in roles if r not in found]}
        evidence = list(dict.fromkeys(found.values()))
        if found and len(found) >= needed:
            return CheckOutcome("met", evidence, {}, details)
        if found:
            return CheckOutcome("partly", evidence, {}, details)
        outcome = self._cues(criterion, draft)
        outcome.details = details
        return outcome


def _best_fit(
    item: set[str], units: list[set[str]], sims: np.ndarray, settings: dict[str, float]
) -> tuple[int, str, float] | None:
    """The unit that takes an objective up: enough of its words, close enough in meaning, or
    moderately both. Returns (unit index, how, word overlap) or None."""
    if not units or not item:
        return None
    min_shared = 1 if len(item) <= 2 else 2
    overlaps = [len(item & unit) / len(item) for unit in units]
    shared = [len(item & unit) for unit in units]
    by_words = [
        i
        for i, o in enumerate(overlaps)
        if o >= settings.get("overlap", 0.4) and shared[i] >= min_shared
    ]
    if by_words:
        best = max(by_words, key=lambda i: overlaps[i])
        return best, "words", overlaps[best]
    best = int(np.argmax(sims))
    if sims[best] >= settings.get("similarity", 0.47):
        return best, "meaning", overlaps[best]
    joint = [
        i
        for i, o in enumerate(overlaps)
        if o >= settings.get("joint_overlap", 0.25)
        and sims[i] >= settings.get("joint_similarity", 0.3)
    ]
    if joint:
        best = max(joint, key=lambda i: sims[i])
        return best, "words and meaning", overlaps[best]
    return None


def _rule_evidence(
    names: tuple[str, ...], matches: dict[str, list[str]], same_unit: bool
) -> list[str]:
    """The units that make a rule's group list fire, or [] when it does not."""
    if same_unit:
        shared = [u for u in matches[names[0]] if all(u in matches[n] for n in names[1:])]
        return shared[:1]
    if not all(matches[name] for name in names):
        return []
    return list(dict.fromkeys(matches[name][0] for name in names))
