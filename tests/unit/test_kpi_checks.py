"""The metric coach's checks: per-KPI field checks (met, partly, missing) and the set-level
criteria (balance, the compliance gate and its risks in both languages, measurability and
targets, links to objectives, fit with the lifecycle stage)."""

from __future__ import annotations

import pytest

from assistant.coaching.kpi.checks import check_fields
from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.model import Kpi
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.prompts import PromptLibrary
from assistant.retrieval.search import SearchFilters
from tests.support.kpi_sets import ACCOUNT, BALANCED, SALES_ONLY, kpi, results, review


@pytest.fixture
def coach(services) -> MetricCoach:
    return MetricCoach(services.coach_context(SearchFilters(access=("public",))))


def test_field_checks_tell_met_partly_and_missing() -> None:
    rubric = KpiRubric.load(PromptLibrary())
    full = check_fields(Kpi.model_validate(BALANCED[0]), rubric)
    assert {check.result for check in full.values()} == {"met"}
    assert full["target"].evidence == "from 24% to 19%"
    vague = check_fields(
        Kpi(
            name="Relationship",
            formula="track it",
            data_source="various",
            target="better",
            time_frame="ongoing",
            owner="everyone",
        ),
        rubric,
    )
    assert {check.result for check in vague.values()} == {"partly"}
    empty = check_fields(Kpi(name="Sales", formula="TBD", data_source="n/a", target="待定"), rubric)
    assert {check.result for check in empty.values()} == {"missing"}
    # A deadline written into the target bounds the KPI in time.
    dated = check_fields(Kpi(name="Listing", target="listed by Q3"), rubric)
    assert dated["time_bound"].result == "met" and dated["target"].result == "met"


def test_balanced_set_meets_every_criterion(coach: MetricCoach) -> None:
    report = review(coach, BALANCED)
    assert set(results(report).values()) == {"met"}, results(report)
    assert report.score == pytest.approx(1.0) and report.kind == "metrics"
    assert report.language == "en" and report.mode == "offline"
    leading = next(c for c in report.criteria if c.id == "leading_lagging")
    assert "Cardiology and pharmacy leader coverage" in leading.evidence


def test_prescribing_by_hcp_fails_the_compliance_gate(coach: MetricCoach) -> None:
    per_hcp = kpi(
        "Prescriptions per target physician",
        definition="prescriptions written by each of the target physicians",
        data_source="prescription data by prescriber",
    )
    report = review(coach, [*BALANCED, per_hcp])
    gate = next(c for c in report.criteria if c.id == "compliance")
    assert gate.result == "missing" and "Prescriptions per target physician" in gate.evidence
    assert report.score <= 0.4
    assert any(s["for"] == "compliance" for s in report.extras["suggestions"])
    row = report.extras["scorecard"][-1]
    assert row["risks"][0]["id"] == "volume_per_hcp" and row["risks"][0]["level"] == "compliance"


@pytest.mark.parametrize(
    "name, definition, risk",
    [
        ("Samples left with ward doctors", "sample packs left with ward doctors", "samples"),
        (
            "Use in off-label indications",
            "patients treated outside the approved indication",
            "off_label",
        ),
        (
            "Speaker meeting attendance",
            "target HCPs attending our speaker meetings",
            "speaker_events",
        ),
        ("病人支持計畫收案數", "每月收案加入病人支持計畫的人數", "enrolment"),
        ("每位醫師處方量", "目標醫師每人每月開立的處方張數", "volume_per_hcp"),
    ],
)
def test_compliance_risks_in_both_languages(coach, name: str, definition: str, risk: str) -> None:
    report = review(coach, [*SALES_ONLY, kpi(name, definition=definition)])
    assert results(report)["compliance"] == "missing"
    assert report.extras["scorecard"][-1]["risks"][0]["id"] == risk


def test_gaming_is_partly_and_negated_mentions_are_not_risks(coach: MetricCoach) -> None:
    calls = kpi("Calls on cardiologists", definition="number of calls logged per month")
    assert results(review(coach, [*BALANCED, calls]))["compliance"] == "partly"
    clean = kpi(
        "Portfolio contract value versus plan",
        definition="contract value measured at account level and never per prescriber; "
        "the company receives no patient-identifiable data",
    )
    assert results(review(coach, [*BALANCED, clean]))["compliance"] == "met"


def test_unmeasurable_set_and_vague_targets(coach: MetricCoach) -> None:
    vague = [
        {
            "name": "Formulary progress",
            "definition": "progress towards listing",
            "target": "listed",
        },
        {
            "name": "Neurology relationships",
            "definition": "quality of our relationships",
            "target": "stronger",
            "time_frame": "long term",
        },
        {
            "name": "Awareness of the product",
            "definition": "how many staff know the product",
            "target": "as many as possible",
        },
    ]
    report = review(coach, vague)
    got = results(report)
    assert got["measurability"] == "missing" and got["targets_time_bound"] in ("partly", "missing")
    assert got["quant_qual"] == "partly"  # a qualitative KPI without a scale
    issues = report.extras["scorecard"][0]["issues"]
    assert "no formula" in issues and "no data source" in issues


def test_objectives_stage_and_explicit_links(coach: MetricCoach) -> None:
    no_objectives = review(coach, BALANCED, objectives=[], lifecycle_stage=None)
    got = {c.id: c for c in no_objectives.criteria}
    assert got["objective_link"].result == "missing"
    assert "states no objectives" in got["objective_link"].feedback
    assert (
        got["lifecycle_fit"].result == "partly"
        and "lifecycle_stage" in got["lifecycle_fit"].feedback
    )
    unrelated = [
        kpi(
            "Competitor price reports", definition="competitor reports sent to brand", objective="2"
        )
    ]
    report = review(coach, unrelated)
    assert report.extras["scorecard"][0]["linked_objective"] == ACCOUNT["objectives"][1]


def test_loss_of_exclusivity_volume_target_works_against_the_stage(coach: MetricCoach) -> None:
    kpis = [
        kpi("Portfolio sales versus plan", definition="net sales of our other products"),
        kpi("Brand X volume growth", definition="growth in units of Brand X after generic entry"),
    ]
    report = review(coach, kpis, lifecycle_stage="loss_of_exclusivity")
    assert results(report)["lifecycle_fit"] == "partly"
    assert "works against the lifecycle stage" in report.extras["scorecard"][1]["issues"]
