"""``kamcoach roleplay SCENARIO`` and ``kamcoach coach score TRANSCRIPT``."""

from __future__ import annotations

import typer


def register(app: typer.Typer, coach_app: typer.Typer) -> None:
    """Attach the role-play commands (added by the role-play coach)."""
