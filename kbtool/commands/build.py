"""`kbtool build`: the public patient site, from signed-off entries only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..options import json_option, settings, strict_option, today_option
from ..report import plural, to_json

if TYPE_CHECKING:
    from ..publish import BuildReport

STATE_NOTES = {
    "overdue": "past its review date: the page shows a notice",
    "due-soon": "review due soon",
}


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

    kb = settings(ctx).kb_path()
    try:
        report = build_site(kb, out, today, config=config_file)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(to_json(report.as_dict(strict)))
    else:
        _print_report(report, strict)
    ctx.exit(0 if report.ok(strict) else 1)


def _print_report(report: BuildReport, strict: bool) -> None:
    from ..publish.urls import entry_url

    langs = ", ".join(
        f"{sum(1 for p in report.published if p.lang == lang)} {lang}" for lang in ("zh", "en")
    )
    click.echo(
        f"published {plural(len(report.published), 'entry').replace('entrys', 'entries')} "
        f"({langs}) to {report.out}: {report.pages} pages, {report.files} files, "
        f"{report.bytes / 1_000_000:.1f} MB"
    )
    width = max((len(item.id) for item in report.published), default=0)
    for item in report.published:
        notes = [STATE_NOTES[item.state]] if item.state in STATE_NOTES else []
        if item.commit:
            notes.append(
                f"edited since sign-off: published the signed-off version from commit "
                f"{item.commit[:10]} ({item.commit_date})"
            )
        if item.banner:
            notes.append(f"preview only: {item.banner}")
        suffix = f"  ({'; '.join(notes)})" if notes else ""
        click.echo(
            f"  {item.state:<9} {item.id:<{width}}  "
            f"{entry_url(item.lang, item.type, item.id)}{suffix}"
        )
    if report.left_out:
        click.echo(
            f"left out {plural(len(report.left_out), 'entry').replace('entrys', 'entries')}:"
        )
        for left in report.left_out:
            click.echo(f"  {left.file}: {left.reason}: {left.message}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    blocking = report.blocking()
    if strict and blocking:
        click.echo(
            f"--strict: {plural(len(blocking), 'entry').replace('entrys', 'entries')} left out for "
            "errors or unreviewed changes"
        )
