"""Agreement of the value proposition coach with labelled drafts (``evals/coaching/``), per
criterion. ``python -m assistant.coaching.value_prop.evaluation FILE... [--encoder use|hash]``."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.coaching.common.agreement import accepted, agreement_by_criterion
from assistant.coaching.common.report import RESULTS
from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.errors import KamError

Result = Literal["met", "partly", "missing"]


class LabelledDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    lang: Literal["en", "zh-Hant"]
    account: dict[str, Any]
    draft: str = Field(min_length=1)
    labels: dict[str, Result | list[Result]]
    notes: str = ""


class LabelledSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    items: list[LabelledDraft] = Field(min_length=1)


@dataclass
class AgreementRun:
    """Per-criterion agreement on one labelled set, and every disagreement to read."""

    name: str
    items: int
    agreement: dict[str, float]
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def lowest(self) -> float:
        return min(self.agreement.values())


def load_labelled(path: Path, criteria: tuple[str, ...]) -> LabelledSet:
    """Read a labelled set; every label must name a rubric criterion."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        labelled = LabelledSet.model_validate(raw)
    except OSError as exc:
        raise KamError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError:
        raise KamError(f"{path}: not valid YAML") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise KamError(f"{path}: {where}: {first['msg']}") from None
    seen: set[str] = set()
    for item in labelled.items:
        if item.id in seen:
            raise KamError(f"{path}: item id {item.id} is used twice")
        seen.add(item.id)
        unknown = set(item.labels) - set(criteria)
        if unknown:
            raise KamError(f"{path}: {item.id}: unknown criteria {sorted(unknown)}")
        if any(not accepted(label) <= set(RESULTS) for label in item.labels.values()):
            raise KamError(f"{path}: {item.id}: labels must be {', '.join(RESULTS)}")
    return labelled


def run_agreement(coach: ValuePropCoach, path: Path) -> AgreementRun:
    """Review every labelled draft offline (no citations) and compare with the labels."""
    labelled = load_labelled(path, coach.rubric_ids)
    predictions: list[dict[str, str]] = []
    disagreements: list[dict[str, Any]] = []
    for item in labelled.items:
        report = coach.review(item.account, item.draft, cite=False)
        predicted = {c.id: c.result for c in report.criteria}
        predictions.append(predicted)
        for criterion, label in item.labels.items():
            if predicted[criterion] not in accepted(label):
                evidence = next(c.evidence for c in report.criteria if c.id == criterion)
                disagreements.append(
                    {
                        "id": item.id,
                        "criterion": criterion,
                        "predicted": predicted[criterion],
                        "label": label,
                        "evidence": evidence,
                    }
                )
    labels = [item.labels for item in labelled.items]
    by_language = {}
    for lang in sorted({item.lang for item in labelled.items}):
        rows = [i for i, item in enumerate(labelled.items) if item.lang == lang]
        by_language[lang] = agreement_by_criterion(
            [predictions[i] for i in rows], [labels[i] for i in rows]
        )
    return AgreementRun(
        labelled.name,
        len(labelled.items),
        agreement_by_criterion(predictions, labels),
        by_language,
        disagreements,
    )


def _coach(encoder_name: str) -> ValuePropCoach:
    """A coach on an empty hash-embedded index (reviews here cite nothing) with the chosen
    sentence encoder."""
    import tempfile

    from assistant.config import Settings
    from assistant.embeddings.encoders import HashEmbeddings, build_embeddings
    from assistant.services import build_services

    folder = Path(tempfile.mkdtemp(prefix="kam-vp-eval-"))
    services = build_services(Settings(data_dir=folder, embeddings="hash"), HashEmbeddings())
    context = services.coach_context()
    if encoder_name != "hash":
        context.encoder = build_embeddings(encoder_name).sentence_model()
    return ValuePropCoach(context)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--encoder", default="use", choices=["use", "ensemble", "hash"])
    args = parser.parse_args(argv)
    try:
        coach = _coach(args.encoder)
        for path in args.files:
            run = run_agreement(coach, path)
            print(f"{run.name} ({run.items} drafts, encoder {args.encoder})")
            for criterion, value in run.agreement.items():
                per_lang = "  ".join(
                    f"{lang} {table[criterion]:.2f}" for lang, table in run.by_language.items()
                )
                print(f"  {criterion:<24}{value:.2f}   {per_lang}")
            for miss in run.disagreements:
                label = miss["label"]
                print(f"  - {miss['id']} {miss['criterion']}: {miss['predicted']} (label {label})")
    except KamError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
