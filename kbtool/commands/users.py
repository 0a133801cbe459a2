"""`kbtool users`: the staff accounts that may sign in to the staff app."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..options import emit, json_option, settings


def _accounts_path(ctx: click.Context) -> Path:
    from ..config import load_config
    from ..web.accounts import ENV_VAR, AccountsError, users_file

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    try:
        path = users_file(config.staff_app.get("users_file"), kb, os.environ)
    except AccountsError as error:
        raise click.ClickException(str(error)) from None
    if path is None:
        raise click.ClickException(
            f"no accounts file is set: add 'staff_app:' with 'users_file: /etc/kbtool/users.json' to "
            f"{kb / 'kbtool.yaml'}, or set {ENV_VAR}=/etc/kbtool/users.json (keep it outside the KB)"
        )
    return path


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt(
        "password", hide_input=True, confirmation_prompt="repeat the password"
    )
    return value


def _change(ctx: click.Context, action: str, name: str, from_stdin: bool = False) -> None:
    from ..web import accounts

    path = _accounts_path(ctx)
    try:
        store = accounts.load(path)
        if action == "remove":
            accounts.remove(store, name)
        else:
            accounts.set_password(store, name, _password(from_stdin), new=action == "add")
        accounts.save(store)
    except accounts.AccountsError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(
            f"cannot write the accounts file {path}: {error.strerror or error}"
        ) from None
    done = {"add": "added", "passwd": "changed the password of", "remove": "removed"}[action]
    click.echo(
        f"{done} '{name}' in {path}"
        + (" (signed-in sessions of this user end)" if action != "add" else "")
    )


@click.group()
def users() -> None:
    """Staff accounts for signing in to the staff app (`kbtool serve`).

    Accounts live in one file outside the knowledge base, set by `staff_app.users_file` in
    kb/kbtool.yaml or the KBTOOL_USERS environment variable. Passwords are stored only as
    salted argon2id hashes.

    Example:  KBTOOL_USERS=/etc/kbtool/users.json kbtool users add wang.li
    """


stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)


@users.command()
@click.argument("name")
@stdin_option
@click.pass_context
def add(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Add a staff account; asks for the password twice.

    Example:  kbtool users add 王丽
    """
    _change(ctx, "add", name, password_stdin)


@users.command()
@click.argument("name")
@stdin_option
@click.pass_context
def passwd(ctx: click.Context, name: str, password_stdin: bool) -> None:
    """Set a new password for an account; that user's open sessions end.

    Example:  kbtool users passwd 王丽
    """
    _change(ctx, "passwd", name, password_stdin)


@users.command()
@click.argument("name")
@click.pass_context
def remove(ctx: click.Context, name: str) -> None:
    """Remove an account; that user's open sessions end at their next click.

    Example:  kbtool users remove 王丽
    """
    _change(ctx, "remove", name)


@users.command(name="list")
@json_option
@click.pass_context
def list_users(ctx: click.Context, as_json: bool) -> None:
    """List the accounts (names and dates only; never the hashes).

    Example:  kbtool users list --json
    """
    from ..report.users import AccountList, account_lines
    from ..web import accounts

    path = _accounts_path(ctx)
    try:
        rows = accounts.listing(accounts.load(path))
    except accounts.AccountsError as error:
        raise click.ClickException(str(error)) from None
    emit(AccountList(str(path), rows), "json" if as_json else "text", account_lines)
