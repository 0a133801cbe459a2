"""`kbtool review ...`: sign entries off, see the review queue, see what changed since sign-off."""

from __future__ import annotations

import datetime as dt

import click

from ..model import REVIEW_STATES
from ..options import emit, json_option, settings, today_option
from ..report import problem_line


@click.group()
def review() -> None:
    """Clinical review: sign entries off, list what is due, see what changed since sign-off."""


@review.command()
@click.argument("entry_id", metavar="ID")
@click.option(
    "--by",
    "reviewers",
    multiple=True,
    required=True,
    metavar='"NAME (ROLE)"',
    help="Clinician signing off: name and role, or, when the KB has a reviewers.yaml, "
    "their reviewer id (or name). Repeat for several reviewers.",
)
@click.option(
    "--next-review",
    "next_review",
    metavar="YYYY-MM-DD",
    help="Date by which the entry must be reviewed again.",
)
@click.option(
    "--interval",
    metavar="12m",
    help="Time until the next review instead of a date: 90d, 6w, 12m or 2y. "
    "Default: per entry type, from kbtool.yaml (12 months; FAQs 24).",
)
@json_option
@today_option
@click.pass_context
def approve(
    ctx: click.Context,
    entry_id: str,
    reviewers: tuple[str, ...],
    next_review: str | None,
    interval: str | None,
    as_json: bool,
    today: dt.date,
) -> None:
    """Sign entry ID off: record who reviewed it, today's date, the next review date and a
    fingerprint of its content, so any later edit shows up as "changed".

    Only the review block of the file is written; everything else stays exactly as it is.
    Refused while the entry has errors in `kbtool check`.

    Example:  kbtool review approve ectopic-pregnancy --by "王医生(妇产科主治医师)" --interval 12m
    """
    from ..check import check_kb
    from ..report.review import approval_lines
    from ..review.approve import ApprovalRefused
    from ..review.approve import approve as approve_entry
    from ..review.signoff import SignOffError

    kb = settings(ctx).kb_path()
    due = None
    if next_review is not None:
        try:
            due = dt.date.fromisoformat(next_review)
        except ValueError:
            raise click.BadParameter(
                f"'{next_review}' is not a date: write it as YYYY-MM-DD", param_hint="--next-review"
            ) from None
    try:
        result = approve_entry(
            kb, check_kb(kb, today), entry_id, list(reviewers), today, due, interval
        )
    except ApprovalRefused as refused:
        lines = [str(refused), *(problem_line(p) for p in refused.problems), "nothing was changed"]
        raise click.ClickException("\n".join(lines)) from None
    except SignOffError as error:
        raise click.ClickException(str(error)) from None
    emit(result, "json" if as_json else "text", approval_lines)


@review.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(REVIEW_STATES),
    help="Only entries in this state (repeatable).",
)
@click.option("--specialty", help="Only entries of this specialty, e.g. 妇科.")
@click.option(
    "--due-within",
    "due_within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only entries whose next review is within DAYS days (overdue ones included).",
)
@click.option(
    "--callbacks",
    is_flag=True,
    help="Only aftercare entries whose follow-up call script is incomplete: warning signs "
    "without a question ('ask') or no call days ('callback.days').",
)
@json_option
@today_option
@click.pass_context
def status(
    ctx: click.Context,
    states: tuple[str, ...],
    specialty: str | None,
    due_within: int | None,
    callbacks: bool,
    as_json: bool,
    today: dt.date,
) -> None:
    """The review queue, most urgent first: changed and overdue, then due soon, then drafts.

    Example:  kbtool review status --specialty 妇科 --due-within 60
    """
    from ..callback import incomplete_scripts
    from ..config import load_config
    from ..consistency import entry_links
    from ..loader import load_kb
    from ..report.review import CallbackGaps, StatusReport, callback_gap_lines, status_lines
    from ..review.drift import stale_translations
    from ..review.queue import build_queue

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    loaded = load_kb(kb)
    stale = stale_translations([entry_links(entry) for entry in loaded.entries])
    queue = build_queue(loaded.entries, today, config, states, specialty, due_within, stale)
    if callbacks:
        gaps = CallbackGaps(incomplete_scripts(queue.items, loaded.entries))
        emit(gaps, "json" if as_json else "text", callback_gap_lines)
        return
    status = StatusReport(
        queue, stale=len({item.id for item in stale}), unreadable=len(loaded.problems)
    )
    emit(status, "json" if as_json else "text", status_lines)


@review.command()
@click.argument("entry_id", metavar="ID")
@json_option
@click.pass_context
def diff(ctx: click.Context, entry_id: str, as_json: bool) -> None:
    """What changed in entry ID since it was signed off, field by field, so the reviewer reads
    only the change. Uses git history to find the signed-off version.

    Example:  kbtool review diff ectopic-pregnancy
    """
    from ..report.review import diff_lines
    from ..review.diff import DiffUnavailable, signoff_diff

    try:
        diff = signoff_diff(settings(ctx).kb_path(), entry_id)
    except DiffUnavailable as error:
        raise click.ClickException(str(error)) from None
    emit(diff, "json" if as_json else "text", diff_lines)


@review.command()
@click.option(
    "--base",
    default="main",
    show_default=True,
    metavar="REV",
    help="Branch, tag or commit the change is compared with (its merge base with HEAD), "
    "e.g. origin/main in CI.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: a summary to post on a pull or merge request.",
)
@json_option
@today_option
@click.pass_context
def report(ctx: click.Context, base: str, output: str, as_json: bool, today: dt.date) -> None:
    """The entries changed since REV, for a pull or merge request: their review states, what
    `kbtool check` finds in them, and what changed field by field (since sign-off, for entries
    edited after it). Also notes sign-offs made by the author of the change in the same commit.

    Exit status 1 when a changed entry has errors.

    Example:  kbtool review report --base origin/main --format markdown > review-report.md
    """
    from ..check import check_kb
    from ..report.review import report_lines, report_markdown
    from ..review.history import HistoryError
    from ..review.report import build_report

    kb = settings(ctx).kb_path()
    try:
        result = build_report(kb, base, today, lambda files: check_kb(kb, today, only=files))
    except HistoryError as error:
        raise click.ClickException(str(error)) from None
    emit(result, "json" if as_json else output, report_lines, markdown=report_markdown)
    ctx.exit(1 if result.counts()["error"] else 0)
