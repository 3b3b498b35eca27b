"""The Coach tab: three sub-tabs, the value proposition workbench, the metric designer and the
role-play. One function builds each sub-tab's layout; the ``_wire_*`` functions say what its
buttons do. (The Trainer tab, over the role-play sessions, is ``tabs/trainer.py``.)"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.coaching.common.account import ACCOUNT_TYPES
from assistant.ui import widgets
from assistant.ui.api import coach as coach_api
from assistant.ui.context import AppContext
from assistant.ui.labels import Labels
from assistant.ui.render import markdown_safe

STAGES = ["", "launch", "growth", "mature", "loss_of_exclusivity"]
ACCOUNT_TYPE_LABELS = {kind: f"account_{kind}" for kind in ACCOUNT_TYPES}
STAGE_LABELS = {stage: f"stage_{stage or 'none'}" for stage in STAGES}
RESULT_ICON = {"met": "✅", "partly": "🟡", "missing": "❌"}
KPI_HEADERS = [f"kpi_{field}" for field in coach_api.KPI_FIELDS]


@dataclass(frozen=True)
class ValuePropForm:
    account: list  # the account fields, in the order ``_account`` takes them
    draft: gr.Textbox
    review: gr.Button
    rewrite: gr.Checkbox
    feedback: gr.Markdown
    canvas: gr.Markdown
    export: gr.File


@dataclass(frozen=True)
class MetricsForm:
    account: list
    kpis: gr.Dataframe
    check: gr.Button
    feedback: gr.Markdown
    scorecard: gr.Dataframe
    export: gr.File


@dataclass(frozen=True)
class RolePlayPanel:
    session: gr.State  # the session id, None before start and after the end
    scenario: gr.Dropdown
    start: gr.Button
    dialogue: gr.Chatbot
    dialogue_state: gr.State  # what the Chatbot shows, kept on the server: never an input
    line: gr.Textbox
    say: gr.Button
    end: gr.Button
    result: gr.Markdown


def build_coach_tab(ctx: AppContext) -> list:
    """The three sub-tabs; returns the loaders the app runs when a page opens, as
    ``(handler, inputs, outputs)``."""
    labels = ctx.labels
    with gr.Tabs():
        with widgets.labelled(labels, gr.Tab, "vp_heading", elem_id="kam-tab-vp"):
            _wire_value_prop(ctx, _value_prop_form(labels))
        with widgets.labelled(labels, gr.Tab, "metrics_heading", elem_id="kam-tab-kpi"):
            _wire_metrics(ctx, _metrics_form(labels))
        with widgets.labelled(labels, gr.Tab, "roleplay_heading", elem_id="kam-tab-roleplay"):
            panel = _roleplay_panel(labels)
            _wire_roleplay(ctx, panel)
    return [(_scenario_loader(ctx), None, panel.scenario)]


# -- layout -----------------------------------------------------------------------------------


def _account_inputs(labels: Labels) -> list:
    """The account the coaching is about: two rows of fields."""
    with gr.Row():
        kind = widgets.choices(
            labels, gr.Dropdown, "account_type", ACCOUNT_TYPE_LABELS, value=ACCOUNT_TYPES[0]
        )
        level = widgets.labelled(labels, gr.Slider, "account_level", 1, 3, value=1, step=1)
        name = widgets.labelled(labels, gr.Textbox, "account_name")
        stage = widgets.choices(labels, gr.Dropdown, "lifecycle", STAGE_LABELS, value="")
    with gr.Row():
        stakeholders = widgets.labelled(labels, gr.Textbox, "stakeholders", lines=3)
        objectives = widgets.labelled(labels, gr.Textbox, "objectives", lines=3)
        pains = widgets.labelled(labels, gr.Textbox, "pain_points", lines=3)
    return [kind, level, name, stakeholders, objectives, pains, stage]


def _value_prop_form(labels: Labels) -> ValuePropForm:
    account = _account_inputs(labels)
    draft = widgets.labelled(labels, gr.Textbox, "draft", lines=6, elem_id="kam-vp-draft")
    with gr.Row():
        review = widgets.button(labels, "review", variant="primary", elem_id="kam-vp-review")
        rewrite = widgets.labelled(labels, gr.Checkbox, "rewrite")
    return ValuePropForm(
        account,
        draft,
        review,
        rewrite,
        feedback=gr.Markdown(elem_id="kam-vp-feedback"),
        canvas=widgets.labelled(labels, gr.Markdown, "canvas"),
        export=widgets.labelled(labels, gr.File, "export", elem_id="kam-vp-export"),
    )


def _metrics_form(labels: Labels) -> MetricsForm:
    columns = len(coach_api.KPI_FIELDS)
    return MetricsForm(
        account=_account_inputs(labels),
        kpis=widgets.table(
            labels,
            KPI_HEADERS,
            "kpi_table",
            value=[[""] * columns for _ in range(3)],
            row_count=(3, "dynamic"),
            column_count=(columns, "fixed"),
            interactive=True,
            wrap=True,
            elem_id="kam-kpi-table",
        ),
        check=widgets.button(labels, "check_kpis", variant="primary", elem_id="kam-kpi-check"),
        feedback=gr.Markdown(elem_id="kam-kpi-feedback"),
        scorecard=widgets.labelled(
            labels, gr.Dataframe, "scorecard", visible=False, wrap=True, elem_id="kam-kpi-scorecard"
        ),
        export=widgets.labelled(
            labels, gr.File, "export", file_count="multiple", elem_id="kam-kpi-export"
        ),
    )


def _roleplay_panel(labels: Labels) -> RolePlayPanel:
    session = gr.State(None)
    with gr.Row():
        scenario = widgets.labelled(labels, gr.Dropdown, "scenario", [], elem_id="kam-scenario")
        start = widgets.button(labels, "start_session", elem_id="kam-roleplay-start")
    dialogue = gr.Chatbot(height=380, elem_id="kam-roleplay-chat", show_label=False)
    dialogue_state = gr.State([])
    line = widgets.labelled(labels, gr.Textbox, "your_line", lines=2, elem_id="kam-roleplay-line")
    with gr.Row():
        say = widgets.button(labels, "say", variant="primary", elem_id="kam-roleplay-say")
        end = widgets.button(labels, "end_session", elem_id="kam-roleplay-end")
    result = gr.Markdown(elem_id="kam-roleplay-scorecard")
    return RolePlayPanel(session, scenario, start, dialogue, dialogue_state, line, say, end, result)


# -- events -----------------------------------------------------------------------------------


def _wire_value_prop(ctx: AppContext, form: ValuePropForm) -> None:
    """Review: the draft scored against the rubric (and rewritten if asked), the canvas, and
    the canvas (or the feedback) as a file."""

    @ctx.friendly
    def run_review(request: gr.Request, *values):
        *fields, text, wants_rewrite = values
        if not (text or "").strip():
            ctx.hint(request, "hint_draft")
            return gr.skip(), gr.skip(), gr.skip()
        result = coach_api.review_value_prop(
            ctx, ctx.user(request), _account(*fields), text, bool(wants_rewrite)
        )
        body = report_markdown(result, ctx.labels)
        if result.get("rewrite"):
            body += "\n\n**Rewrite**\n\n" + markdown_safe(str(result["rewrite"]["text"]))
        canvas_md = result.get("canvas_markdown", "")
        return (
            body,
            markdown_safe(canvas_md),
            _export(canvas_md or body, "value-proposition.md"),
        )

    form.review.click(
        run_review,
        [*form.account, form.draft, form.rewrite],
        [form.feedback, form.canvas, form.export],
        api_visibility="private",
    )


def _wire_metrics(ctx: AppContext, form: MetricsForm) -> None:
    """Check: the KPI table reviewed, the scorecard shown and exported as CSV and Markdown."""

    @ctx.friendly
    def run_metrics(request: gr.Request, *values):
        *fields, table = values
        rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
        kpi_rows = [dict(zip(coach_api.KPI_FIELDS, row, strict=False)) for row in rows]
        if not any(str(row.get("name") or "").strip() for row in kpi_rows):
            ctx.hint(request, "hint_kpis")
            return gr.skip(), gr.skip(), gr.skip()
        result = coach_api.review_kpis(ctx, ctx.user(request), _account(*fields), kpi_rows)
        card = result["scorecard_table"]
        files = [
            _export(result["scorecard_csv"], "kpi-scorecard.csv"),
            _export(result["scorecard_markdown"], "kpi-scorecard.md"),
        ]
        table_value = gr.update(
            value=card["rows"], headers=card["headers"], visible=bool(card["rows"])
        )
        return report_markdown(result, ctx.labels), table_value, files

    form.check.click(
        run_metrics,
        [*form.account, form.kpis],
        [form.feedback, form.scorecard, form.export],
        api_visibility="private",
    )


def _scenario_loader(ctx: AppContext):
    """The handler that fills the scenario choices (the first one chosen) when a page opens."""

    @ctx.friendly
    def load_scenarios(request: gr.Request):
        items = coach_api.scenarios(ctx, ctx.user(request))
        choices = [(f"{s['title']} ({s['language']}, {s['difficulty']})", s["id"]) for s in items]
        return gr.update(choices=choices, value=choices[0][1] if choices else None)

    return load_scenarios


def _wire_roleplay(ctx: AppContext, panel: RolePlayPanel) -> None:
    """Start opens a session with the persona's first line; say (or Enter) sends a line and
    shows the reply; end scores the session."""

    @ctx.friendly
    def begin(scenario_id, request: gr.Request):
        if not scenario_id:
            ctx.hint(request, "hint_choose_scenario")
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        started = coach_api.start_session(ctx, ctx.user(request), scenario_id)
        opening = [{"role": "assistant", "content": markdown_safe(started["persona"])}]
        return started["session_id"], opening, "", opening

    @ctx.friendly
    def speak(session_id, text, shown, request: gr.Request):
        if session_id is None:
            ctx.hint(request, "hint_start_session")
            return gr.skip(), gr.skip(), gr.skip()
        if not (text or "").strip():
            ctx.hint(request, "hint_line")
            return gr.skip(), gr.skip(), gr.skip()
        reply = coach_api.say(ctx, ctx.user(request), session_id, text)
        shown = [
            *shown,
            {"role": "user", "content": markdown_safe(text)},
            {"role": "assistant", "content": markdown_safe(reply["persona"])},
        ]
        return shown, "", shown

    @ctx.friendly
    def finish(session_id, request: gr.Request):
        if session_id is None:
            ctx.hint(request, "hint_start_session")
            return gr.skip(), gr.skip()
        card = coach_api.end_session(ctx, ctx.user(request), session_id)
        return None, report_markdown(card, ctx.labels)

    session, line, shown = panel.session, panel.line, panel.dialogue_state
    private = {"api_visibility": "private"}
    started = [session, panel.dialogue, panel.result, shown]
    panel.start.click(begin, panel.scenario, started, **private)
    spoken = [panel.dialogue, line, shown]
    panel.say.click(speak, [session, line, shown], spoken, **private)
    line.submit(speak, [session, line, shown], spoken, **private)
    panel.end.click(finish, session, [session, panel.result], **private)


def _account(kind, level, name, stakeholders, objectives, pains, stage) -> dict:
    return coach_api.account_from_form(
        kind, level, name, stakeholders, objectives, pains, stage or None
    ).model_dump(exclude_none=True)


# -- reports and files ---------------------------------------------------------------------------


def report_markdown(report: dict, labels) -> str:
    """Criteria with evidence, feedback and citations, escaped, headed in the report's
    language."""
    language = report.get("language", "en")

    def heading(key: str) -> str:
        return f"**{labels.get(key, language)}**"

    lines = [f"{heading('report_score')} {report['score']:.0%}", ""]
    for c in report["criteria"]:
        icon = RESULT_ICON.get(c["result"], "•")
        # One list item per criterion, evidence and feedback nested under it: plain lines
        # would run together into a single paragraph.
        result = labels.get(f"result_{c['result']}", language)
        lines.append(f"- {icon} **{markdown_safe(c['name'])}**: {result}")
        if c.get("evidence"):
            lines.append(f"  - “{markdown_safe(c['evidence'])}”")
        if c.get("feedback"):
            lines.append(f"  - {markdown_safe(c['feedback'])}")
    improvements = [str(item) for item in report.get("improvements") or []]
    feedback = [f for f in report.get("feedback") or [] if f not in improvements]
    if feedback:
        lines += ["", heading("feedback_heading")] + [f"- {markdown_safe(f)}" for f in feedback]
    for key in ("next_questions", "strengths", "improvements"):
        if report.get(key):
            lines += ["", heading(f"report_{key}")]
            lines += [f"- {markdown_safe(str(item))}" for item in report[key]]
    if report.get("citations"):
        lines += ["", heading("sources")]
        for c in report["citations"]:
            page_word = labels.get("page_word", language)
            number = c.get("page")
            page = ""
            if number:
                page = f", 第 {number} 頁" if language == "zh-Hant" else f", {page_word} {number}"
            section = markdown_safe(c.get("section") or "")
            source = markdown_safe(c["source"])
            if c.get("link"):
                source = f"[{source}]({c['link']})"
            lines.append(f"- [{c['n']}] {source}{page} {section}")
    return "\n".join(lines)


def _export(text: str, name: str) -> str:
    folder = Path(tempfile.mkdtemp(prefix="kamcoach-"))
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)
