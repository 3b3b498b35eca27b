"""The Evaluations tab: run a question set, see metrics, plots, failures and the change.

The page: the question set and run button, the results (metrics, verdict, plots, comparison
with the previous run, failing questions), the feedback export. One function builds each
section; the ``_wire_*`` functions say what the buttons do."""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.ui import widgets
from assistant.ui.api import admin as admin_api
from assistant.ui.context import AppContext
from assistant.ui.labels import Labels
from assistant.ui.render import markdown_safe


def failures_markdown(failing: list[dict]) -> str:
    if not failing:
        return "—"
    lines = []
    for f in failing:
        lines.append(f"**{markdown_safe(f['id'])}**: {markdown_safe(f['question'])}")
        lines.append(f"- problems: {markdown_safe('; '.join(f['problems']))}")
        lines.append(f"- expected: {markdown_safe(', '.join(f['expected_sources']) or '—')}")
        lines.append(f"- retrieved: {markdown_safe(', '.join(f['retrieved']) or '—')}")
        lines.append("")
    return "\n".join(lines)


METRIC_HEADERS = ["col_metric", "col_value", "col_threshold"]
COMPARISON_HEADERS = ["col_metric", "col_previous", "col_current", "col_change", "col_regression"]


def _shown(value) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class EvalResults:
    metrics: gr.Dataframe
    verdict: gr.Markdown
    plots: gr.Gallery
    comparison: gr.Dataframe
    failing: gr.Markdown

    @property
    def outputs(self) -> list:
        return [self.metrics, self.verdict, self.plots, self.comparison, self.failing]


def build_eval_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    with gr.Row():
        chosen, run = _run_controls(ctx)
    results = _results(labels)
    with gr.Row():
        export = widgets.button(labels, "export_feedback")
        drafts = gr.File(show_label=False)
    _wire_feedback_export(ctx, export, drafts)
    _wire_run(ctx, chosen, run, results)


# -- layout -----------------------------------------------------------------------------------


def _run_controls(ctx: AppContext) -> tuple[gr.Dropdown, gr.Button]:
    """The question set to run (the first found is chosen) and the run button."""
    labels = ctx.labels
    sets = admin_api.question_sets(ctx.services.settings.evals_dir)
    first = sets[0] if sets else None
    chosen = widgets.labelled(labels, gr.Dropdown, "question_set", sets, value=first)
    run = widgets.button(labels, "run_eval", variant="primary", elem_id="kam-eval-run")
    return chosen, run


def _results(labels: Labels) -> EvalResults:
    metrics = widgets.table(
        labels,
        METRIC_HEADERS,
        "metrics",
        max_height=640,
        wrap=True,
        elem_id="kam-eval-metrics",
    )
    verdict = gr.Markdown()
    plots = gr.Gallery(
        columns=2, height="auto", object_fit="contain", show_label=False, elem_id="kam-eval-plots"
    )
    comparison = widgets.table(labels, COMPARISON_HEADERS, "comparison", max_height=640)
    widgets.heading(labels, "failing")
    return EvalResults(metrics, verdict, plots, comparison, failing=gr.Markdown())


# -- events -----------------------------------------------------------------------------------


def _wire_feedback_export(ctx: AppContext, export: gr.Button, drafts: gr.File) -> None:
    """Export: the collected feedback as draft questions, a YAML file to download."""

    @ctx.friendly
    def export_feedback(request: gr.Request):
        text = admin_api.feedback_drafts(ctx, ctx.user(request))
        folder = Path(tempfile.mkdtemp(prefix="kamcoach-"))
        path = folder / "feedback-drafts.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    export.click(export_feedback, None, drafts, api_visibility="private")


def _wire_run(ctx: AppContext, chosen: gr.Dropdown, run: gr.Button, results: EvalResults):
    """Run: the chosen set evaluated (one run at a time), its results shown."""
    labels = ctx.labels

    @ctx.friendly
    def execute(set_name, request: gr.Request, progress=gr.Progress()):
        user = ctx.user(request)

        def report(done: int, total: int) -> None:
            progress((done, max(total, 1)), desc=f"{done}/{total} questions")

        result = admin_api.run_evaluation(ctx, user, set_name, report)
        language = ctx.language(request)
        table = _metric_rows(ctx, request, result["metrics"])
        changes = [
            [
                _metric_name(labels, c["metric"], language),
                c["previous"],
                c["current"],
                c["change"],
                "yes" if c["regression"] else "",
            ]
            for c in result["comparison"]
        ]
        # The page gets copies: Gradio never serves anything from the data folder itself.
        shown = Path(tempfile.mkdtemp(prefix="kamcoach-plots-"))
        plots = [shutil.copy(p, shown / Path(p).name) for p in result["plots"]]
        return (
            labels.table(table, METRIC_HEADERS, language),
            _verdict(ctx, request, result, len(table)),
            plots,
            labels.table(changes, COMPARISON_HEADERS, language),
            failures_markdown(result["failing"]),
        )

    run.click(execute, chosen, results.outputs, api_visibility="private", concurrency_limit=1)


def _metric_name(labels: Labels, name: str, language: str) -> str:
    key = "metric_" + name.replace("@", "_at_")
    return labels.get(key, language) if labels.has(key) else name


def _metric_rows(ctx: AppContext, request: gr.Request, metrics: list[dict]) -> list[list]:
    """Name, value and threshold of each metric ("not gated" where it has none)."""
    not_gated = ctx.say(request, "not_gated")
    language = ctx.language(request)
    return [
        [
            _metric_name(ctx.labels, m["metric"], language),
            _shown(m["value"]),
            _shown(m["threshold"]) if m["threshold"] != "" else not_gated,
        ]
        for m in metrics
    ]


def _verdict(ctx: AppContext, request: gr.Request, result: dict, shown: int) -> str:
    """Which thresholds failed, or that all hold (how many metrics are gated, how many not)."""
    below = result["threshold_failures"]
    if below:
        return ctx.say(request, "thresholds_failed", failures="; ".join(below))
    gated = sum(1 for m in result["metrics"] if m["threshold"] != "")
    return ctx.say(request, "thresholds_hold", gated=gated, others=shown - gated)
