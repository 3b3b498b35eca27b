"""Evaluating the value proposition coach against labelled drafts
(``value_prop/evaluation.py``): the labelled sets follow the schema, agreement and
disagreements are counted, and a bad labelled file is refused. The agreement bar with the real
encoder is in tests/integration/test_value_prop_agreement.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.value_prop.coach import ValuePropCoach
from assistant.coaching.value_prop.evaluation import load_labelled, run_agreement
from assistant.coaching.value_prop.rubric import load_rubric
from assistant.errors import KamError
from assistant.prompts import PromptLibrary
from tests.support.value_prop_drafts import ACCOUNT, EVALS, STRONG, WEAK


@pytest.fixture
def coach(services) -> ValuePropCoach:
    return ValuePropCoach(services.coach_context())


def test_labelled_sets_follow_the_schema() -> None:
    ids = load_rubric(PromptLibrary()).ids
    dev = load_labelled(EVALS / "value_prop_dev.yaml", ids)
    holdout = load_labelled(EVALS / "value_prop_holdout.yaml", ids)
    items = dev.items + holdout.items
    assert len(items) >= 24 and sum(i.lang == "zh-Hant" for i in items) >= 8
    types = {AccountProfile.from_mapping(i.account).type for i in items}
    assert types == {"health_system", "payer", "hospital_chain", "wholesaler", "pharmacy_chain"}
    assert not {i.id for i in dev.items} & {i.id for i in holdout.items}


def test_agreement_counts_disagreements(tmp_path: Path, coach: ValuePropCoach) -> None:
    labelled = {
        "name": "tiny",
        "items": [
            {
                "id": "a",
                "lang": "en",
                "account": ACCOUNT,
                "draft": STRONG,
                "labels": {"grounded": "met", "measurable": "missing"},
            },
            {
                "id": "b",
                "lang": "en",
                "account": ACCOUNT,
                "draft": WEAK,
                "labels": {"grounded": ["missing", "partly"], "measurable": "missing"},
            },
        ],
    }
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(labelled), encoding="utf-8")
    run = run_agreement(coach, path)
    assert run.agreement == {"grounded": 1.0, "measurable": 0.5}
    assert [(d["id"], d["criterion"], d["predicted"]) for d in run.disagreements] == [
        ("a", "measurable", "met")
    ]


def test_labelled_file_errors(tmp_path: Path) -> None:
    ids = load_rubric(PromptLibrary()).ids
    path = tmp_path / "bad.yaml"
    item = {"id": "x", "lang": "en", "account": ACCOUNT, "draft": WEAK, "labels": {"tone": "met"}}
    path.write_text(yaml.safe_dump({"name": "bad", "items": [item]}), encoding="utf-8")
    with pytest.raises(KamError, match="unknown criteria"):
        load_labelled(path, ids)
    item["labels"] = {"grounded": "good"}
    path.write_text(yaml.safe_dump({"name": "bad", "items": [item]}), encoding="utf-8")
    with pytest.raises(KamError, match="labels"):
        load_labelled(path, ids)
