"""`kbtool build`: the public patient site, from signed-off entries only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..options import emit, json_option, settings, strict_option, today_option

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """`--config FILE`: the site settings, shared by build and preview."""
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Site settings (an mkdocs.yml). Default: mkdocs.yml next to the KB folder, if any.",
    )(func)


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site-build"),
    show_default=True,
    metavar="DIR",
    help="Folder for the built site (replaced on every build).",
)
@config_option
@json_option
@strict_option
@today_option
@click.pass_context
def build(
    ctx: click.Context,
    out: Path,
    config_file: Path | None,
    as_json: bool,
    strict: bool,
    today: dt.date,
) -> None:
    """Build the public patient site: only signed-off text, never drafts or staff notes.

    An entry edited since sign-off is published as its signed-off version from git history
    (or left out when there is none). Overdue pages carry a notice. Also writes a JSON copy
    of every published entry under api/. Prints what was published and what was left out.
    Exit status 1 with --strict when an entry was left out for errors or unreviewed changes.

    Example:  kbtool build --out site-build --today 2026-11-22
    """
    from ..publish import PublishError, build_site
    from ..report.build import BuildSummary, build_lines

    kb = settings(ctx).kb_path()
    try:
        report = build_site(kb, out, today, config=config_file)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    emit(BuildSummary(report, strict), "json" if as_json else "text", build_lines)
    ctx.exit(0 if report.ok(strict) else 1)
