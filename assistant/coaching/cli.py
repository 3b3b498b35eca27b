"""``kamcoach coach ...`` and ``kamcoach roleplay``: thin adapters over the coaching services.
Each coach adds its own command below."""

from __future__ import annotations

import typer

coach_app = typer.Typer(
    help="Coach a value proposition, a KPI set, or score a role-play transcript.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Attach the coaching commands to the main CLI."""
    from assistant.coaching import roleplay_cli

    app.add_typer(coach_app, name="coach")
    roleplay_cli.register(app, coach_app)
