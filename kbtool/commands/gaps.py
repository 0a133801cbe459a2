"""`kbtool gaps`: what staff searched for and did not find, most frequent first."""

from __future__ import annotations

import datetime as dt
import os

import click

from ..options import emit, json_option, settings


def _parse_since(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-01"
        ) from None


@click.command()
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    callback=_parse_since,
    help="Only searches on or after this date.",
)
@json_option
@click.pass_context
def gaps(ctx: click.Context, since: dt.date | None, as_json: bool) -> None:
    """List searches that found nothing useful, most frequent first.

    Every search by staff that finds no entry, or none matching most of its words, is
    recorded with its time (long numbers such as phone or ID numbers are masked). A query
    that comes up again and again is an answer the knowledge base is missing.

    Example:  kbtool gaps --since 2026-11-01
    """
    from ..config import load_config
    from ..report.search import GapsReport, gap_lines
    from ..search.gaps import gaps_file, read_gaps, summarize
    from ..search.store import cache_dir_for

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    records = read_gaps(gaps_file(cache_dir_for(kb, config.cache_dir, os.environ)))
    report = GapsReport(since, summarize(records, since))
    emit(report, "json" if as_json else "text", gap_lines)
