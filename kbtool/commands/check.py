"""`kbtool check`: every problem in the knowledge base (or in the named files), in one run."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from ..check import check_kb
from ..options import emit, json_option, settings, strict_option, today_option
from ..report.check import CheckReport, check_lines, github_lines

WHOLE_KB_FILES = ("kbtool.yaml", "reviewers.yaml", "rules")
"""Files that affect every entry: naming one of them checks the whole knowledge base."""


@click.command()
@click.argument(
    "paths", nargs=-1, metavar="[PATH]...", type=click.Path(exists=True, path_type=Path)
)
@json_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "github"]),
    default=None,
    help="text (default); json (same as --json); github: GitHub Actions annotations, "
    "so problems show on the changed lines of a pull request.",
)
@strict_option
@today_option
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="Processes to check a large knowledge base with (default: one per CPU).",
)
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[Path, ...],
    as_json: bool,
    output: str | None,
    strict: bool,
    today: dt.date,
    jobs: int | None,
) -> None:
    """Check every entry, or only the entry files or folders named: schema, links between
    entries, review dates and sign-offs, unsafe markup, wording, stale translations.

    Named files are still compared with the whole knowledge base (ids, links, translations),
    so this is fast enough for a pre-commit hook. Prints one line per problem,
    `file:line:column: severity: message [code]`, then a summary. Exit status 0 when there are
    no errors, 1 when there are (or warnings with --strict).

    Example:  kbtool check kb/faq/opening-hours.yaml --kb kb    (or, in CI: kbtool check --format github)
    """
    kb = settings(ctx).kb_path()
    only = _only(kb, paths) if paths else None
    result = check_kb(kb, today, keep_entries=False, jobs=jobs or os.cpu_count() or 1, only=only)
    report = CheckReport(ok=result.ok(strict), entries=result.files, problems=result.problems)
    output = output or ("json" if as_json else "text")
    emit(report, output, check_lines, github=github_lines)
    ctx.exit(0 if report.ok else 1)


def _only(kb: Path, paths: tuple[Path, ...]) -> list[Path] | None:
    """The paths to check, or None for the whole KB (a KB-wide file or the KB itself was named)."""
    root = kb.resolve()
    for path in paths:
        resolved = path.resolve()
        if resolved != root and root not in resolved.parents:
            raise click.UsageError(
                f"'{path}' is not inside the knowledge-base folder '{kb}': name entry "
                "files under it, or point at another folder with --kb DIR"
            )
        relative = resolved.relative_to(root).parts
        if not relative or relative[0] in WHOLE_KB_FILES:
            return None
    return list(paths)
