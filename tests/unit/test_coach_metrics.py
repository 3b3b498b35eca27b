"""The metric (KPI) design coach: input model, per-KPI checks, set-level criteria, suggestions
and citations, scorecard export, LLM commentary, CLI, and agreement with the labelled sets."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.coaching.common.account import AccountProfile
from assistant.coaching.kpi.checks import check_fields
from assistant.coaching.kpi.coach import MESSAGES_FILE, MetricCoach
from assistant.coaching.kpi.evaluation import load_labelled_sets, run_agreement
from assistant.coaching.kpi.model import Kpi, KpiSetError, load_metrics_file, parse_kpis
from assistant.coaching.kpi.rubric import KpiRubric
from assistant.coaching.kpi.scorecard import to_csv, to_markdown
from assistant.errors import KamError
from assistant.prompts import Messages, PromptLibrary
from assistant.retrieval.search import SearchFilters
from tests.support.factories import write
from tests.support.fakes import make_services

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "evals" / "coaching" / "kpi_sets_dev.yaml"
HOLDOUT = ROOT / "evals" / "coaching" / "kpi_sets_holdout.yaml"
KB_DOCS = ("metrics/key-account-kpi-library.md", "metrics/kpi-targets-and-scorecard-design.md")

ACCOUNT = {
    "name": "Riverbend Health",
    "type": "IDN",
    "level": 3,
    "lifecycle_stage": "growth",
    "objectives": [
        "Reduce 30-day heart failure readmissions across Riverbend's hospitals",
        "Include guideline therapy in Riverbend's heart failure discharge pathway",
        "Engage Riverbend's cardiology and pharmacy leaders in a shared heart failure plan",
    ],
}


def kpi(name: str, **fields: str) -> dict[str, str]:
    base = {
        "definition": f"{name} in the account",
        "formula": "count ÷ planned × 100%",
        "data_source": "CRM records",
        "target": "90%",
        "time_frame": "quarterly",
        "owner": "KAM",
    }
    return {"name": name, **base, **fields}


BALANCED = [
    kpi(
        "Heart failure readmission rate in the joint project",
        definition="30-day heart failure readmission rate at the pilot hospitals, in aggregate",
        formula="readmissions within 30 days ÷ heart failure discharges × 100%",
        data_source="Riverbend quality dashboard (aggregated)",
        target="from 24% to 19%",
        time_frame="24 months",
        owner="account team (KAM, medical, HEOR)",
    ),
    kpi(
        "Discharge pathway inclusion",
        definition="guideline therapy included in the heart failure discharge pathway",
        formula="yes/no decision of the pathway committee",
        data_source="pathway committee minutes",
        target="included",
        time_frame="by Q3",
    ),
    kpi(
        "Cardiology and pharmacy leader coverage",
        definition="cardiology and pharmacy leaders engaged on the shared heart failure plan",
        formula="leaders engaged ÷ leaders mapped × 100%",
        target="85%",
        time_frame="each half-year",
    ),
    kpi(
        "Pathway milestones on time",
        definition="heart failure discharge pathway milestones reached on time",
        formula="milestones reached on time ÷ milestones planned × 100%",
        owner="KAM and market access manager",
    ),
    kpi(
        "Pharmacy leader stance",
        definition="stance of the pharmacy leader on a five-level scale with evidence",
        formula="level on the five-level stance scale",
        data_source="stakeholder map reviewed by the manager",
        target="from neutral to supporter",
        time_frame="12 months",
    ),
]

SALES_ONLY = [
    kpi("Net sales versus plan", definition="net sales in the account against plan"),
    kpi("Market share in class", definition="our share of the therapy class"),
    kpi("Revenue growth", definition="revenue growth versus last year", time_frame="annual"),
]


def review(coach: MetricCoach, kpis: list[dict], **account: object):
    profile = AccountProfile.model_validate({**ACCOUNT, **account})
    return coach.review(profile, parse_kpis(kpis))


def results(report) -> dict[str, str]:
    return {c.id: c.result for c in report.criteria}


@pytest.fixture
def services(tmp_path: Path):
    built, _ = make_services(tmp_path / "data")
    yield built
    built.close()


@pytest.fixture
def kb(tmp_path: Path, services) -> None:
    """The KPI documents of the bundled corpus, and an internal note that must not leak."""
    folder = tmp_path / "kb"
    folder.mkdir()
    for name in KB_DOCS:
        shutil.copy(ROOT / "corpus" / name, folder / Path(name).name)
    write(
        folder / "internal-kpi-targets.md",
        "---\ntitle: Leading indicators predict lagging results\naccess: internal\n---\n"
        "# Leading indicators predict lagging results in a balanced KAM scorecard\n"
        "Internal: leading indicators predict lagging results; a balanced KAM scorecard pairs "
        "leading indicators with lagging results, qualitative KPIs with a written rubric, and "
        "short-term with long-term goals.\n",
    )
    services.ingestor.ingest([tmp_path / "kb"], "kb")


@pytest.fixture
def coach(services) -> MetricCoach:
    return MetricCoach(services.coach_context(SearchFilters(access=("public",))))


# --- the input file and the KPI model ---


def _file(tmp_path: Path, data) -> Path:
    path = tmp_path / "kpis.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_metrics_file_is_read_and_values_become_text(tmp_path: Path) -> None:
    data = {
        "account": ACCOUNT,
        "kpis": [{"name": "DMU coverage", "target": 85, "owner": ["KAM", "MSL"]}],
    }
    account, kpis = load_metrics_file(_file(tmp_path, data))
    assert account.type == "health_system" and account.lifecycle_stage == "growth"
    assert kpis[0].target == "85" and kpis[0].owner == "KAM, MSL" and kpis[0].formula == ""


@pytest.mark.parametrize(
    "content, message",
    [
        ("account: {type: payer\nkpis: [", "not valid YAML"),
        ({"account": ACCOUNT, "kpis": []}, "'kpis' is empty"),
        ({"account": ACCOUNT}, "'kpis' is missing"),
        ({"account": ACCOUNT, "kpis": "sales"}, "must be a list of KPIs"),
        ({"account": ACCOUNT, "kpis": [{"definition": "x"}]}, "kpis.1: 'name' is required"),
        ({"account": ACCOUNT, "kpis": [{"name": "A", "formla": "x"}]}, "did you mean 'formula'"),
        ({"account": ACCOUNT, "kpis": [{"name": "A", "target": {"x": 1}}]}, "must be text"),
        ({"account": ACCOUNT, "kpis": [3]}, "each KPI must be a mapping"),
        ({"account": ACCOUNT, "kpis": ["Sales", "sales"]}, "have the same name"),
        ({"account": ACCOUNT, "kpi": [{"name": "A"}]}, "did you mean 'kpis'"),
        ({"kpis": [{"name": "A"}]}, "'account' is missing"),
        ({"account": {**ACCOUNT, "level": 9}, "kpis": [{"name": "A"}]}, "must be 1, 2 or 3"),
        ({"account": ACCOUNT, "kpis": [{"name": f"K{i}"} for i in range(31)]}, "six to ten"),
    ],
)
def test_bad_files_get_clear_messages(tmp_path: Path, content, message: str) -> None:
    with pytest.raises(KamError, match=re.escape(message)):
        load_metrics_file(_file(tmp_path, content))


def test_nonsense_kpis_are_refused_with_a_message(coach: MetricCoach) -> None:
    with pytest.raises(KpiSetError, match="None of the 2 KPIs reads like a measure"):
        review(coach, [{"name": "qwzx plorb"}, {"name": "zzkv blorf"}])
    # One nonsense KPI among real ones is flagged, not refused.
    report = review(coach, [*SALES_ONLY, {"name": "qwzx plorb"}])
    row = report.extras["scorecard"][-1]
    assert "not recognisable as a KPI" in row["issues"]


# --- per-KPI checks ---


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


# --- set-level criteria ---


def test_balanced_set_meets_every_criterion(coach: MetricCoach) -> None:
    report = review(coach, BALANCED)
    assert set(results(report).values()) == {"met"}, results(report)
    assert report.score == pytest.approx(1.0) and report.kind == "metrics"
    assert report.language == "en" and report.mode == "offline"
    leading = next(c for c in report.criteria if c.id == "leading_lagging")
    assert "Cardiology and pharmacy leader coverage" in leading.evidence


def test_sales_only_set_gets_balance_gaps_and_cited_suggestions(coach: MetricCoach, kb) -> None:
    report = review(coach, SALES_ONLY)
    got = results(report)
    for criterion in ("leading_lagging", "quant_qual", "time_horizon", "scope"):
        assert got[criterion] == "missing", criterion
    assert got["compliance"] == "met" and got["measurability"] == "met"
    kinds = {(s["for"], s["direction"]) for s in report.extras["suggestions"]}
    assert ("leading_lagging", "leading") in kinds
    assert report.citations and all(c.passage.access == "public" for c in report.citations)
    sources = {Path(c.passage.source).name for c in report.citations}
    assert "key-account-kpi-library.md" in sources
    assert any("[" in line and "Consider adding" in line for line in report.feedback)
    assert 0 < report.score < 0.6


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


ZH_ACCOUNT = {
    "name": "東華醫療體系",
    "type": "醫療體系",
    "level": 3,
    "lifecycle_stage": "mature",
    "objectives": ["維持吸入劑在東華處方集的收載", "與東華共同推動吸入器技巧衛教專案"],
}
ZH_KPIS = [
    kpi(
        "處方集收載維持",
        definition="吸入劑在年度處方集檢討後維持收載",
        formula="維持收載品項數 ÷ 收載品項數",
        data_source="東華處方集清單",
        target="100%",
        time_frame="年度",
    ),
    kpi(
        "衛教專案里程碑完成率",
        definition="衛教專案約定里程碑如期完成的比例",
        formula="如期完成里程碑數 ÷ 應完成里程碑數 × 100%",
        data_source="專案會議紀錄",
        target="85%",
        time_frame="每季",
        owner="KAM 與醫學事務部",
    ),
]


def test_chinese_set_is_reviewed_in_chinese(coach: MetricCoach, kb) -> None:
    report = coach.review(AccountProfile.model_validate(ZH_ACCOUNT), parse_kpis(ZH_KPIS))
    assert report.language == "zh-Hant"
    assert report.criteria[0].name == "領先與落後指標的平衡"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in report.feedback)
    assert results(report)["objective_link"] == "met"
    assert report.extras["suggestions"] and report.extras["suggestions"][0]["name"][0] >= "\u3400"


def test_access_filter_keeps_internal_passages_out(services, kb) -> None:
    public = MetricCoach(services.coach_context(SearchFilters(access=("public",))))
    report = review(public, SALES_ONLY)
    assert report.citations and all(c.passage.access == "public" for c in report.citations)
    everyone = MetricCoach(services.coach_context())
    sources = {c.passage.source for c in review(everyone, SALES_ONLY).citations}
    assert any("internal-kpi-targets" in s for s in sources)


# --- the scorecard ---


def test_scorecard_csv_and_markdown(coach: MetricCoach) -> None:
    report = review(coach, [*SALES_ONLY, kpi("Pipe | name", definition="odd | text")])
    rows = list(csv.reader(io.StringIO(to_csv(report.extras["scorecard"], coach.messages, "en"))))
    assert rows[0][:3] == ["No.", "KPI", "Leading/lagging"]
    assert len(rows) == 1 + 4 and rows[4][1] == "Pipe | name"
    assert {rows[1][6], rows[1][8]} <= {"met", "partly", "missing"}
    markdown = to_markdown(report, coach.messages)
    assert markdown.startswith("# KPI scorecard review") and "Pipe \\| name" in markdown
    table = [line for line in markdown.splitlines() if line.startswith("| 4 |")]
    assert len(table) == 1 and table[0].count(" | ") == 13


# --- rubric and wording files ---


def _prompts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", folder)
    return folder


def test_broken_rubric_messages_and_library_are_named(tmp_path: Path) -> None:
    folder = _prompts_copy(tmp_path)
    messages = folder / "kpi_messages.yaml"
    messages.write_text(
        messages.read_text(encoding="utf-8").replace(
            '    stage_misfit: "與', '    stage_misfitx: "與'
        ),
        encoding="utf-8",
    )
    with pytest.raises(KamError, match="keys not in both languages"):
        Messages(PromptLibrary(folder), MESSAGES_FILE)
    rubric = folder / "rubrics" / "kpi_set.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace("'\\bcoverage\\b'", "'(coverage'"),
        encoding="utf-8",
    )
    with pytest.raises(KamError, match="bad pattern in classes.direction.leading"):
        KpiRubric.load(PromptLibrary(folder))


# --- the LLM commentary ---


def _coach_with(services, model) -> MetricCoach:
    context = services.coach_context()
    context.chat_model = model
    return MetricCoach(context)


def test_commentary_from_a_scripted_model(services) -> None:
    text = "Start with the compliance gate. Then add a leading KPI such as DMU coverage."
    model = GenericFakeChatModel(messages=iter([AIMessage(content=text)]))
    report = review(_coach_with(services, model), SALES_ONLY)
    assert report.mode == "llm" and report.extras["commentary"] == text
    assert report.as_dict()["commentary"] == text
    offline = review(MetricCoach(services.coach_context()), SALES_ONLY)
    assert results(report) == results(offline)  # the model never changes the judgement


def test_model_failures_fall_back_to_the_offline_review(services) -> None:
    class Broken(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            raise ConnectionError("refused")

    down = review(_coach_with(services, Broken(messages=iter([]))), SALES_ONLY)
    assert down.mode == "offline" and "not reachable" in down.extras["notice"]
    garbage = GenericFakeChatModel(
        messages=iter([AIMessage(content="這是中文的評論，不是英文。" * 3)])
    )
    wrong = review(_coach_with(services, garbage), SALES_ONLY)
    assert wrong.mode == "offline" and "unusable" in wrong.extras["notice"]
    assert "commentary" not in wrong.extras
    echo = GenericFakeChatModel(messages=iter([AIMessage(content="Account: Riverbend Health")]))
    echoed = review(_coach_with(services, echo), SALES_ONLY)
    assert echoed.mode == "offline" and "unusable" in echoed.extras["notice"]


# --- agreement with labelled sets ---


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


# --- the CLI ---


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    return CliRunner()


def test_cli_json_and_exports(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _file(tmp_path, {"account": ACCOUNT, "kpis": SALES_ONLY})
    out_csv, out_md = tmp_path / "out" / "scorecard.csv", tmp_path / "out" / "review.md"
    result = cli_env.invoke(
        app,
        ["coach", "metrics", str(path), "--json", "--csv", str(out_csv), "--markdown", str(out_md)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 <= data["score"] <= 1 and data["kind"] == "metrics"
    assert {"name", "result", "evidence"} <= set(data["criteria"][0])
    assert data["feedback"] and isinstance(data["citations"], list)
    assert len(data["scorecard"]) == 3 and data["suggestions"]
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM for spreadsheet programs
    assert out_md.read_text(encoding="utf-8").startswith("# KPI scorecard review")


def test_cli_text_output_in_chinese(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _file(tmp_path, {"account": ZH_ACCOUNT, "kpis": ZH_KPIS})
    result = cli_env.invoke(app, ["coach", "metrics", str(path)])
    assert result.exit_code == 0, result.output
    assert "KPI 指標組合檢視" in result.stdout and "✓" in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ("kpis: [\n", "not valid YAML"),
        ({"account": ACCOUNT, "kpis": []}, "'kpis' is empty"),
        ({"account": ACCOUNT, "kpis": [{"definition": "x"}]}, "'name' is required"),
        ({"account": ACCOUNT, "kpis": [{"name": "qwzx plorb"}]}, "reads like a measure"),
    ],
)
def test_cli_bad_input(tmp_path: Path, cli_env: CliRunner, content, message: str) -> None:
    result = cli_env.invoke(app, ["coach", "metrics", str(_file(tmp_path, content))])
    assert result.exit_code == 1
    assert "error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_cli_refuses_unknown_access_and_missing_file(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _file(tmp_path, {"account": ACCOUNT, "kpis": SALES_ONLY})
    bad = cli_env.invoke(app, ["coach", "metrics", str(path), "--access", "secret"])
    assert bad.exit_code == 2 and "--access must be" in bad.output
    gone = cli_env.invoke(app, ["coach", "metrics", str(tmp_path / "nope.yaml")])
    assert gone.exit_code == 1 and "file not found" in gone.output


# --- integration: the real multilingual encoder and a real llama.cpp server ---

CRITERIA = [
    c["id"]
    for c in yaml.safe_load((ROOT / "prompts/rubrics/kpi_set.yaml").read_text(encoding="utf-8"))[
        "criteria"
    ]
]
BAR = 0.85
# The holdout (16 sets written after the checks were frozen, run once; see evals/README.md)
# measures generalisation: seven criteria held 0.88-1.00, lifecycle_fit and objective_link 0.75.
# It is kept as a floor; the bar holds on dev and on all labelled sets together.
HOLDOUT_FLOOR = 0.75


@pytest.fixture(scope="module")
def agreement(tmp_path_factory: pytest.TempPathFactory):
    """Dev and holdout agreement with the real multilingual encoder (USE); the knowledge base is
    not needed for the criteria, so the index stays empty."""
    from assistant.embeddings.encoders import build_embeddings

    built, _ = make_services(tmp_path_factory.mktemp("agreement") / "data")
    context = built.coach_context()
    context.encoder = build_embeddings("use")
    coach = MetricCoach(context)
    yield {"dev": run_agreement(coach, DEV), "holdout": run_agreement(coach, HOLDOUT)}
    built.close()


@pytest.mark.integration
@pytest.mark.parametrize("criterion", CRITERIA)
def test_dev_agreement_reaches_the_bar(agreement, criterion: str) -> None:
    found = agreement["dev"]
    assert found.per_criterion[criterion] >= BAR, [
        d for d in found.disagreements if d["criterion"] == criterion
    ]


@pytest.mark.integration
@pytest.mark.parametrize("criterion", CRITERIA)
def test_holdout_floor_and_bar_over_all_labelled_sets(agreement, criterion: str) -> None:
    holdout = agreement["holdout"]
    assert holdout.per_criterion[criterion] >= HOLDOUT_FLOOR, [
        d for d in holdout.disagreements if d["criterion"] == criterion
    ]
    total = sum(
        sum(criterion in item.labels for item in load_labelled_sets(path))
        for path in (DEV, HOLDOUT)
    )
    wrong = sum(
        sum(d["criterion"] == criterion for d in agreement[name].disagreements)
        for name in ("dev", "holdout")
    )
    assert total >= 20 and 1 - wrong / total >= BAR, (criterion, wrong, total)


@pytest.mark.integration
def test_real_model_commentary_and_server_loss(local_settings, tmp_path: Path) -> None:  # noqa: F811
    from assistant.llm import stop_local_servers
    from assistant.services import build_services
    from tests.support.fakes import CountingHashEmbeddings

    settings = local_settings.model_copy(
        update={"data_dir": tmp_path / "data", "embeddings": "hash", "llm_max_tokens": 80}
    )
    built = build_services(settings, CountingHashEmbeddings())
    try:
        coach = MetricCoach(built.coach_context())
        offline = results(review(MetricCoach(_offline(built)), SALES_ONLY))
        report = review(coach, SALES_ONLY)
        assert results(report) == offline  # the model comments; it never judges
        # SmolLM2-135M may write usable English or not: either it is shown, or a notice says why.
        if report.mode == "llm":
            assert len(report.extras["commentary"]) >= 20
        else:
            assert report.extras["notice"]
        stop_local_servers()
        down = review(coach, SALES_ONLY)
        assert down.mode == "offline" and "not reachable" in down.extras["notice"]
        assert results(down) == offline
    finally:
        built.close()


def _offline(built):
    context = built.coach_context()
    context.chat_model = None
    return context
