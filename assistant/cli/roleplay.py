"""``kamcoach roleplay SCENARIO`` and ``kamcoach coach score TRANSCRIPT``."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail

END, QUIT = "/end", "/quit"


def _service():
    from assistant.coaching.roleplay.service import build_roleplay_service
    from assistant.config import Settings
    from assistant.services import build_services

    return build_roleplay_service(build_services(Settings()))


def _default_trainee() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "trainee"


def _print_scorecard(scorecard, as_json: bool, library) -> None:
    if as_json:
        typer.echo(json.dumps(scorecard.as_dict(), ensure_ascii=False, indent=2))
    else:
        from assistant.coaching.roleplay.export import scorecard_markdown

        typer.echo(scorecard_markdown(scorecard, library))


def register(app: typer.Typer, coach_app: typer.Typer) -> None:
    """Attach the role-play commands."""

    @app.command("roleplay")
    def roleplay(
        scenario: Annotated[
            str | None,
            typer.Argument(help="Scenario id (see --list), or a scenario YAML file to try out."),
        ] = None,
        trainee: Annotated[
            str | None, typer.Option(help="Whose session this is (default: your user name).")
        ] = None,
        list_scenarios: Annotated[
            bool, typer.Option("--list", help="List the scenarios and exit.")
        ] = False,
        json_out: Annotated[
            bool, typer.Option("--json", help="Print the scorecard as JSON at the end.")
        ] = False,
    ) -> None:
        """Practise a customer meeting in the terminal; the session is saved and scored."""
        from assistant.coaching.roleplay.behaviour import MESSAGES_FILE
        from assistant.prompts import Messages

        service = _service()
        if list_scenarios or scenario is None:
            _list(service)
            for problem in service.scenarios.errors():
                typer.echo(f"warning: {problem}", err=True)
            if scenario is None and not list_scenarios:
                fail("name a scenario to play, e.g. kamcoach roleplay " + _first_id(service))
            return
        path = Path(scenario)
        chosen = (
            service.scenarios.load_file(path)
            if path.suffix in (".yaml", ".yml") or path.is_file()
            else service.scenarios.get(scenario)
        )
        session_id, opening = service.start_scenario(trainee or _default_trainee(), chosen)
        messages = Messages(service.context.library, MESSAGES_FILE)
        lang = chosen.language
        typer.echo(
            messages.get(
                "cli_intro",
                lang,
                persona=chosen.persona.name,
                role=chosen.persona.role,
                account=chosen.account.name,
                objectives="; ".join(chosen.kam_objectives),
            )
        )
        typer.echo(messages.get("cli_help", lang))
        typer.echo(f"\n{chosen.persona.name}: {opening}")
        if not _converse(service, session_id, chosen.persona.name):
            typer.echo(messages.get("cli_saved", lang, id=session_id))
            return
        scorecard = service.end(session_id)
        _print_scorecard(scorecard, json_out, service.context.library)

    @coach_app.command("score")
    def score(
        transcript: Annotated[
            Path,
            typer.Argument(
                help="Transcript: YAML/JSON {scenario?, turns: [{role: kam|persona, text}]} "
                "or text lines 'KAM: ...' / 'Customer: ...'."
            ),
        ],
        scenario: Annotated[
            str | None, typer.Option(help="Scenario id the transcript comes from (optional).")
        ] = None,
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Score a role-play transcript against its rubric (offline)."""
        from assistant.coaching.roleplay.transcript import load_transcript

        loaded = load_transcript(transcript)
        service = _service()
        scorecard = service.score_transcript(loaded, scenario)
        _print_scorecard(scorecard, json_out, service.context.library)


def _converse(service, session_id: str, persona: str) -> bool:
    """Read the KAM's lines until /end (True: score it), /quit (False) or the end of input
    (True). The persona's replies are printed as they come."""
    from assistant.errors import KamError

    while True:
        typer.echo("KAM> ", nl=False)
        line = sys.stdin.readline()
        if not line:
            typer.echo("")
            return True
        text = line.strip()
        if text == END:
            return True
        if text == QUIT:
            return False
        try:
            reply = service.say(session_id, text)
        except KamError as exc:
            typer.echo(str(exc), err=True)
            continue
        typer.echo(f"{persona}: {reply}")
        if service.meeting_over(session_id):
            return True


def _list(service) -> None:
    for item in service.scenarios.list():
        typer.echo(
            f"{item.id}  [{item.language}, level {item.difficulty}, {item.account_type}] "
            f"{item.persona_name} ({item.persona_role}): {item.title}"
        )


def _first_id(service) -> str:
    scenarios = service.scenarios.list()
    return scenarios[0].id if scenarios else "SCENARIO"
