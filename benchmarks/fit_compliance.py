"""Fit the learned compliance check (``prompts/compliance_classifier.json``).

A multinomial logistic regression over the multilingual sentence vectors of questions: one
class per guard rule, and ``none``. Training questions: the traps and benign examples of
``prompts/compliance_examples.yaml`` and every question of the development sets in ``evals/``
and ``evals/guard/`` (a trap is labelled with its rule; any other question is ``none``). The
held-out sets (``HELD_OUT``) are never read.

The regularisation and the threshold are chosen by leave-one-set-out cross-validation: each
development set is judged by the whole guard (regular expressions first, then a classifier fit
without that set) and the setting that refuses the most traps net of wrongly refused questions
wins (a missed trap counts twice). The table of every setting is printed.

    .venv/bin/python -m benchmarks.fit_compliance [--write]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant.config import Settings
from assistant.evaluation.questions import load_question_set
from assistant.prompts import PromptLibrary
from assistant.rules.compliance import (
    CLASSIFIER_FILE,
    ComplianceGuard,
    GuardExamples,
    GuardRules,
)
from assistant.rules.compliance_classifier import NONE, ClassifierFile, ComplianceClassifier

ROOT = Path(__file__).resolve().parent.parent
# Never read while held out; once scored (at the end of the session that wrote them) they are
# spent and become training data in a later session, which holds out new sets.
HELD_OUT = (
    "seeds_holdout",
    "seeds_holdout27",
)
REGULARISATION = (3.0, 10.0, 30.0)
THRESHOLDS = (0.6, 0.7, 0.8, 0.85, 0.9)
# A trap answered costs more than a question wrongly refused; ties go to the higher threshold,
# then to the stronger regularisation.
MISSED_TRAP_COST = 2


def training_questions(
    library: PromptLibrary, rules: set[str]
) -> tuple[list[tuple[str, str, str]], Counter[str]]:
    """(set, question, label) for every usable question; labels no rule has are counted."""
    skipped: Counter[str] = Counter()
    examples = library.load("compliance_examples.yaml", GuardExamples)
    rows = [("examples", trap.text, trap.rule) for trap in examples.traps]
    rows += [("examples", text, NONE) for text in examples.benign]
    paths = sorted((ROOT / "evals").glob("*.yaml")) + sorted((ROOT / "evals/guard").glob("*.yaml"))
    for path in paths:
        if path.stem in HELD_OUT:
            continue
        for q in load_question_set(path).questions:
            if q.history:
                continue  # a follow-up is judged with its conversation
            label = q.compliance_rule or NONE
            if label != NONE and label not in rules:
                skipped[label] += 1
                continue
            rows.append((path.stem, q.question, label))
    return rows, skipped


def tally(
    guard: ComplianceGuard, rows: list[tuple[str, str, str]]
) -> tuple[int, int, int, int, int]:
    """Traps refused, traps, other questions refused, other questions, and traps refused under
    their own rule (whose message explains what the trap breaks)."""
    counts = [0, 0, 0, 0, 0]
    for _, text, label in rows:
        verdict = guard.check(text)
        refused = verdict is not None and verdict.action == "refuse"
        trap = label != NONE
        counts[0 if trap else 2] += refused
        counts[1 if trap else 3] += 1
        counts[4] += trap and refused and verdict.rule == label  # type: ignore[union-attr]
    return counts[0], counts[1], counts[2], counts[3], counts[4]


class _KnownVectors:
    """An encoder stand-in that returns vectors computed once (for cross-validation)."""

    def __init__(self, name: str, vectors: dict[str, np.ndarray]) -> None:
        self.name = name
        self._vectors = vectors

    def embed_array(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])


def fit(
    vectors: np.ndarray, labels: list[str], encoder: str, c: float, threshold: float
) -> ClassifierFile:
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(vectors, labels)
    classes = [str(name) for name in model.classes_]
    return ClassifierFile(
        encoder=encoder,
        dimension=vectors.shape[1],
        threshold=threshold,
        classes=classes,
        coefficients=[[round(float(w), 6) for w in row] for row in model.coef_],
        intercepts=[round(float(b), 6) for b in model.intercept_],
        regularisation=c,
        trained_on={},
        cross_validation={},
    )


def cross_validate(
    rows: list[tuple[str, str, str]], vectors: np.ndarray, encoder: str, library: PromptLibrary
) -> dict[tuple[float, float], tuple[int, int, int, int, int]]:
    """(C, threshold) -> the counts of ``tally`` over every set left out."""
    stand_in = _KnownVectors(
        encoder, {text: v for (_, text, _), v in zip(rows, vectors, strict=True)}
    )
    groups = np.array([g for g, _, _ in rows])
    labels = [label for _, _, label in rows]
    results: dict[tuple[float, float], list[int]] = {}
    for c in REGULARISATION:
        for held in sorted(set(groups) - {"examples"}):
            train = groups != held
            model = fit(
                vectors[train],
                [lb for lb, t in zip(labels, train, strict=True) if t],
                encoder,
                c,
                0.5,
            )
            left_out = [row for row in rows if row[0] == held]
            for threshold in THRESHOLDS:
                model.threshold = threshold
                guard = ComplianceGuard(
                    library, stand_in, classifier=ComplianceClassifier.from_file(model)
                )  # type: ignore[arg-type]
                totals = results.setdefault((c, threshold), [0, 0, 0, 0, 0])
                for k, n in enumerate(tally(guard, left_out)):
                    totals[k] += n
    return {key: (a, b, c_, d, e) for key, (a, b, c_, d, e) in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write prompts/{CLASSIFIER_FILE}")
    args = parser.parse_args()
    settings = Settings()
    library = PromptLibrary(settings.prompts_dir)
    rules = {rule.id for rule in library.load("compliance_rules.yaml", GuardRules).rules}
    rows, skipped = training_questions(library, rules)
    with tempfile.TemporaryDirectory() as scratch:
        from assistant.services import build_services

        settings = settings.model_copy(update={"data_dir": Path(scratch)})
        encoder = build_services(settings).index.embeddings.sentence_model()
        vectors = encoder.embed_array([text for _, text, _ in rows])
    labels = [label for _, _, label in rows]
    print(
        f"{len(rows)} questions, {sum(lb != NONE for lb in labels)} traps; skipped {dict(skipped)}"
    )
    table = cross_validate(rows, vectors, encoder.name, library)
    judged = [row for row in rows if row[0] != "examples"]
    caught, traps, wrong, others, own = tally(ComplianceGuard(library), judged)
    print(
        f"rules alone: {caught}/{traps} traps ({own} under their own rule), "
        f"{wrong}/{others} others refused"
    )
    print(
        "| C | threshold | traps refused | under their own rule | other questions refused |\n"
        "|---|---|---|---|---|"
    )
    for (c, threshold), (hit, traps, wrong, others, own) in sorted(table.items()):
        print(f"| {c:g} | {threshold:g} | {hit}/{traps} | {own}/{traps} | {wrong}/{others} |")
    (c, threshold), (hit, traps, wrong, others, own) = max(
        table.items(), key=lambda kv: (MISSED_TRAP_COST * kv[1][0] - kv[1][2], kv[0][1], -kv[0][0])
    )
    print(f"chosen: C={c:g}, threshold={threshold:g}")
    if not args.write:
        return
    chosen = fit(vectors, labels, encoder.name, c, threshold)
    chosen.trained_on = dict(sorted(Counter(g for g, _, _ in rows).items()))
    chosen.cross_validation = {
        "method": "leave one question set out; the whole guard judges the set left out",
        "traps_refused": f"{hit}/{traps}",
        "traps_refused_under_their_own_rule": f"{own}/{traps}",
        "other_questions_refused": f"{wrong}/{others}",
        "settings_tried": f"C {list(REGULARISATION)} x threshold {list(THRESHOLDS)}",
        "labels_without_a_rule": json.dumps(dict(skipped)),
    }
    path = library.folder / CLASSIFIER_FILE
    path.write_text(json.dumps(chosen.model_dump(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
