"""The Trainer tab: the role-play sessions of a trainer's trainees, a session's transcript and
scorecard, overrides of its verdicts, the trainee's progress, and the scenario editor.

The page: the session list (trainee, sessions, the chosen session and its transcript), the
override row, the progress chart, the scenario editor. One function builds each section; the
``_wire_*`` functions say what its controls do."""

from dataclasses import dataclass

import gradio as gr

from assistant.coaching.roleplay import ScenarioError
from assistant.ui import widgets
from assistant.ui.api import coach as coach_api
from assistant.ui.context import AppContext
from assistant.ui.labels import Labels

SESSION_COLUMNS = ["col_id", "col_trainee", "col_scenario", "col_started", "col_score"]
RESULT_LABELS = {"met": "result_met", "missing": "result_missing"}


@dataclass(frozen=True)
class SessionList:
    trainee: gr.Dropdown
    refresh: gr.Button
    sessions: gr.Dataframe
    chosen: gr.Dropdown
    transcript: gr.Markdown

    @property
    def listing(self) -> list:
        """What listing the sessions fills: the trainee choices, the table, the session
        choices."""
        return [self.trainee, self.sessions, self.chosen]


@dataclass(frozen=True)
class OverrideRow:
    criterion: gr.Dropdown
    verdict: gr.Radio
    note: gr.Textbox
    save: gr.Button


@dataclass(frozen=True)
class ScenarioEditor:
    editable: gr.Dropdown
    source: gr.Code
    store: gr.Button


def build_trainer_tab(ctx: AppContext) -> list:
    """The tab's sections and events; returns the loaders the app runs for trainers when a
    page opens, as ``(handler, inputs, outputs)``."""
    labels = ctx.labels
    listed = _session_list(labels)
    override = _override_row(labels)
    chart = _progress_chart(labels)
    editor = _scenario_editor(labels)
    list_sessions = _session_lister(ctx)
    _wire_sessions(ctx, listed, override, chart, list_sessions)
    scenario_ids = _wire_scenario_editor(ctx, editor)
    return [(list_sessions, listed.trainee, listed.listing), (scenario_ids, None, editor.editable)]


# -- layout -----------------------------------------------------------------------------------


def _session_list(labels: Labels) -> SessionList:
    with gr.Row():
        trainee = widgets.labelled(labels, gr.Dropdown, "trainee", [])
        refresh = gr.Button("↻")
    sessions = widgets.table(
        labels,
        SESSION_COLUMNS,
        "sessions",
        interactive=False,
        elem_id="kam-trainer-sessions",
    )
    chosen = widgets.labelled(labels, gr.Dropdown, "session", [], elem_id="kam-trainer-session")
    transcript = widgets.labelled(
        labels, gr.Markdown, "transcript", elem_id="kam-trainer-transcript"
    )
    return SessionList(trainee, refresh, sessions, chosen, transcript)


def _override_row(labels: Labels) -> OverrideRow:
    """A criterion of the chosen session, the trainer's verdict on it and a note."""
    with gr.Row():
        return OverrideRow(
            criterion=widgets.labelled(
                labels, gr.Dropdown, "criterion", [], elem_id="kam-trainer-criterion"
            ),
            verdict=widgets.choices(
                labels,
                gr.Radio,
                "result",
                RESULT_LABELS,
                value="met",
                elem_id="kam-trainer-verdict",
            ),
            note=widgets.labelled(labels, gr.Textbox, "comment", elem_id="kam-trainer-note"),
            save=widgets.button(labels, "override", elem_id="kam-trainer-save"),
        )


def _progress_chart(labels: Labels) -> gr.BarPlot:
    """The trainee's scored sessions, a bar each; its title and axis titles follow the
    language switch."""
    chart = widgets.labelled(
        labels,
        gr.BarPlot,
        "progress",
        x="session",
        y="score",
        y_lim=[0, 100],
        x_title=labels.get("col_session"),
        y_title=labels.get("col_score_percent"),
        elem_id="kam-trainer-progress",
    )
    labels.bind(chart, "col_session", "x_title")
    return labels.bind(chart, "col_score_percent", "y_title")


def _scenario_editor(labels: Labels) -> ScenarioEditor:
    with widgets.labelled(labels, gr.Accordion, "scenario_editor", open=False):
        return ScenarioEditor(
            editable=gr.Dropdown([], label="id", elem_id="kam-scenario-id"),
            source=gr.Code(language="yaml", lines=18, elem_id="kam-scenario-source"),
            store=widgets.button(labels, "save_scenario", elem_id="kam-scenario-save"),
        )


# -- events -----------------------------------------------------------------------------------


def _session_lister(ctx: AppContext):
    """The handler that lists the sessions of a trainee (of every visible trainee when none
    is chosen): the trainee choices, the session table and the session choices."""

    @ctx.friendly
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

    return list_sessions


def _wire_sessions(
    ctx: AppContext, listed: SessionList, override: OverrideRow, chart: gr.BarPlot, list_sessions
) -> None:
    """↻ or a trainee chosen lists the sessions; a session chosen shows its transcript, its
    criteria and the trainee's progress; save stores an override and lists them again."""

    @ctx.friendly
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

    @ctx.friendly
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

    private = {"api_visibility": "private"}
    listed.refresh.click(list_sessions, listed.trainee, listed.listing, **private)
    listed.trainee.input(list_sessions, listed.trainee, listed.listing, **private)
    opened = [listed.transcript, override.criterion, chart]
    listed.chosen.change(open_session, listed.chosen, opened, **private)
    overridden = [listed.chosen, override.criterion, override.verdict, override.note]
    override.save.click(
        store_override, overridden, [listed.transcript, override.note, chart], **private
    ).then(
        _refresh_table(list_sessions), [listed.trainee, listed.chosen], [listed.sessions], **private
    )


def _refresh_table(list_sessions):
    """After an override: the session table again (its score changed); the choice stays."""

    def refresh(who, chosen, request: gr.Request):
        _, table, _ = list_sessions(who, request)
        return table

    return refresh


def _wire_scenario_editor(ctx: AppContext, editor: ScenarioEditor):
    """A scenario chosen shows its YAML; save stores it and lists the scenarios again. Returns
    the handler that lists them (the app runs it when a trainer's page opens)."""

    @ctx.friendly
    def scenario_ids(request: gr.Request):
        items = coach_api.scenarios(ctx, ctx.user(request))
        return gr.update(choices=[s["id"] for s in items])

    @ctx.friendly
    def scenario_source(scenario_id, request: gr.Request):
        if not scenario_id:
            return ""
        return coach_api.scenario_source(ctx, ctx.user(request), scenario_id)

    @ctx.friendly
    def save_scenario(text, request: gr.Request):
        try:
            saved = coach_api.save_scenario(ctx, ctx.user(request), text)
        except ScenarioError as exc:  # the field at fault, named in YAML's words
            raise gr.Error(ctx.say(request, "scenario_not_saved", reason=exc)) from None
        gr.Info(ctx.say(request, "scenario_saved", id=saved["id"]))

    private = {"api_visibility": "private"}
    editor.editable.change(scenario_source, editor.editable, editor.source, **private)
    editor.store.click(save_scenario, editor.source, None, **private).then(
        scenario_ids, None, editor.editable, **private
    )
    return scenario_ids


# -- cells and the chart ----------------------------------------------------------------------


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
