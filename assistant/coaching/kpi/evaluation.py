"""Labelled KPI sets (``evals/coaching/kpi_sets_*.yaml``) and the coach's agreement with them,
per criterion. ``python -m assistant.coaching.kpi.evaluation FILE...`` prints the figures."""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.coaching.common.account import AccountFileError, AccountProfile
from assistant.coaching.common.agreement import accepted, agreement_by_criterion
from assistant.coaching.common.report import RESULTS
from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.model import Kpi, KpiSetError, parse_kpis
from assistant.errors import KamError

SET_FIELDS = {"id", "lang", "about", "labels", "account", "kpis"}


@dataclass(frozen=True)
class LabelledKpiSet:
    id: str
    lang: str
    about: str
    account: AccountProfile
    kpis: list[Kpi]
    labels: dict[str, str | list[str]]


@dataclass
class KpiAgreement:
    """Per-criterion agreement, every prediction, and the disagreements to read."""

    per_criterion: dict[str, float]
    predictions: list[dict[str, str]]
    disagreements: list[dict[str, Any]] = field(default_factory=list)


def load_labelled_sets(path: Path | str, criteria: set[str] | None = None) -> list[LabelledKpiSet]:
    """Read and validate a labelled file; ``criteria`` (ids) restricts which labels are known."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KpiSetError(f"{path}: cannot read the labelled KPI sets ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sets"), list) or not data["sets"]:
        raise KpiSetError(f"{path}: expected a mapping with a non-empty 'sets' list")
    sets, seen = [], set()
    for number, item in enumerate(data["sets"], start=1):
        where = f"{path}: sets.{number}"
        if not isinstance(item, dict) or set(item) != SET_FIELDS:
            raise KpiSetError(f"{where}: needs exactly the fields {sorted(SET_FIELDS)}")
        if item["id"] in seen:
            raise KpiSetError(f"{where}: duplicate id '{item['id']}'")
        seen.add(item["id"])
        labels = _labels(item["labels"], criteria, f"{where} ({item['id']})")
        try:
            account = AccountProfile.from_mapping(item["account"], where)
        except AccountFileError as exc:
            raise KpiSetError(str(exc)) from None
        kpis = parse_kpis(item["kpis"], where)
        sets.append(LabelledKpiSet(item["id"], item["lang"], item["about"], account, kpis, labels))
    return sets


def _labels(raw: Any, criteria: set[str] | None, where: str) -> dict[str, str | list[str]]:
    if not isinstance(raw, dict) or not raw:
        raise KpiSetError(f"{where}: 'labels' must map criterion ids to results")
    for criterion, label in raw.items():
        if criteria is not None and criterion not in criteria:
            raise KpiSetError(f"{where}: unknown criterion '{criterion}'")
        if not accepted(label) or not accepted(label) <= set(RESULTS):
            raise KpiSetError(f"{where}: label of '{criterion}' must be among {RESULTS}")
    return raw


def run_agreement(coach: MetricCoach, path: Path | str) -> KpiAgreement:
    """Review every labelled set and compare the coach's results with the labels."""
    criteria = {spec.id for spec in coach.rubric.criteria}
    labelled = load_labelled_sets(path, criteria)
    predictions, disagreements = [], []
    for item in labelled:
        report = coach.review(item.account, item.kpis)
        predicted = {c.id: c.result for c in report.criteria}
        predictions.append(predicted)
        for criterion, label in item.labels.items():
            if predicted.get(criterion) not in accepted(label):
                disagreements.append(
                    {
                        "set": item.id,
                        "criterion": criterion,
                        "predicted": predicted.get(criterion),
                        "label": label,
                    }
                )
    per_criterion = agreement_by_criterion(predictions, [item.labels for item in labelled])
    return KpiAgreement(per_criterion, predictions, disagreements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--encoder", default="use", choices=["use", "ensemble", "hash"])
    args = parser.parse_args(argv)
    from assistant.config import Settings
    from assistant.embeddings.encoders import HashEmbeddings, build_embeddings
    from assistant.offline import go_offline
    from assistant.services import build_services

    go_offline()
    with tempfile.TemporaryDirectory() as folder:  # the criteria need no knowledge base
        services = build_services(
            Settings(data_dir=Path(folder), embeddings="hash"), HashEmbeddings()
        )
        try:
            context = services.coach_context()
            context.encoder = build_embeddings(args.encoder)
            coach = MetricCoach(context)
            for path in args.files:
                run = run_agreement(coach, path)
                print(f"{path} ({len(run.predictions)} sets, encoder {args.encoder})")
                for criterion, value in run.per_criterion.items():
                    print(f"  {criterion:<22}{value:.3f}")
                for miss in run.disagreements:
                    print(
                        f"  - {miss['set']} {miss['criterion']}: {miss['predicted']} "
                        f"(label {miss['label']})"
                    )
        except KamError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
