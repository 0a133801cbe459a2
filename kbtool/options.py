"""Options shared by every command (the KB folder, --json, --today), defined once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    """What the top-level options chose."""

    kb_arg: str

    def kb_path(self) -> Path:
        """The knowledge-base folder, or a usage error (exit 2) saying how to point at one."""
        path = Path(self.kb_arg)
        if not path.is_dir():
            raise click.UsageError(
                f"knowledge-base folder '{self.kb_arg}' not found: run kbtool from the folder that "
                "contains kb/, or pass --kb DIR (or set KBTOOL_KB)"
            )
        return path


def settings(ctx: click.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings(kb_arg=str(Path("kb")))
    return root.obj


def _set_kb(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        settings(ctx).kb_arg = value


KB_OPTION_HELP = "Knowledge-base folder to work on (or set KBTOOL_KB)."


def kb_option() -> click.Option:
    """`--kb DIR` after a command name (`kbtool check --kb kb`); it overrides one given before it."""
    return click.Option(
        ["--kb"], metavar="DIR", expose_value=False, callback=_set_kb, help=KB_OPTION_HELP
    )


def accept_kb_option(command: click.Command) -> click.Command:
    """Give a command (and, for a group, each of its commands) its own `--kb` option, once."""
    if not any(param.name == "kb" for param in command.params):
        command.params.append(kb_option())
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_kb_option(sub)
    return command


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(func)


def emit(result: Any, fmt: str, text: Callable[[Any], Iterable[str]], **others: Any) -> None:
    """Print a command's result in the chosen format (see `kbtool.report.render`)."""
    from .report import render

    for line in render(result, fmt, text, **others):
        click.echo(line)


def _parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-01"
        ) from None


def today_option(func: F) -> F:
    return click.option(
        "--today",
        "today",
        metavar="YYYY-MM-DD",
        callback=_parse_today,
        help="Treat this date as today when working out review states (default: the real date).",
    )(func)


def strict_option(func: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")(func)
