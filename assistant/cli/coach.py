"""``kamcoach coach ...`` and ``kamcoach roleplay``: thin adapters over the coaching services.
Each coach adds its own command below."""

from __future__ import annotations

import typer

from assistant.cli.common import KamTyper

coach_app = KamTyper(
    help="Coach a value proposition, a KPI set, or score a role-play transcript.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Attach the coaching commands to the main CLI."""
    from assistant.cli import roleplay as roleplay_cli

    app.add_typer(coach_app, name="coach")
    roleplay_cli.register(app, coach_app)


@coach_app.command("value-prop")
def value_prop(
    file: str = typer.Argument(
        ..., help="YAML: account {type, level, stakeholders, objectives, pain_points} and draft."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    canvas: str | None = typer.Option(None, "--canvas", help="Write the canvas (Markdown) here."),
    rewrite: bool = typer.Option(False, "--rewrite", help="Propose a rewrite (needs an LLM)."),
    access: list[str] | None = typer.Option(  # noqa: B008 (keeps this file's imports untouched)
        None, help="Cite only passages of this access level (public, internal)."
    ),
) -> None:
    """Score a value proposition draft against the rubric, with feedback, questions and sources."""
    from assistant.cli.value_prop import run_value_prop

    run_value_prop(file, json_out, canvas, rewrite, access)


@coach_app.command("metrics")
def metrics(
    file: str = typer.Argument(..., help="YAML: account {type, level, objectives, ...} and kpis."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    csv_out: str | None = typer.Option(None, "--csv", help="Write the scorecard (CSV) here."),
    markdown_out: str | None = typer.Option(
        None, "--markdown", help="Write the review and scorecard (Markdown) here."
    ),
    access: list[str] | None = typer.Option(  # noqa: B008 (keeps this file's imports untouched)
        None, help="Cite only passages of this access level (public, internal)."
    ),
) -> None:
    """Review a KPI set for an account plan: balance, objectives, lifecycle, compliance."""
    from assistant.cli.kpi import run_metrics

    run_metrics(file, json_out, csv_out, markdown_out, access)
