"""Agreement between a coach's criterion results and human labels, per criterion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def accepted(label: str | Sequence[str]) -> set[str]:
    """A label is one result or a list of results a reviewer would accept."""
    return {label} if isinstance(label, str) else set(label)


def agreement_by_criterion(
    predictions: Sequence[Mapping[str, str]], labels: Sequence[Mapping[str, str | Sequence[str]]]
) -> dict[str, float]:
    """Share of items where the predicted result is among the labelled ones, per criterion.
    Only criteria an item labels are counted for that item."""
    if len(predictions) != len(labels):
        raise ValueError("predictions and labels differ in length")
    hits: dict[str, int] = {}
    totals: dict[str, int] = {}
    for predicted, labelled in zip(predictions, labels, strict=True):
        for criterion, label in labelled.items():
            totals[criterion] = totals.get(criterion, 0) + 1
            if predicted.get(criterion) in accepted(label):
                hits[criterion] = hits.get(criterion, 0) + 1
    return {name: hits.get(name, 0) / total for name, total in sorted(totals.items())}
