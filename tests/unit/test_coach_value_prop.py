"""The value proposition coach: account validation, offline checks, feedback with citations,
canvas, LLM rewrite (scripted and real llama.cpp), CLI, and agreement with labelled drafts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.coaching.common.account import AccountFileError, AccountProfile, load_coach_file
from assistant.coaching.common.context import CoachContext
from assistant.coaching.value_prop.canvas import ValuePropCanvas
from assistant.coaching.value_prop.checks import split_units
from assistant.coaching.value_prop.coach import ValuePropCoach, ValuePropInputError, parse_input
from assistant.coaching.value_prop.evaluation import load_labelled, run_agreement
from assistant.coaching.value_prop.rewrite import RewriteError, new_figures
from assistant.coaching.value_prop.roles import role_phrases
from assistant.coaching.value_prop.rubric import load_rubric
from assistant.errors import KamError
from assistant.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary
from assistant.retrieval.search import SearchFilters
from tests.support.factories import write
from tests.support.fakes import make_services

EVALS = Path(__file__).resolve().parents[2] / "evals" / "coaching"

ACCOUNT = {
    "name": "Riverbend Health Network",
    "type": "IDN",
    "level": 3,
    "stakeholders": [
        {"role": "Chief Financial Officer", "concerns": ["budget predictability"]},
        "P&T committee chair",
        {"role": "Director of care management"},
    ],
    "objectives": ["Reduce 30-day heart failure readmissions", "Shift follow-up care to clinics"],
    "pain_points": ["Readmission penalties"],
}
STRONG = (
    "Riverbend wants to cut 30-day heart failure readmissions and shift follow-up care to its "
    "clinics. We propose a nurse-led discharge follow-up programme run by an independent vendor, "
    "with our medicine used within its approved indication. For the CFO, our budget impact model "
    "on Riverbend's own data shows costs offset by avoided readmission penalties. For the P&T "
    "committee, the phase III data. For care management, a discharge checklist. Success "
    "measures: readmission rate down from 21% to 17% within 12 months, reviewed quarterly. For "
    "our company, the partnership means a place in the network's heart failure pathway."
)
WEAK = "Our new tablet is once daily and well tolerated. We would like it added to your formulary."
ZH_ACCOUNT = {
    "name": "安和醫療體系",
    "type": "醫院集團",
    "level": 2,
    "stakeholders": ["藥劑部主任", "財務長"],
    "objectives": ["縮短病人從診斷到開始治療的時間"],
    "pain_points": ["輸注室排程壅塞"],
}
ZH_DRAFT = (
    "安和醫療體系希望縮短病人從診斷到開始治療的時間。我們建議聯合照護路徑計畫，在核准適應症內使用本公司的皮下注射劑型，"
    "紓解輸注室排程壅塞。對藥劑部主任，我們提供調劑作業指引；對財務長，我們以貴院成本建立預算衝擊模型。"
    "目標是六個月內等候天數由 21 天降至 14 天。對本公司而言，這可讓產品納入標準治療路徑。"
)

BEST_PRACTICE_MD = """---
title: Value proposition best practice
doc_type: best_practice
language: en
access: public
source: test
date: 2026-01-01
---
# Value proposition best practice

## Stakeholders
Give each stakeholder of the decision-making unit the message that matters to them: finance
wants budget impact, pharmacy wants formulary evidence.

## Measures of success
Agree measures of success with the account: a KPI, its baseline, a target and a time frame.
"""
INTERNAL_MD = """---
title: Internal value proposition notes
doc_type: playbook
language: en
access: internal
source: test
date: 2026-01-01
---
# Internal value proposition notes

## Stakeholders and measures
Internal: each stakeholder of the decision-making unit gets measures of success, a KPI,
baseline, target and time frame, and the budget impact for finance.
"""


@pytest.fixture
def services(tmp_path: Path):
    built, _ = make_services(tmp_path / "data")
    yield built
    built.close()


@pytest.fixture
def coach(services) -> ValuePropCoach:
    return ValuePropCoach(services.coach_context())


@pytest.fixture
def kb(tmp_path: Path, services) -> None:
    write(tmp_path / "kb" / "best-practice.md", BEST_PRACTICE_MD)
    write(tmp_path / "kb" / "internal.md", INTERNAL_MD)
    services.ingestor.ingest([tmp_path / "kb"], "kb")


def results(report) -> dict[str, str]:
    return {c.id: c.result for c in report.criteria}


# --- the account profile and the input file ---


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("IDN", "health_system"),
        ("Health System", "health_system"),
        ("payor", "payer"),
        ("Pharmacy Chain", "pharmacy_chain"),
        ("hospital-chain", "hospital_chain"),
        ("醫院集團", "hospital_chain"),
        ("distributor", "wholesaler"),
    ],
)
def test_account_type_aliases(spelling: str, expected: str) -> None:
    assert AccountProfile.from_mapping({"type": spelling, "level": 1}).type == expected


def test_account_fields_are_normalised() -> None:
    account = AccountProfile.from_mapping(
        {
            "type": "payer",
            "level": "Level 2",
            "stakeholders": ["CFO", {"role": "Medical director", "concerns": "outcomes"}],
            "objectives": "Predictable spend",
            "lifecycle_stage": "LOE",
        }
    )
    assert account.level == 2
    assert account.stakeholder_roles() == ["CFO", "Medical director"]
    assert account.stakeholders[1].concerns == ["outcomes"]
    assert account.objectives == ["Predictable spend"] and account.pain_points == []
    assert account.lifecycle_stage == "loss_of_exclusivity"


@pytest.mark.parametrize(
    "account, message",
    [
        ({"level": 2}, "account.type: is required"),
        ({"type": "clinic", "level": 2}, "'clinic' is not a known account type"),
        ({"type": "payer", "level": 4}, "account.level: must be 1, 2 or 3"),
        ({"type": "payer", "level": 0}, "account.level: must be 1, 2 or 3"),
        ({"type": "payer", "level": True}, "account.level: must be 1, 2 or 3"),
        ({"type": "payer", "level": 1, "budget": 3}, "account.budget: is not a known field"),
        ({"type": "payer", "level": 1, "lifecycle_stage": "old"}, "account.lifecycle_stage"),
        ("payer", "must be a mapping"),
    ],
)
def test_bad_accounts_get_clear_messages(account, message: str) -> None:
    with pytest.raises(AccountFileError, match=message):
        AccountProfile.from_mapping(account, "file.yaml")


@pytest.mark.parametrize(
    "content, message",
    [
        ("account: [unclosed\n", "not valid YAML"),
        ("", "the file is empty"),
        ("- just\n- a list\n", "expected a YAML mapping"),
    ],
)
def test_bad_files_get_clear_messages(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "vp.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AccountFileError, match=message):
        load_coach_file(path)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(AccountFileError, match="file not found"):
        load_coach_file(tmp_path / "nope.yaml")
    binary = tmp_path / "vp.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(AccountFileError, match="not a text file"):
        load_coach_file(binary)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"account": ACCOUNT}, "'draft' is missing"),
        ({"account": ACCOUNT, "draft": "   \n "}, "the draft is empty"),
        ({"account": ACCOUNT, "draft": ["a", "b"]}, "'draft' must be text"),
        ({"draft": STRONG}, "'account' is missing"),
        ({"account": ACCOUNT, "draft": STRONG, "notes": "x"}, "unknown field"),
        ({"account": ACCOUNT, "draft": "x" * 20_001}, "keep it under"),
    ],
)
def test_bad_value_prop_input(data, message: str) -> None:
    with pytest.raises(ValuePropInputError, match=message):
        parse_input(data, "vp.yaml")


# --- rubric and wording files ---


def test_rubric_loads_with_both_languages() -> None:
    rubric = load_rubric(PromptLibrary())
    assert len(rubric.ids) >= 8 and rubric.compliance_criterion in rubric.ids
    for criterion in rubric.criteria:
        assert criterion.weight > 0
        assert criterion.name("en") and criterion.name("zh-Hant") != criterion.name("en")
        assert criterion.search["en"] and criterion.search["zh-Hant"]


def _prompts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    for path in DEFAULT_PROMPTS_DIR.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(DEFAULT_PROMPTS_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return folder


def test_broken_rubric_and_messages_are_named(tmp_path: Path, services) -> None:
    folder = _prompts_copy(tmp_path)
    rubric_path = folder / "rubrics" / "value_proposition.yaml"
    text = rubric_path.read_text(encoding="utf-8")
    rubric_path.write_text(
        text.replace("when: [[account_gain, company_gain]]", "when: [[account_gain, nothing]]"),
        encoding="utf-8",
    )
    with pytest.raises(KamError, match="unknown cue groups"):
        load_rubric(PromptLibrary(folder))
    rubric_path.write_text(text, encoding="utf-8")
    messages = folder / "value_prop_messages.yaml"
    table = yaml.safe_load(messages.read_text(encoding="utf-8"))
    del table["zh-Hant"]["summary"]
    messages.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    context = services.coach_context()
    context.library = PromptLibrary(folder)
    with pytest.raises(KamError, match="keys not in both languages"):
        ValuePropCoach(context)


# --- offline checks ---


def test_units_split_sentences_clauses_and_bullets() -> None:
    units = split_units("- First point; second point.\n2. Third point。第四點；第五點")
    assert units == ["First point", "second point.", "Third point。", "第四點；", "第五點"]


def test_role_phrases_use_core_words_and_synonyms() -> None:
    criterion = next(
        c for c in load_rubric(PromptLibrary()).criteria if c.id == "stakeholder_tailoring"
    )
    assert "care management" in role_phrases("Director of care management", criterion)
    cfo = role_phrases("Chief Financial Officer", criterion)
    assert "cfo" in cfo and "finance director" in cfo
    assert "藥劑部" in role_phrases("藥劑部主任", criterion)


def test_cue_groups_match_by_exemplar_similarity() -> None:
    from assistant.coaching.value_prop.checks import ValuePropChecker
    from assistant.coaching.value_prop.rubric import CueGroup
    from assistant.embeddings.encoders import HashEmbeddings

    checker = ValuePropChecker(load_rubric(PromptLibrary()), HashEmbeddings())
    exemplar = "We hold a joint demand forecasting meeting every month."
    group = CueGroup("forecast", (), (), (exemplar,), 0.9)
    draft = f"Our tablet is small. {exemplar} Prices are fair."
    assert checker.group_units("test", group, draft) == [exemplar]
    assert checker.group_units("test", group, "Our tablet is small. Prices are fair.") == []


def test_strong_draft_meets_the_rubric_with_evidence(coach: ValuePropCoach) -> None:
    report = coach.review(ACCOUNT, STRONG, cite=False)
    got = results(report)
    assert got == {criterion: "met" for criterion in got}
    assert report.language == "en" and report.kind == "value_proposition"
    assert report.score == pytest.approx(1.0)
    for criterion in report.criteria:
        if criterion.id != "compliant":
            assert criterion.evidence and criterion.evidence.split(" … ")[0] in STRONG


def test_weak_draft_scores_low_with_specific_feedback(coach: ValuePropCoach) -> None:
    weak = coach.review(ACCOUNT, WEAK, cite=False)
    strong = coach.review(ACCOUNT, STRONG, cite=False)
    got = results(weak)
    for criterion in ("grounded", "beyond_product", "stakeholder_tailoring", "measurable"):
        assert got[criterion] == "missing", criterion
    assert got["compliant"] == "met"
    assert weak.score < 0.3 < strong.score
    grounded = next(c for c in weak.criteria if c.id == "grounded")
    assert "Reduce 30-day heart failure readmissions" in grounded.feedback
    assert weak.feedback[0].startswith("Overall ")
    questions = weak.extras["next_questions"]
    assert any("Chief Financial Officer" in q for q in questions)
    assert any("Readmission penalties" in q for q in questions)


def test_chinese_draft_gets_chinese_feedback(coach: ValuePropCoach) -> None:
    report = coach.review(ZH_ACCOUNT, ZH_DRAFT, cite=False)
    assert report.language == "zh-Hant"
    got = results(report)
    assert got["grounded"] == "met" and got["stakeholder_tailoring"] == "met"
    assert got["measurable"] == "met" and got["mutual_value"] == "met"
    assert report.criteria[0].name == "立基於客戶自己的目標"
    assert report.feedback[0].startswith("整體")
    assert all("的" in q or "？" in q for q in report.extras["next_questions"])


@pytest.mark.parametrize(
    "draft",
    [
        "Doctors can also prescribe it for children, although it is not approved for them.",
        "We will pay a bonus to the pharmacists for every pack they dispense above target.",
        "If the committee lists our drug, we will sponsor their trip to the congress.",
        "We guarantee that every patient will be in remission within six months.",
        "Unlike RivalPharm, whose tablets are unsafe, our medicine is modern.",
        "雖然仿單外的族群還沒核准，醫師也可以使用。",
        "只要門市優先推薦本公司的藥，每多調劑一盒就提供回饋金。",
        "我們的藥保證所有病人三個月內達標，完全沒有副作用。",
    ],
)
def test_non_compliant_drafts_are_missing_and_capped(coach: ValuePropCoach, draft: str) -> None:
    report = coach.review(ACCOUNT, f"{STRONG} {draft}", cite=False)
    assert results(report)["compliant"] == "missing"
    assert report.score <= 0.35 + 1e-9
    compliance = next(c for c in report.criteria if c.id == "compliant")
    assert compliance.evidence  # the offending sentence is quoted


def test_superlatives_are_partly_and_compliant_text_is_met(coach: ValuePropCoach) -> None:
    superlative = coach.review(ACCOUNT, f"{STRONG} It is the safest option.", cite=False)
    assert results(superlative)["compliant"] == "partly"
    negated = f"{STRONG} No fee is paid and nothing is linked to prescribing."
    assert results(coach.review(ACCOUNT, negated, cite=False))["compliant"] == "met"


def test_no_objectives_caps_grounding_at_partly(coach: ValuePropCoach) -> None:
    account = {**ACCOUNT, "objectives": [], "pain_points": []}
    report = coach.review(account, STRONG, cite=False)
    assert results(report)["grounded"] in ("partly", "missing")
    assert any("no objectives" in line for line in report.feedback)


def test_account_name_is_not_a_stakeholder(coach: ValuePropCoach) -> None:
    account = {**ACCOUNT, "name": "Central Logistics", "stakeholders": ["Logistics director"]}
    draft = "Central Logistics wants fewer stockouts; we propose joint forecasting."
    assert results(coach.review(account, draft, cite=False))["stakeholder_tailoring"] == "missing"
    ours = "For us, our logistics team will run joint forecasting."
    assert results(coach.review(account, ours, cite=False))["stakeholder_tailoring"] == "missing"


# --- citations, access and the canvas ---


def test_gaps_cite_public_passages_only(services, kb) -> None:
    coach = ValuePropCoach(services.coach_context(SearchFilters(access=("public",))))
    report = coach.review(ACCOUNT, WEAK)
    assert report.citations
    assert [c.n for c in report.citations] == list(range(1, len(report.citations) + 1))
    assert all(c.passage.access == "public" for c in report.citations)
    cited = {f"[{c.n}]" for c in report.citations}
    assert cited <= {part for line in report.feedback for part in line.split() if part[0] == "["}
    data = report.as_dict()
    assert {"source", "section", "quote", "reason"} <= set(data["citations"][0])


def test_without_filters_internal_passages_may_be_cited(services, kb) -> None:
    report = ValuePropCoach(services.coach_context()).review(ACCOUNT, WEAK)
    assert any(c.passage.access == "internal" for c in report.citations)


def test_canvas_is_filled_and_exported(coach: ValuePropCoach) -> None:
    report = coach.review(ACCOUNT, STRONG, cite=False)
    canvas = ValuePropCanvas.from_dict(report.extras["canvas"])
    assert canvas.as_dict() == report.extras["canvas"]
    assert canvas.account_type == "health_system" and canvas.level == 3
    assert [item.taken_up for item in canvas.jobs] == [True, True]
    assert canvas.services and canvas.measures and canvas.company_value and canvas.evidence
    assert canvas.stakeholders["Chief Financial Officer"].startswith("For the CFO")
    markdown = coach.canvas_markdown(report)
    assert markdown.startswith("# Value proposition canvas: Riverbend Health Network")
    assert "- [x] Reduce 30-day heart failure readmissions" in markdown
    assert "## Message per stakeholder" in markdown and "**P&T committee chair**" in markdown

    weak = coach.review(ACCOUNT, WEAK, cite=False)
    weak_md = coach.canvas_markdown(weak)
    assert "- [ ] Readmission penalties" in weak_md and "(to write)" in weak_md
    zh = coach.canvas_markdown(coach.review(ZH_ACCOUNT, ZH_DRAFT, cite=False))
    assert zh.startswith("# 價值主張畫布：安和醫療體系") and "## 各決策成員的訊息" in zh


# --- the LLM rewrite ---


class RecordingModel(GenericFakeChatModel):
    """A scripted chat model that keeps the prompts it was sent."""

    seen: list = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(messages)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


def _coach_with(services, model) -> ValuePropCoach:
    context: CoachContext = services.coach_context()
    context.chat_model = model
    return ValuePropCoach(context)


def test_rewrite_with_a_scripted_model(services) -> None:
    reply = f"Here is the rewrite:\n```\n{STRONG} We expect 42 fewer admissions.\n```"
    model = RecordingModel(messages=iter([AIMessage(content=reply)]), seen=[])
    rewritten = _coach_with(services, model).rewrite(ACCOUNT, WEAK)
    assert rewritten.text.startswith("Riverbend wants") and "```" not in rewritten.text
    assert rewritten.review.mode == "llm"
    assert rewritten.review.score > rewritten.original_score
    # 21 and 17 are new too (the weak draft has no figures); 30 is in the account profile
    assert {"42", "21", "17"} <= set(rewritten.new_figures) and "30" not in rewritten.new_figures
    system, user = model.seen[0]
    assert "compliant" in system.content.lower() or "compliance" in system.content.lower()
    assert WEAK in user.content and "objective: Reduce 30-day heart failure" in user.content
    assert rewritten.as_dict()["mode"] == "llm"


def test_rewrite_needs_a_model_and_reports_failures(services, coach: ValuePropCoach) -> None:
    with pytest.raises(RewriteError, match="needs a language model"):
        coach.rewrite(ACCOUNT, WEAK)

    class Broken(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            raise ConnectionError("refused")

    with pytest.raises(RewriteError, match="not reachable"):
        _coach_with(services, Broken(messages=iter([]))).rewrite(ACCOUNT, WEAK)
    empty = GenericFakeChatModel(messages=iter([AIMessage(content="  ")]))
    with pytest.raises(RewriteError, match="empty rewrite"):
        _coach_with(services, empty).rewrite(ACCOUNT, WEAK)


def test_new_figures_ignore_known_numbers() -> None:
    assert new_figures("cut 21% to 17% by 2027, 1,200 beds", "from 21% to 17%", "1200") == ["2027"]


# --- the CLI ---


def _vp_file(tmp_path: Path, data) -> Path:
    path = tmp_path / "vp.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    return CliRunner()


def test_cli_json_and_canvas(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _vp_file(tmp_path, {"account": ACCOUNT, "draft": WEAK})
    canvas = tmp_path / "out" / "canvas.md"
    result = cli_env.invoke(
        app, ["coach", "value-prop", str(path), "--json", "--canvas", str(canvas)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 <= data["score"] <= 1
    assert {"name", "result", "evidence"} <= set(data["criteria"][0])
    assert data["feedback"] and isinstance(data["citations"], list)
    assert data["next_questions"] and data["canvas"]["account_type"] == "health_system"
    assert canvas.read_text(encoding="utf-8").startswith("# Value proposition canvas")


def test_cli_text_output(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _vp_file(tmp_path, {"account": ZH_ACCOUNT, "draft": ZH_DRAFT})
    result = cli_env.invoke(app, ["coach", "value-prop", str(path)])
    assert result.exit_code == 0, result.output
    assert "分數" in result.stdout and "✓" in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        ({"account": ACCOUNT, "draft": ""}, "the draft is empty"),
        ({"account": {"level": 2}, "draft": WEAK}, "account.type: is required"),
        ({"account": {**ACCOUNT, "type": "spa"}, "draft": WEAK}, "not a known account type"),
        ({"account": {**ACCOUNT, "level": 7}, "draft": WEAK}, "must be 1, 2 or 3"),
        ("account: {type: payer\ndraft: [", "not valid YAML"),
    ],
)
def test_cli_bad_input(tmp_path: Path, cli_env: CliRunner, content, message: str) -> None:
    result = cli_env.invoke(app, ["coach", "value-prop", str(_vp_file(tmp_path, content))])
    assert result.exit_code == 1
    assert "error: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_cli_rewrite_offline_and_bad_access(tmp_path: Path, cli_env: CliRunner) -> None:
    path = _vp_file(tmp_path, {"account": ACCOUNT, "draft": WEAK})
    offline = cli_env.invoke(app, ["coach", "value-prop", str(path), "--rewrite"])
    assert offline.exit_code == 1 and "needs a language model" in offline.output
    bad = cli_env.invoke(app, ["coach", "value-prop", str(path), "--access", "secret"])
    assert bad.exit_code == 2 and "--access must be public or internal" in bad.output


# --- agreement with labelled drafts ---


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


# --- with the real multilingual encoder and the real llama.cpp server ---


@pytest.fixture(scope="module")
def real_coach(tmp_path_factory: pytest.TempPathFactory):
    from assistant.embeddings.encoders import build_embeddings

    built, _ = make_services(tmp_path_factory.mktemp("vp-real"))
    context = built.coach_context()
    context.encoder = build_embeddings("use").sentence_model()
    yield ValuePropCoach(context)
    built.close()


@pytest.mark.integration
def test_agreement_bar_with_the_real_encoder(real_coach: ValuePropCoach) -> None:
    """The bar (0.85 per criterion) holds on the dev set and on all 72 labelled drafts. The
    holdout (16 drafts written after the checks were frozen) measures generalisation: it held
    0.88-1.00 on seven criteria and 0.75 on compliance when first run; it is kept as a floor."""
    runs = {
        name: run_agreement(real_coach, EVALS / f"value_prop_{name}.yaml")
        for name in ("dev", "holdout")
    }
    for name, run in runs.items():
        floor = 0.85 if name == "dev" else 0.75
        below = {c: round(v, 3) for c, v in run.agreement.items() if v < floor}
        assert not below, f"{name}: below {floor} {below}; disagreements {run.disagreements}"
    labelled = {
        name: load_labelled(EVALS / f"value_prop_{name}.yaml", real_coach.rubric_ids)
        for name in runs
    }
    for criterion in real_coach.rubric_ids:
        total = sum(sum(criterion in item.labels for item in labelled[name].items) for name in runs)
        wrong = sum(
            sum(d["criterion"] == criterion for d in runs[name].disagreements) for name in runs
        )
        assert total >= 20 and 1 - wrong / total >= 0.85, (criterion, wrong, total)


@pytest.mark.integration
def test_rewrite_with_the_real_llama_server(tmp_path: Path, local_settings) -> None:  # noqa: F811
    from assistant.llm import build_chat_model, stop_local_servers

    settings = local_settings.model_copy(update={"llm_max_tokens": 60, "llm_context_size": 2048})
    built, _ = make_services(tmp_path / "data")
    context = built.coach_context()
    context.chat_model = build_chat_model(settings)
    coach = ValuePropCoach(context)
    account = {"type": "payer", "level": 2, "objectives": ["Predictable asthma spend"]}
    rewritten = coach.rewrite(account, "Our inhaler is good. Please list it.")
    assert rewritten.text.strip()
    assert rewritten.review.mode == "llm" and 0 <= rewritten.review.score <= 1
    assert {c.id for c in rewritten.review.criteria} == set(coach.rubric_ids)
    stop_local_servers()
    with pytest.raises(RewriteError, match="not reachable|failed"):
        coach.rewrite(account, "Our inhaler is good. Please list it.")
    built.close()
