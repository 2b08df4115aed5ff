"""``newsdesk users``: create reader and moderator accounts, block or unblock them."""

from __future__ import annotations

from typing import Annotated

import typer

from newsdesk.cli.app import DbOption, app, fail, out
from newsdesk.errors import NewsdeskError

users_app = typer.Typer(help="Reader and moderator accounts of the website.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Account name (3-32 letters, digits, . - _).")],
    admin: Annotated[bool, typer.Option("--admin", help="Make the account a moderator.")] = False,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="NEWSDESK_PASSWORD",
            help="Password (asked for when not given).",
        ),
    ] = "",
    db: DbOption = None,
) -> None:
    """Create an account."""
    from newsdesk.store import open_store  # imported here: the store's start-up cost is for commands using it
    from newsdesk.web.security import account_problem, hash_password

    problem = account_problem(name, password)
    if problem:
        raise fail(problem)
    try:
        user = open_store(db).add_user(name, hash_password(password), is_admin=admin)
    except NewsdeskError as exc:
        raise fail(str(exc)) from exc
    out.print(f"created {'moderator' if admin else 'user'} {user.name} (id {user.id})", highlight=False)


@users_app.command("block")
def block(
    name: Annotated[str, typer.Argument(help="Account name.")],
    undo: Annotated[bool, typer.Option("--undo", help="Unblock instead.")] = False,
    db: DbOption = None,
) -> None:
    """Block an account (its comments disappear and it cannot sign in), or unblock it."""
    from newsdesk.store import open_store

    store = open_store(db)
    user = store.user_by_name(name)
    if user is None or user.id is None:
        raise fail(f"no user {name!r}")
    store.set_user_flags(user.id, blocked=not undo)
    out.print(f"{'unblocked' if undo else 'blocked'} {name}", highlight=False)
