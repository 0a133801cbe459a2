"""`kbtool search`: find the approved answer from the words a caller uses."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import IO, Any

import click

from ..model import ENTRY_TYPES
from ..options import emit, json_option, settings, today_option


@click.command()
@click.argument("words", nargs=-1, metavar="QUERY...")
@click.option(
    "--batch",
    "batch",
    type=click.File("rb"),
    metavar="FILE",
    help="Search every line of FILE ('-' for standard input); with --json prints one "
    "JSON object per line. Batch queries are not logged as gaps.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="How many entries to show.",
)
@click.option(
    "--type", "kind", type=click.Choice(sorted(ENTRY_TYPES)), help="Only this type of entry."
)
@click.option("--lang", type=click.Choice(["zh", "en"]), help="Only entries in this language.")
@click.option("--specialty", metavar="NAME", help="Only entries of this specialty, e.g. 妇科.")
@click.option("--include-drafts", is_flag=True, help="Also show drafts (never signed off).")
@click.option("--no-log", is_flag=True, help="Do not record this query as a content gap.")
@json_option
@today_option
@click.pass_context
def search(
    ctx: click.Context,
    words: tuple[str, ...],
    batch: IO[bytes] | None,
    limit: int,
    kind: str | None,
    lang: str | None,
    specialty: str | None,
    include_drafts: bool,
    no_log: bool,
    as_json: bool,
    today: dt.date,
) -> None:
    """Find the approved answer for what a caller says.

    Type the caller's own words: an everyday name (红眼病), a symptom (人流后一直出血), a
    question (能刷医保卡吗), pinyin (gongwaiyun), English, or a mix (HPV 疫苗); quotes are
    not needed. Typos are fine; when the search corrects one it says so ("Showing results
    for 宫外孕"). A query starting with '-' goes after '--':  kbtool search -- -5度

    Each result shows the warning signs that mean emergency or urgent care first, then the
    approved short answer, and a clear warning when the answer is overdue for review or was
    changed after sign-off. Drafts are left out unless --include-drafts is given.

    Searches that find nothing useful are recorded (numbers masked) so authors can see
    which answers are missing: kbtool gaps.

    Example:  kbtool search 宫外运 --limit 3
    """
    if bool(words) == (batch is not None):
        raise click.UsageError(
            "give a QUERY, or --batch FILE with one query per line (example: kbtool search 红眼病)"
        )
    query = " ".join(words)
    kb = settings(ctx).kb_path()
    from ..search.opening import SearchUnavailable, open_searcher

    try:
        opened = open_searcher(kb, os.environ)
    except SearchUnavailable as error:
        raise click.ClickException(str(error)) from None
    if opened.note:
        click.echo(opened.note, err=True)
    searcher, cache = opened.searcher, opened.cache
    options: dict[str, Any] = {
        "limit": limit,
        "type": kind,
        "lang": lang,
        "specialty": specialty,
        "include_drafts": include_drafts,
        "today": today,
    }
    with searcher:
        if batch is not None:
            _run_batch(searcher, batch, options, as_json)
            return
        response = searcher.search(query, **options)
        logged = False
        if response.is_gap and not no_log:
            logged = _log_gap(cache, response.query)
        from ..report.search import response_lines

        emit(
            response,
            "json" if as_json else "text",
            lambda found: response_lines(found, logged=logged, mark=_mark),
        )


def _run_batch(searcher: Any, batch: IO[bytes], options: dict[str, Any], as_json: bool) -> None:
    """One query per line; JSON Lines with --json (the warm searcher is reused for all)."""
    text = batch.read().decode("utf-8-sig", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    from ..report.search import batch_lines

    for raw in lines:
        response = searcher.search(raw.rstrip("\r"), **options)
        emit(response, "json-line" if as_json else "text", lambda found: batch_lines(found, _mark))


def _log_gap(cache: Path, query: str) -> bool:
    from ..search.gaps import gaps_file, record_gap

    try:
        record_gap(gaps_file(cache), query, dt.datetime.now().astimezone())
        return True
    except OSError:
        return False


def _mark(text: str) -> str:
    return click.style(text, bold=True, underline=True) if sys.stdout.isatty() else text
