"""Evaluating the metric coach against labelled KPI sets (``kpi/evaluation.py``): the
labelled files load, agreement and disagreements are computed, an unknown criterion is
refused. The agreement bar with the real encoder is in tests/integration/test_kpi_agreement.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.evaluation import load_labelled_sets, run_agreement
from assistant.coaching.kpi.model import KpiSetError
from tests.support.kpi_sets import ACCOUNT, BALANCED, DEV, HOLDOUT, SALES_ONLY


def test_labelled_files_load_and_agreement_is_computed(tmp_path: Path, services) -> None:
    sets = load_labelled_sets(DEV)
    assert len(sets) >= 24 and sum(s.lang == "zh-Hant" for s in sets) >= 8
    assert len(load_labelled_sets(HOLDOUT)) >= 12
    small = {
        "name": "x",
        "description": "x",
        "sets": [
            {
                "id": "a",
                "lang": "en",
                "about": "balanced",
                "account": ACCOUNT,
                "kpis": BALANCED,
                "labels": {"leading_lagging": "met", "compliance": ["met", "partly"]},
            },
            {
                "id": "b",
                "lang": "en",
                "about": "sales",
                "account": ACCOUNT,
                "kpis": SALES_ONLY,
                "labels": {"leading_lagging": "met"},
            },
        ],
    }
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small), encoding="utf-8")
    agreement = run_agreement(MetricCoach(services.coach_context()), path)
    assert agreement.per_criterion == {"compliance": 1.0, "leading_lagging": 0.5}
    assert agreement.disagreements == [
        {"set": "b", "criterion": "leading_lagging", "predicted": "missing", "label": "met"}
    ]
    small["sets"][0]["labels"] = {"balance": "met"}
    path.write_text(yaml.safe_dump(small), encoding="utf-8")
    with pytest.raises(KpiSetError, match="unknown criterion 'balance'"):
        run_agreement(MetricCoach(services.coach_context()), path)
