"""``kamcoach users ...``: manage the users file (passwords are stored hashed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import KamTyper, fail
from assistant.errors import KamError

users_app = KamTyper(help="Manage users of the web app (KAM_USERS_FILE).", no_args_is_help=True)


def _directory(path: Path | None):
    from assistant.admin.users import UserDirectory
    from assistant.config import Settings

    target = path or Settings().users_file
    if target is None:
        raise KamError("no users file: pass --file or set KAM_USERS_FILE")
    return UserDirectory.load(target) if target.exists() else UserDirectory(target, {})


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, _ . @ -).")],
    role: Annotated[str, typer.Option(help="kam, trainer or admin.")] = "kam",
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    trainer: Annotated[str | None, typer.Option(help="The trainer of this KAM.")] = None,
    internal_access: Annotated[
        bool | None, typer.Option(help="Override the role's access to internal documents.")
    ] = None,
    file: Annotated[Path | None, typer.Option(help="Users file (default KAM_USERS_FILE).")] = None,
    password: Annotated[
        str | None,
        typer.Option(envvar="KAM_NEW_PASSWORD", help="Password (prompted, hidden, when absent)."),
    ] = None,
) -> None:
    """Add a user or replace one (a new password is asked for, hidden)."""
    from pydantic import ValidationError

    from assistant.admin.users import User, hash_password

    try:
        directory = _directory(file)
        secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = User(
            username=username,
            role=role,
            name=name,
            trainer=trainer,
            internal_access=internal_access,
            password_hash=hash_password(secret),
        )
        directory.add(user)
    except ValidationError as exc:
        fail(f"{exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", 2)
    except KamError as exc:
        fail(str(exc))
    typer.echo(f"saved {username} ({role}) in {directory.path}")


@users_app.command("list")
def list_users(
    file: Annotated[Path | None, typer.Option(help="Users file (default KAM_USERS_FILE).")] = None,
) -> None:
    """Show users, roles and trainers (never passwords)."""
    directory = _directory(file)
    for user in directory.users.values():
        extra = f" trainer={user.trainer}" if user.trainer else ""
        typer.echo(f"{user.username}\t{user.role}{extra}\tinternal={user.sees_internal}")
