"""`kbtool check`: every problem in the knowledge base, in one run."""

from __future__ import annotations

import datetime as dt
import os

import click

from ..check import check_kb
from ..options import json_option, settings, strict_option, today_option
from ..report import check_summary, problem_line, to_json


@click.command()
@json_option
@strict_option
@today_option
@click.option("--jobs", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Processes to check a large knowledge base with (default: one per CPU).")
@click.pass_context
def check(ctx: click.Context, as_json: bool, strict: bool, today: dt.date, jobs: int | None) -> None:
    """Check every entry: schema, links between entries, review dates, unsafe markup, wording.

    Prints one line per problem, `file:line:column: severity: message [code]`, then a summary.
    Exit status 0 when there are no errors, 1 when there are (or warnings with --strict).

    Example:  kbtool --kb kb check --json
    """
    kb = settings(ctx).kb_path()
    result = check_kb(kb, today, keep_entries=False, jobs=jobs or os.cpu_count() or 1)
    ok = result.ok(strict)
    if as_json:
        click.echo(to_json({"ok": ok, "entries": result.files,
                            "problems": [p.as_dict() for p in result.problems]}))
    else:
        for problem in result.problems:
            click.echo(problem_line(problem))
        click.echo(check_summary(result.files, result.problems))
    ctx.exit(0 if ok else 1)
