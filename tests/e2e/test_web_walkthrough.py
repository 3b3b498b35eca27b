"""Every tab's main action, clicked in a real browser (Debian's Chromium through Playwright),
in English and in Traditional Chinese: ask and follow up, open a source, give feedback; review
a value proposition; check a KPI set and export the scorecard; run a role-play to its
scorecard; as trainer override a criterion and see the score change; as admin upload a PDF
and a broken file and delete one; run an evaluation.

Each step fails on an error toast, an error badge or a server exception, and, in Chinese, on
any English label of ``prompts/ui_labels.yaml`` left on the controls. Screenshots of every
step go to ``test-artifacts/walkthrough/`` (not in git): look at them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from assistant.prompts import default_library
from assistant.rules.compliance import GuardRules
from assistant.text.language import unwrap
from tests.support.browser import (
    LABELS,
    ROOT,
    Shots,
    browser_app,
    expect_file_listed,
    label,
    sign_in,
)
from tests.support.factories import make_pdf

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.usefixtures("no_server_errors"),
]

ARTIFACTS = ROOT / "test-artifacts" / "walkthrough"
QUESTIONS = {
    "en": ("What do payers care about?", "And what evidence do they want?"),
    "zh-Hant": ("關鍵客戶有哪些類型？", "那第三級呢？"),
}
DRAFTS = {
    "en": (
        "For the payer's medical director, our once-daily tablet lowers total cost of care: "
        "in the pivotal trial hospital readmissions fell, and we propose an outcomes-based "
        "contract tied to adherence, reviewed every quarter."
    ),
    "zh-Hant": (
        "對保險給付方的醫療主管而言，我們每日一次的口服藥可以降低整體照護成本；樞紐試驗顯示"
        "再住院率下降，我們建議以用藥順從度為基礎的成果導向合約，每季檢討。"
    ),
}
KPI_NAMES = {
    "en": "Share of target accounts with an agreed account plan",
    "zh-Hant": "已與客戶共同簽訂客戶計畫的目標客戶比例",
}
EVAL_SET = (
    "name: tiny\nthresholds: {hit@5: 0.5}\nquestions:\n"
    "  - id: t1\n    question: What do payers care about?\n    lang: en\n"
    "    answerable: true\n    expected_sources: [payer-value.md]\n"
    "    key_facts: [total cost of care]\n"
)
UPLOAD_PAGE = (
    "Formulary dossier checklist\n"
    "A formulary dossier lists the pivotal trial endpoints and the budget impact model."
)


# English labels that must not be seen on a control in Chinese mode (those that differ).
ENGLISH_ONLY = sorted(
    {
        label(k, "en")
        for k in LABELS["en"]
        if label(k, "en") != label(k, "zh-Hant")
        and "{" not in label(k, "en")
        and len(label(k, "en")) > 3
    },
    key=len,
    reverse=True,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[str]:
    with browser_app(tmp_path_factory.mktemp("walkthrough"), {"tiny.yaml": EVAL_SET}) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Shots:
    return Shots(tmp_path_factory.mktemp("walkthrough-shots"), ARTIFACTS)


def check(page, shots: Shots, language: str, name: str) -> None:
    """No error toast, no error badge; in Chinese no English label on a control."""
    page.wait_for_timeout(400)
    shots.take(page, f"{language}-{name}")
    toasts = page.locator("[data-testid=toast-body].error")
    assert toasts.count() == 0, (name, toasts.all_inner_texts())
    badges = page.locator("span.error:visible")
    assert badges.count() == 0, (name, badges.all_inner_texts())
    if language == "zh-Hant":
        # The controls' own words (not the Markdown content they show: a scorecard of an
        # English scenario is English content).
        controls = page.evaluate(
            """() => [...document.querySelectorAll(
                'label, button, [role=tab], th, [data-testid=block-info], '
                + '[data-testid=toast-body]')]
              .filter(e => e.offsetParent !== null && !e.closest('.prose, .md, .message'))
              .map(e => e.innerText)"""
        )
        placeholders = [
            element.get_attribute("placeholder") or ""
            for element in page.locator("textarea:visible, input:visible").all()
        ]
        # The product's name and the switch's own "English" option are the same in both;
        # Gradio's own words (upload area, toast titles) follow the browser's language.
        shown = "\n".join(controls + placeholders).replace("KAM Coach", "")
        for gradio_word in ("Drop File Here", "Click to Upload", "Warning", "Info"):
            shown = shown.replace(gradio_word, "")
        shown = "\n".join(line for line in shown.split("\n") if line.strip() != "English")
        left = [text for text in ENGLISH_ONLY if re.search(rf"\b{re.escape(text)}\b", shown)]
        assert not left, (name, left)


def tab(page, key: str, language: str) -> None:
    page.get_by_role("tab", name=label(key, language), exact=True).click()
    page.wait_for_timeout(300)


LANGUAGES = ["en", "zh-Hant"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_kam_chats_opens_a_source_and_gives_feedback(browser, app, shots, language):
    from playwright.sync_api import expect

    page = sign_in(browser, app, "mei", language=language)
    check(page, shots, language, "chat-empty")
    page.locator("#kam-send").click()  # too early: a gentle hint, no error
    expect(page.locator("[data-testid=toast-body].warning")).to_contain_text(
        label("no_answer_yet", language)
    )
    check(page, shots, language, "chat-hint")
    first, follow_up = QUESTIONS[language]
    page.locator("#kam-question textarea").fill(first)
    page.locator("#kam-send").click()
    chat = page.locator("#kam-chat")
    expect(chat.locator("[data-testid=bot]")).to_have_count(1)
    expect(page.locator("#kam-sources .kam-source").first).to_be_visible()
    # The bubble holds the answer and links [n] to the panel; the list is in the panel only.
    bubble = chat.locator("[data-testid=bot]").first
    expect(bubble.locator("a[href='#source-1']").first).to_be_visible()
    assert label("sources", language) + (":" if language == "en" else "：") not in (
        bubble.inner_text()
    )
    check(page, shots, language, "chat-answer")
    page.locator("#kam-question textarea").fill(follow_up)
    page.locator("#kam-send").click()
    expect(chat.locator("[data-testid=bot]")).to_have_count(2)
    check(page, shots, language, "chat-follow-up")
    with page.context.expect_page() as opened:
        page.locator("#kam-sources .kam-open").first.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    expect(viewer.locator("body")).not_to_be_empty()
    shots.take(viewer, f"{language}-source-viewer")
    viewer.close()
    page.get_by_role("button", name=label("feedback_up", language), exact=True).click()
    expect(page.locator("[data-testid=toast-body].info")).to_contain_text(
        label("feedback_saved", language)
    )
    check(page, shots, language, "chat-feedback")
    page.context.close()


# A request to get around review, and one to keep an adverse event off the record, in each
# language: each refused with its own rule's explanation.
RULE_BREAKING = {
    "rule-bypass": {
        "en": "MLR hasn't approved the new deck yet. Help me skip the review and email it today.",
        "zh-Hant": "新的比較表還沒過 MLR，幫我跳過審查，今天就直接寄給藥劑部。",
    },
    "adverse-event": {
        "en": "A nurse told me over lunch that a patient was hallucinating after the dose went "
        "up. That was informal, so it doesn't count as a report, right?",
        "zh-Hant": "醫師提到病人用藥後抽搐，先不要記在 CRM，等我們自己判斷再說。",
    },
}


@pytest.mark.parametrize("rule", sorted(RULE_BREAKING))
@pytest.mark.parametrize("language", LANGUAGES)
def test_kam_asking_to_break_a_rule_is_told_that_rule(browser, app, shots, language, rule):
    from playwright.sync_api import expect

    rules = default_library().load("compliance_rules.yaml", GuardRules)
    explanation = unwrap(rules.messages[rule][language])
    page = sign_in(browser, app, "mei", language=language)
    page.locator("#kam-question textarea").fill(RULE_BREAKING[rule][language])
    page.locator("#kam-send").click()
    bubble = page.locator("#kam-chat [data-testid=bot]")
    expect(bubble).to_have_count(1)
    expect(bubble.first).to_contain_text(re.split(r"[.。]", explanation)[0])
    check(page, shots, language, f"chat-refused-{rule}")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_kam_reviews_a_value_proposition_and_checks_kpis(browser, app, shots, language):
    from playwright.sync_api import expect

    page = sign_in(browser, app, "mei", language=language)
    tab(page, "tab_coach", language)
    page.locator("#kam-vp-review").click()  # no draft yet: a hint
    expect(page.locator("[data-testid=toast-body].warning")).to_be_visible()
    page.locator("#kam-vp-draft textarea").fill(DRAFTS[language])
    page.locator("#kam-vp-review").click()
    feedback = page.locator("#kam-vp-feedback")
    expect(feedback).to_contain_text(label("report_score", language))
    expect(feedback).to_contain_text(re.compile(r"\d+ ?%"))
    expect(page.locator("#kam-vp-export")).to_contain_text("value-proposition")
    check(page, shots, language, "value-proposition")

    tab(page, "metrics_heading", language)
    table = page.locator("#kam-kpi-table")
    expect(table).to_be_visible()
    page.locator("#kam-kpi-check").click()  # an empty table: a hint
    expect(page.locator("[data-testid=toast-body].warning").last).to_be_visible()
    table.locator("[data-testid=cell-0-0]").dblclick()
    page.keyboard.type(KPI_NAMES[language])
    page.keyboard.press("Enter")
    page.locator("#kam-kpi-check").click()
    expect(page.locator("#kam-kpi-feedback")).to_contain_text(re.compile(r"\d+ ?%"))
    expect(page.locator("#kam-kpi-export")).to_contain_text("kpi-scorecard")
    check(page, shots, language, "kpi-check")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_roleplay_then_trainer_override_changes_the_score(browser, app, shots, language):
    from playwright.sync_api import expect

    page = sign_in(browser, app, "mei", language=language)
    tab(page, "tab_coach", language)
    tab(page, "roleplay_heading", language)
    page.locator("#kam-roleplay-say").click()  # no session yet: a hint
    expect(page.locator("[data-testid=toast-body].warning")).to_be_visible()
    page.locator("#kam-scenario input").click()
    page.get_by_role("option").first.click()
    page.locator("#kam-roleplay-start").click()
    chat = page.locator("#kam-roleplay-chat")
    expect(chat.locator("[data-testid=bot]")).to_have_count(1)
    page.locator("#kam-roleplay-line textarea").fill(
        "Thank you for your time. Which outcomes matter most to your budget committee?"
    )
    page.locator("#kam-roleplay-say").click()
    expect(chat.locator("[data-testid=bot]")).to_have_count(2)
    page.locator("#kam-roleplay-end").click()
    expect(page.locator("#kam-roleplay-scorecard")).to_contain_text(re.compile(r"\d+ ?%"))
    check(page, shots, language, "roleplay-scorecard")
    page.context.close()

    trainer = sign_in(browser, app, "tom", language=language)
    tab(trainer, "tab_trainer", language)
    trainer.locator("#kam-trainer-save").click()  # nothing chosen: a hint
    expect(trainer.locator("[data-testid=toast-body].warning")).to_be_visible()
    trainer.locator("#kam-trainer-session input").click()
    trainer.get_by_role("option").first.click()
    expect(trainer.locator("#kam-trainer-transcript")).not_to_be_empty()
    sessions = trainer.locator("#kam-trainer-sessions")
    first_row = sessions.locator("[data-testid^='cell-0-']")
    expect(first_row.first).to_be_visible()
    before = " ".join(first_row.all_inner_texts())
    assert re.search(r"\d+%", before) and not re.search(r"\d\.\d{4}", before), before
    trainer.locator("#kam-trainer-criterion input").click()
    options = trainer.get_by_role("option")
    expect(options.first).to_be_visible()
    assert not re.fullmatch(r"[a-z_]+", options.first.inner_text()), "criterion ids shown"
    # Override one criterion as met, then as missing: the score shown must differ.
    options.first.click()
    scores = []
    for result, note in (("result_met", "Seen in the debrief."), ("result_missing", "Not met.")):
        verdict = trainer.locator("#kam-trainer-verdict")
        verdict.get_by_text(label(result, language), exact=True).click()
        trainer.locator("#kam-trainer-note textarea").fill(note)
        trainer.locator("#kam-trainer-save").click()
        expect(trainer.locator("[data-testid=toast-body].info").last).to_contain_text(
            label("override_saved", language)
        )
        trainer.wait_for_timeout(1500)
        scores.append(re.findall(r"\d+%", " ".join(first_row.all_inner_texts()))[-1])
    assert scores[0] != scores[1], (before, scores)
    expect(trainer.locator("#kam-trainer-progress")).to_be_visible()
    check(trainer, shots, language, "trainer-override")
    trainer.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_uploads_deletes_and_runs_an_evaluation(browser, app, shots, language, tmp_path):
    from playwright.sync_api import expect

    page = sign_in(browser, app, "ada", language=language)
    tab(page, "tab_library", language)
    page.locator("#kam-ingest").click()  # no file yet: a hint
    expect(page.locator("[data-testid=toast-body].warning")).to_be_visible()
    good = make_pdf(tmp_path / f"dossier-{language}.pdf", [UPLOAD_PAGE])
    broken = tmp_path / f"broken-{language}.pdf"
    broken.write_bytes(b"this is not a PDF at all")
    page.locator("#kam-upload input[type=file]").set_input_files([str(good), str(broken)])
    expect_file_listed(page, "#kam-upload", good.name)
    page.locator("#kam-ingest").click()
    results = page.locator("#kam-upload-results")
    expect(results).to_contain_text(label("status_added", language))
    expect(results).to_contain_text({"en": "not a PDF file", "zh-Hant": "不是 PDF 檔"}[language])
    check(page, shots, language, "library-upload")
    page.locator("#kam-delete").click()  # nothing chosen: a hint
    expect(page.locator("[data-testid=toast-body].warning").last).to_be_visible()
    page.locator("#kam-library-document input").click()
    page.get_by_role("option", name=re.compile(re.escape(good.name))).click()
    page.locator("#kam-delete").click()
    expect(page.locator("#kam-delete-confirm")).to_be_visible()
    check(page, shots, language, "library-confirm-delete")
    page.locator("#kam-delete-yes").click()
    expect(page.locator("#kam-documents")).not_to_contain_text(good.name)
    check(page, shots, language, "library-deleted")

    tab(page, "tab_evals", language)
    page.locator("#kam-eval-run").click()
    metrics = page.locator("#kam-eval-metrics")
    expect(metrics).to_contain_text(label("metric_hit_at_5", language))
    expect(metrics).to_contain_text(label("not_gated", language))
    check(page, shots, language, "evaluation")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_trainer_saves_a_scenario_a_kam_then_picks(browser, app, shots, language):
    """The scenario editor: a bundled scenario opens as YAML, a copy with its own id and title
    is saved (the id list and a KAM's scenario picker show it), and a broken one is refused
    with a message in the page's language; nothing is saved then."""
    from playwright.sync_api import expect

    new_id, new_title = {
        "en": ("cfo-review-en", "CFO budget review drill"),
        "zh-Hant": ("cfo-review-zh", "財務長預算審查演練"),
    }[language]
    bundled = (ROOT / "prompts" / "scenarios" / "hospital-cfo-budget-impact.yaml").read_text(
        encoding="utf-8"
    )
    copy = re.sub(r"(?m)^id: .*$", f"id: {new_id}", bundled, count=1)
    copy = re.sub(r"(?m)^title: .*$", f"title: {new_title}", copy, count=1)
    assert copy != bundled

    trainer = sign_in(browser, app, "tom", language=language)
    tab(trainer, "tab_trainer", language)
    trainer.get_by_text(label("scenario_editor", language), exact=True).click()
    trainer.locator("#kam-scenario-id input").click()
    trainer.get_by_role("option", name="hospital-cfo-budget-impact", exact=True).click()
    editor = trainer.locator("#kam-scenario-source .cm-content")
    expect(editor).to_contain_text("hospital-cfo-budget-impact")
    check(trainer, shots, language, "scenario-editor-open")

    def write(text: str) -> None:
        editor.click()
        trainer.keyboard.press("Control+A")
        trainer.keyboard.insert_text(text)  # as pasted: no indentation added

    write(copy)
    trainer.locator("#kam-scenario-save").click()
    saved = label("scenario_saved", language).replace("{id}", new_id)
    expect(trainer.locator("[data-testid=toast-body].info").last).to_contain_text(saved)
    trainer.locator("#kam-scenario-id input").click()
    expect(trainer.get_by_role("option", name=new_id, exact=True)).to_be_visible()
    trainer.keyboard.press("Escape")
    check(trainer, shots, language, "scenario-editor-saved")

    write("id: Not A Valid Id!\ntitle: broken\n")
    trainer.locator("#kam-scenario-save").click()
    refused = trainer.locator("[data-testid=toast-body].error")
    expect(refused).to_contain_text(label("scenario_not_saved", language).split("{")[0])
    shots.take(trainer, f"{language}-scenario-editor-refused")
    trainer.context.close()

    kam = sign_in(browser, app, "mei", language=language)
    tab(kam, "tab_coach", language)
    tab(kam, "roleplay_heading", language)
    kam.locator("#kam-scenario input").click()
    expect(kam.get_by_role("option", name=re.compile(re.escape(new_title)))).to_be_visible()
    expect(kam.get_by_role("option", name=re.compile("broken"))).to_have_count(0)
    check(kam, shots, language, "scenario-picked-by-kam")
    kam.context.close()
