"""``unspin users``: the accounts that may review in ``unspin serve --review``."""

from __future__ import annotations

import sys

import typer

from unspin.cli.app import app
from unspin.cli.common import err
from unspin.cli.corpus import _DB_OPTION, _existing_store

users_app = typer.Typer(
    help="Accounts that may sign in to review (unspin serve --review). Passwords are kept as Argon2id hashes only.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")

_STDIN_OPTION = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input (for scripts), "
    "instead of asking for it twice at the terminal.",
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        err.print("unspin: error: no terminal to ask for the password on (use --password-stdin)", markup=False)
        raise typer.Exit(2)
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


def _change(db: str, action, done: str) -> None:
    from unspin.review.passwords import PasswordError
    from unspin.store.reviews import UserError

    engine = _existing_store(db, writes=True)
    try:
        with engine.begin() as conn:
            action(conn)
    except (UserError, PasswordError) as exc:
        err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    err.print(f"unspin: {done}", markup=False, soft_wrap=True)


@users_app.command("add")
def add(
    name: str = typer.Argument(..., help="The reviewer's name (letters, digits and . _ @ -).", show_default=False),
    db: str = _DB_OPTION,
    password_stdin: bool = _STDIN_OPTION,
) -> None:
    """Make an account that can sign in to unspin serve --review and record reviews under NAME.

    The password (at least 10 characters) is asked for twice and stored as an
    Argon2id hash; it is never written anywhere in clear.

    Examples:

      unspin users add ana --db corpus.db

      printf '%s\\n' "$PASSWORD" | unspin users add ana --db corpus.db --password-stdin
    """
    from unspin.store.reviews import add_user, check_name, UserError

    try:
        check_name(name)
    except UserError as exc:
        err.print(f"unspin: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    password = _password(password_stdin)
    _change(db, lambda conn: add_user(conn, name, password), f"{name} can now sign in to unspin serve --review")


@users_app.command("password")
def password(
    name: str = typer.Argument(..., help="The reviewer whose password changes.", show_default=False),
    db: str = _DB_OPTION,
    password_stdin: bool = _STDIN_OPTION,
) -> None:
    """Set a new password for NAME; every browser signed in as NAME is signed out."""
    from unspin.store.reviews import set_password

    new = _password(password_stdin)
    _change(db, lambda conn: set_password(conn, name, new), f"new password set for {name}")


@users_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="The reviewer to remove.", show_default=False),
    db: str = _DB_OPTION,
) -> None:
    """Remove NAME's account and sign it out; the reviews NAME wrote are kept under that name."""
    from unspin.store.reviews import remove_user

    _change(db, lambda conn: remove_user(conn, name), f"{name} can no longer sign in (their reviews are kept)")


@users_app.command("list")
def list_accounts(db: str = _DB_OPTION) -> None:
    """The accounts, when each was made and how many reviews each wrote (tab-separated, for piping)."""
    from unspin.store.reviews import list_users

    engine = _existing_store(db, writes=True)
    try:
        with engine.connect() as conn:
            rows = list_users(conn)
    finally:
        engine.dispose()
    if not rows:
        err.print("unspin: no accounts yet (unspin users add NAME makes one)", markup=False)
    for row in rows:
        typer.echo(f"{row['name']}\t{row['created_at'].isoformat(timespec='seconds')}\t{row['reviews']}")
