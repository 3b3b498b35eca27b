"""The Coach tab (value proposition workbench, metric designer, role-play) and the Trainer tab
(sessions, transcripts, overrides, progress, scenario editor)."""

import tempfile
from pathlib import Path

import gradio as gr

from assistant.coaching.common.account import ACCOUNT_TYPES
from assistant.ui.api import coach as coach_api
from assistant.ui.context import AppContext
from assistant.ui.errors import friendly
from assistant.ui.render import markdown_safe

STAGES = ["", "launch", "growth", "mature", "loss_of_exclusivity"]
ACCOUNT_TYPE_LABELS = {kind: f"account_{kind}" for kind in ACCOUNT_TYPES}
STAGE_LABELS = {stage: f"stage_{stage or 'none'}" for stage in STAGES}
RESULT_ICON = {"met": "✅", "partly": "🟡", "missing": "❌"}


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


def _account_inputs(labels):
    with gr.Row():
        kind = labels.bind_choices(
            labels.bind(
                gr.Dropdown(
                    labels.choices(ACCOUNT_TYPE_LABELS),
                    value=ACCOUNT_TYPES[0],
                    label=labels.get("account_type"),
                ),
                "account_type",
            ),
            ACCOUNT_TYPE_LABELS,
        )
        level = labels.bind(
            gr.Slider(1, 3, value=1, step=1, label=labels.get("account_level")), "account_level"
        )
        name = labels.bind(gr.Textbox(label=labels.get("account_name")), "account_name")
        stage = labels.bind_choices(
            labels.bind(
                gr.Dropdown(labels.choices(STAGE_LABELS), value="", label=labels.get("lifecycle")),
                "lifecycle",
            ),
            STAGE_LABELS,
        )
    with gr.Row():
        stakeholders = labels.bind(
            gr.Textbox(lines=3, label=labels.get("stakeholders")), "stakeholders"
        )
        objectives = labels.bind(gr.Textbox(lines=3, label=labels.get("objectives")), "objectives")
        pains = labels.bind(gr.Textbox(lines=3, label=labels.get("pain_points")), "pain_points")
    return [kind, level, name, stakeholders, objectives, pains, stage]


def _account(kind, level, name, stakeholders, objectives, pains, stage) -> dict:
    return coach_api.account_from_form(
        kind, level, name, stakeholders, objectives, pains, stage or None
    ).model_dump(exclude_none=True)


def build_coach_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Tabs():
        with labels.bind(gr.Tab(labels.get("vp_heading"), elem_id="kam-tab-vp"), "vp_heading"):
            account = _account_inputs(labels)
            draft = labels.bind(
                gr.Textbox(lines=6, label=labels.get("draft"), elem_id="kam-vp-draft"), "draft"
            )
            with gr.Row():
                review = labels.bind(
                    gr.Button(labels.get("review"), variant="primary", elem_id="kam-vp-review"),
                    "review",
                    "value",
                )
                rewrite = labels.bind(gr.Checkbox(label=labels.get("rewrite")), "rewrite")
            vp_feedback = gr.Markdown(elem_id="kam-vp-feedback")
            canvas = labels.bind(gr.Markdown(label=labels.get("canvas")), "canvas")
            vp_file = labels.bind(
                gr.File(label=labels.get("export"), elem_id="kam-vp-export"), "export"
            )

            @friendly
            def run_review(request: gr.Request, *values):
                *fields, text, wants_rewrite = values
                if not (text or "").strip():
                    ctx.hint(request, "hint_draft")
                    return gr.skip(), gr.skip(), gr.skip()
                result = coach_api.review_value_prop(
                    ctx, ctx.user(request), _account(*fields), text, bool(wants_rewrite)
                )
                body = report_markdown(result, labels)
                if result.get("rewrite"):
                    body += "\n\n**Rewrite**\n\n" + markdown_safe(str(result["rewrite"]["text"]))
                canvas_md = result.get("canvas_markdown", "")
                return (
                    body,
                    markdown_safe(canvas_md),
                    _export(canvas_md or body, "value-proposition.md"),
                )

            review.click(
                run_review,
                [*account, draft, rewrite],
                [vp_feedback, canvas, vp_file],
                api_visibility="private",
            )

        with labels.bind(
            gr.Tab(labels.get("metrics_heading"), elem_id="kam-tab-kpi"), "metrics_heading"
        ):
            m_account = _account_inputs(labels)
            kpi_headers = [f"kpi_{field}" for field in coach_api.KPI_FIELDS]
            kpis = labels.bind_headers(
                labels.bind(
                    gr.Dataframe(
                        value=[[""] * len(coach_api.KPI_FIELDS) for _ in range(3)],
                        headers=labels.headers(kpi_headers),
                        row_count=(3, "dynamic"),
                        column_count=(len(coach_api.KPI_FIELDS), "fixed"),
                        interactive=True,
                        wrap=True,
                        label=labels.get("kpi_table"),
                        elem_id="kam-kpi-table",
                    ),
                    "kpi_table",
                ),
                kpi_headers,
            )
            check = labels.bind(
                gr.Button(labels.get("check_kpis"), variant="primary", elem_id="kam-kpi-check"),
                "check_kpis",
                "value",
            )
            m_feedback = gr.Markdown(elem_id="kam-kpi-feedback")
            scorecard = labels.bind(
                gr.Dataframe(
                    label=labels.get("scorecard"),
                    visible=False,
                    wrap=True,
                    elem_id="kam-kpi-scorecard",
                ),
                "scorecard",
            )
            m_files = labels.bind(
                gr.File(
                    file_count="multiple", label=labels.get("export"), elem_id="kam-kpi-export"
                ),
                "export",
            )

            @friendly
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
                return report_markdown(result, labels), table_value, files

            check.click(
                run_metrics,
                [*m_account, kpis],
                [m_feedback, scorecard, m_files],
                api_visibility="private",
            )

        with labels.bind(
            gr.Tab(labels.get("roleplay_heading"), elem_id="kam-tab-roleplay"), "roleplay_heading"
        ):
            session = gr.State(None)
            with gr.Row():
                scenario = labels.bind(
                    gr.Dropdown([], label=labels.get("scenario"), elem_id="kam-scenario"),
                    "scenario",
                )
                start = labels.bind(
                    gr.Button(labels.get("start_session"), elem_id="kam-roleplay-start"),
                    "start_session",
                    "value",
                )
            dialogue = gr.Chatbot(height=380, elem_id="kam-roleplay-chat", show_label=False)
            # What the Chatbot shows, kept on the server: the Chatbot is never an input.
            dialogue_state = gr.State([])
            line = labels.bind(
                gr.Textbox(lines=2, label=labels.get("your_line"), elem_id="kam-roleplay-line"),
                "your_line",
            )
            with gr.Row():
                say = labels.bind(
                    gr.Button(labels.get("say"), variant="primary", elem_id="kam-roleplay-say"),
                    "say",
                    "value",
                )
                end = labels.bind(
                    gr.Button(labels.get("end_session"), elem_id="kam-roleplay-end"),
                    "end_session",
                    "value",
                )
            result = gr.Markdown(elem_id="kam-roleplay-scorecard")

            @friendly
            def load_scenarios(request: gr.Request):
                items = coach_api.scenarios(ctx, ctx.user(request))
                choices = [
                    (f"{s['title']} ({s['language']}, {s['difficulty']})", s["id"]) for s in items
                ]
                return gr.update(choices=choices, value=choices[0][1] if choices else None)

            @friendly
            def begin(scenario_id, request: gr.Request):
                if not scenario_id:
                    ctx.hint(request, "hint_choose_scenario")
                    return gr.skip(), gr.skip(), gr.skip(), gr.skip()
                started = coach_api.start_session(ctx, ctx.user(request), scenario_id)
                opening = [{"role": "assistant", "content": markdown_safe(started["persona"])}]
                return started["session_id"], opening, "", opening

            @friendly
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

            @friendly
            def finish(session_id, request: gr.Request):
                if session_id is None:
                    ctx.hint(request, "hint_start_session")
                    return gr.skip(), gr.skip()
                card = coach_api.end_session(ctx, ctx.user(request), session_id)
                return None, report_markdown(card, labels)

            private = {"api_visibility": "private"}
            start.click(begin, scenario, [session, dialogue, result, dialogue_state], **private)
            spoken = [dialogue, line, dialogue_state]
            say.click(speak, [session, line, dialogue_state], spoken, **private)
            line.submit(speak, [session, line, dialogue_state], spoken, **private)
            end.click(finish, session, [session, result], **private)
    return [(load_scenarios, None, scenario)]


SESSION_COLUMNS = ["col_id", "col_trainee", "col_scenario", "col_started", "col_score"]
RESULT_LABELS = {"met": "result_met", "missing": "result_missing"}


def _when(stamp: str | None) -> str:
    """``2026-12-04T16:58:31.210592+00:00`` as ``2026-12-04 16:58``."""
    return (stamp or "").replace("T", " ")[:16]


def _percent(score) -> str:
    return f"{float(score):.0%}" if isinstance(score, (int, float)) else ""


def _progress_frame(progress: dict):
    """One bar per scored session (its overall score in percent), labelled in order: readable
    for one session and for many."""
    import pandas as pd

    timeline = progress.get("timeline") or []
    if not timeline:
        return None
    rows = [
        {
            "session": f"{number}. #{p.get('session_id', '')} {_when(p.get('at'))[:10]}",
            "score": round(100 * float(p.get("score", 0.0))),
        }
        for number, p in enumerate(timeline, start=1)
    ]
    return pd.DataFrame(rows)


def build_trainer_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Row():
        trainee = labels.bind(gr.Dropdown([], label=labels.get("trainee")), "trainee")
        refresh = gr.Button("↻")
    sessions = labels.bind_headers(
        labels.bind(
            gr.Dataframe(
                headers=labels.headers(SESSION_COLUMNS),
                interactive=False,
                label=labels.get("sessions"),
                elem_id="kam-trainer-sessions",
            ),
            "sessions",
        ),
        SESSION_COLUMNS,
    )
    chosen = labels.bind(
        gr.Dropdown([], label=labels.get("session"), elem_id="kam-trainer-session"), "session"
    )
    transcript = labels.bind(
        gr.Markdown(label=labels.get("transcript"), elem_id="kam-trainer-transcript"), "transcript"
    )
    with gr.Row():
        criterion = labels.bind(
            gr.Dropdown([], label=labels.get("criterion"), elem_id="kam-trainer-criterion"),
            "criterion",
        )
        verdict = labels.bind_choices(
            labels.bind(
                gr.Radio(
                    labels.choices(RESULT_LABELS),
                    value="met",
                    label=labels.get("result"),
                    elem_id="kam-trainer-verdict",
                ),
                "result",
            ),
            RESULT_LABELS,
        )
        note = labels.bind(
            gr.Textbox(label=labels.get("comment"), elem_id="kam-trainer-note"), "comment"
        )
        save = labels.bind(
            gr.Button(labels.get("override"), elem_id="kam-trainer-save"), "override", "value"
        )
    chart = labels.bind(
        labels.bind(
            labels.bind(
                gr.BarPlot(
                    x="session",
                    y="score",
                    y_lim=[0, 100],
                    x_title=labels.get("col_session"),
                    y_title=labels.get("col_score_percent"),
                    label=labels.get("progress"),
                    elem_id="kam-trainer-progress",
                ),
                "progress",
            ),
            "col_session",
            "x_title",
        ),
        "col_score_percent",
        "y_title",
    )
    with labels.bind(gr.Accordion(labels.get("scenario_editor"), open=False), "scenario_editor"):
        editable = gr.Dropdown([], label="id")
        source = gr.Code(language="yaml", lines=18)
        store = labels.bind(gr.Button(labels.get("save_scenario")), "save_scenario", "value")

    @friendly
    def list_sessions(who, request: gr.Request):
        user = ctx.user(request)
        rows = coach_api.sessions(ctx, user, who or None)
        visible = ctx.users.trainees_of(user)
        known = visible if visible is not None else list(ctx.users.users)
        trainees = sorted({r["trainee"] for r in rows} | set(known))
        table = [
            [
                r["id"],
                r["trainee"],
                r.get("scenario_title") or r["scenario_id"],
                _when(r.get("started_at")),
                _percent(r.get("score")),
            ]
            for r in rows
        ]
        table = ctx.labels.table(table, SESSION_COLUMNS, ctx.language(request))
        picks = [
            (f"#{r['id']} {r['trainee']} · {r.get('scenario_title') or r['scenario_id']}", r["id"])
            for r in rows
        ]
        return (
            gr.update(choices=trainees, value=who or None),
            table,
            gr.update(choices=picks, value=None),
        )

    @friendly
    def open_session(session_id, request: gr.Request):
        if not session_id:
            return "", gr.update(choices=[], value=None), None
        user = ctx.user(request)
        detail = coach_api.session_detail(ctx, user, session_id, ctx.language(request))
        # The dropdown shows the criteria by the names the scorecard uses; it sends their ids.
        criteria = [
            (c.get("name") or c["id"], c["id"])
            for c in (detail.get("scorecard") or {}).get("criteria", [])
        ]
        progress = coach_api.progress(ctx, user, detail["trainee"])
        return (
            detail.get("markdown", ""),
            gr.update(choices=criteria, value=None),
            _progress_frame(progress),
        )

    @friendly
    def store_override(session_id, criterion_id, result, comment, request: gr.Request):
        if not session_id or not criterion_id:
            ctx.hint(request, "hint_choose_session")
            return gr.skip(), gr.skip(), gr.skip()
        user = ctx.user(request)
        language = ctx.language(request)
        detail = coach_api.override(ctx, user, session_id, criterion_id, result, comment, language)
        gr.Info(ctx.say(request, "override_saved"))
        progress = coach_api.progress(ctx, user, detail["trainee"])
        return detail.get("markdown", ""), "", _progress_frame(progress)

    @friendly
    def scenario_ids(request: gr.Request):
        items = coach_api.scenarios(ctx, ctx.user(request))
        return gr.update(choices=[s["id"] for s in items])

    @friendly
    def scenario_source(scenario_id, request: gr.Request):
        if not scenario_id:
            return ""
        return ctx.roleplay(ctx.user(request)).scenarios.source_text(scenario_id)

    @friendly
    def save_scenario(text, request: gr.Request):
        saved = coach_api.save_scenario(ctx, ctx.user(request), text)
        gr.Info(ctx.say(request, "scenario_saved", id=saved["id"]))

    private = {"api_visibility": "private"}
    listing = [trainee, sessions, chosen]
    refresh.click(list_sessions, trainee, listing, **private)
    trainee.input(list_sessions, trainee, listing, **private)
    chosen.change(open_session, chosen, [transcript, criterion, chart], **private)
    save.click(
        store_override, [chosen, criterion, verdict, note], [transcript, note, chart], **private
    ).then(_refresh_table(ctx, list_sessions), [trainee, chosen], [sessions], **private)
    editable.change(scenario_source, editable, source, **private)
    store.click(save_scenario, source, None, **private).then(
        scenario_ids, None, editable, **private
    )
    return [(list_sessions, trainee, listing), (scenario_ids, None, editable)]


def _refresh_table(ctx: AppContext, list_sessions):
    """After an override: the session table again (its score changed); the choice stays."""

    def refresh(who, chosen, request: gr.Request):
        _, table, _ = list_sessions(who, request)
        return table

    return refresh
