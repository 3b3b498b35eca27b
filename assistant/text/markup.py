"""Text from users and documents inside Markdown or HTML the app renders: markup in it shows as
text (a role-play line holding ``<form>`` or ``<img src=...>`` is printed, never rendered)."""

from __future__ import annotations

import html


def escape_markup(text: object) -> str:
    """``text`` safe inside Markdown that a browser renders: HTML special characters become
    entities; Markdown emphasis stays as typed."""
    return html.escape(str(text if text is not None else ""), quote=False)
