"""The Evaluations tab: run a question set, see metrics, plots, failures and the change."""

import shutil
import tempfile
from pathlib import Path

import gradio as gr

from assistant.ui.api import admin as admin_api
from assistant.ui.context import AppContext
from assistant.ui.errors import friendly
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


def build_eval_tab(ctx: AppContext) -> None:
    labels = ctx.labels
    sets = admin_api.question_sets(ctx.services.settings.evals_dir)
    with gr.Row():
        chosen = labels.bind(
            gr.Dropdown(sets, value=sets[0] if sets else None, label=labels.get("question_set")),
            "question_set",
        )
        run = labels.bind(
            gr.Button(labels.get("run_eval"), variant="primary", elem_id="kam-eval-run"),
            "run_eval",
            "value",
        )
    metrics = labels.bind_headers(
        labels.bind(
            gr.Dataframe(
                headers=labels.headers(METRIC_HEADERS),
                label=labels.get("metrics"),
                max_height=640,
                wrap=True,
                elem_id="kam-eval-metrics",
            ),
            "metrics",
        ),
        METRIC_HEADERS,
    )
    verdict = gr.Markdown()
    plots = gr.Gallery(
        columns=2, height="auto", object_fit="contain", show_label=False, elem_id="kam-eval-plots"
    )
    comparison = labels.bind_headers(
        labels.bind(
            gr.Dataframe(
                headers=labels.headers(COMPARISON_HEADERS),
                label=labels.get("comparison"),
                max_height=640,
            ),
            "comparison",
        ),
        COMPARISON_HEADERS,
    )
    labels.bind(gr.Markdown(f"### {labels.get('failing')}"), "failing", "value", "### {}")
    failing = gr.Markdown()
    with gr.Row():
        export = labels.bind(gr.Button(labels.get("export_feedback")), "export_feedback", "value")
        drafts = gr.File(show_label=False)

    @friendly
    def export_feedback(request: gr.Request):
        text = admin_api.feedback_drafts(ctx, ctx.user(request))
        folder = Path(tempfile.mkdtemp(prefix="kamcoach-"))
        path = folder / "feedback-drafts.yaml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    export.click(export_feedback, None, drafts, api_visibility="private")

    @friendly
    def execute(set_name, request: gr.Request, progress=gr.Progress()):
        user = ctx.user(request)

        def report(done: int, total: int) -> None:
            progress((done, max(total, 1)), desc=f"{done}/{total} questions")

        result = admin_api.run_evaluation(ctx, user, set_name, report)
        not_gated = ctx.say(request, "not_gated")
        language = ctx.language(request)

        def metric_name(name: str) -> str:
            key = "metric_" + name.replace("@", "_at_")
            return labels.get(key, language) if labels.has(key) else name

        table = [
            [
                metric_name(m["metric"]),
                _shown(m["value"]),
                _shown(m["threshold"]) if m["threshold"] != "" else not_gated,
            ]
            for m in result["metrics"]
        ]
        below = result["threshold_failures"]
        gated = sum(1 for m in result["metrics"] if m["threshold"] != "")
        if below:
            text = ctx.say(request, "thresholds_failed", failures="; ".join(below))
        else:
            text = ctx.say(request, "thresholds_hold", gated=gated, others=len(table) - gated)
        changes = [
            [
                metric_name(c["metric"]),
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
            text,
            plots,
            labels.table(changes, COMPARISON_HEADERS, language),
            failures_markdown(result["failing"]),
        )

    run.click(
        execute,
        chosen,
        [metrics, verdict, plots, comparison, failing],
        api_visibility="private",
        concurrency_limit=1,
    )
