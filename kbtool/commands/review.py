"""`kbtool review ...`: sign entries off, see the review queue, see what changed since sign-off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..options import json_option, settings, today_option
from ..report import plural, problem_line, to_json

STATE_CHOICES = ("changed", "overdue", "due-soon", "draft", "current")
STATE_LABELS = {
    "changed": "CHANGED since sign-off",
    "overdue": "OVERDUE",
    "due-soon": "due soon",
    "draft": "draft",
    "current": "current",
}


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
        result = approve_entry(kb, entry_id, list(reviewers), today, due, interval)
    except ApprovalRefused as refused:
        lines = [str(refused), *(problem_line(p) for p in refused.problems), "nothing was changed"]
        raise click.ClickException("\n".join(lines)) from None
    except SignOffError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(to_json({"id": result.entry_id, "file": result.file, "review": result.review}))
    else:
        click.echo(
            f"signed off {result.entry_id} ({result.file}): reviewed on {result.review['reviewed_on']}, "
            f"next review {result.review['next_review']}"
        )


@review.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(STATE_CHOICES),
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
    from ..config import load_config
    from ..consistency import entry_links
    from ..loader import load_kb
    from ..review.drift import stale_translations
    from ..review.queue import build_queue

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    loaded = load_kb(kb)
    stale = stale_translations([entry_links(entry) for entry in loaded.entries])
    queue = build_queue(loaded.entries, today, config, states, specialty, due_within, stale)
    if callbacks:
        _callback_status(queue.items, loaded.entries, as_json)
        return
    if as_json:
        click.echo(to_json(queue.as_dict()))
        return
    counts = ", ".join(f"{queue.counts[state]} {state}" for state in STATE_CHOICES)
    stale_count = len({item.id for item in stale})
    if stale_count:
        counts += f"; {stale_count} translation-stale"
    click.echo(f"review queue on {today}: {counts}")
    for name, per_state in queue.by_specialty.items():
        waiting = {s: n for s, n in per_state.items() if n and s != "current"}
        if waiting:
            click.echo(f"  {name}: " + ", ".join(f"{n} {s}" for s, n in waiting.items()))
    if not queue.items:
        click.echo("no entries match")
    for item in queue.items:
        reviewer = (
            item.reviewed_by
            if isinstance(item.reviewed_by, str)
            else "; ".join(item.reviewed_by or [])
        )
        dates = (
            f"reviewed {item.reviewed_on} by {reviewer or '?'}, next review {item.next_review or '?'}"
            if item.reviewed_on
            else "never signed off"
        )
        click.echo(f"\n[{STATE_LABELS[item.state]}] {item.id}: {item.title}")
        click.echo(f"    {dates}")
        click.echo(f"    {item.file}")
        if item.translation_stale:
            stale_info = item.translation_stale
            click.echo(
                f"    translation-stale: '{stale_info['partner']}' was changed and signed off again on "
                f"{stale_info['partner_signed_on']}: update this translation to match"
            )
        for exception in item.wording_exceptions:
            click.echo(
                f"    wording exception {exception['rule']}: {exception['reason'] or '(no reason given)'}"
            )
    if loaded.problems:
        click.echo(
            f"\n{plural(len(loaded.problems), 'file')} could not be read: run 'kbtool check' for details"
        )


def _callback_status(items: list[Any], entries: list[Any], as_json: bool) -> None:
    """Aftercare entries (in queue order) whose call script still lacks questions or days."""
    from ..callback import callback_gaps

    by_id = {entry.id: entry for entry in entries}
    gaps = [
        {**found, "state": item.state}
        for item in items
        if item.id in by_id and (found := callback_gaps(by_id[item.id])) is not None
    ]
    if as_json:
        click.echo(to_json({"count": len(gaps), "entries": gaps}))
        return
    if not gaps:
        click.echo(
            "every aftercare entry has a follow-up question for each warning sign and call days"
        )
        return
    click.echo(
        f"{plural(len(gaps), 'aftercare entry').replace('entrys', 'entries')} with an "
        "incomplete follow-up call script:"
    )
    for gap in gaps:
        click.echo(f"\n[{STATE_LABELS[gap['state']]}] {gap['id']}: {gap['title']}")
        click.echo(f"    {gap['file']}")
        if not gap["days"]:
            click.echo(
                "    no call days: add 'callback:' with 'days:', the days after the procedure when calls are due, e.g. [1, 7, 30]"
            )
        for when in gap["missing_ask"]:
            click.echo(f"    no 'ask' for the warning sign: {when}")


@review.command()
@click.argument("entry_id", metavar="ID")
@json_option
@click.pass_context
def diff(ctx: click.Context, entry_id: str, as_json: bool) -> None:
    """What changed in entry ID since it was signed off, field by field, so the reviewer reads
    only the change. Uses git history to find the signed-off version.

    Example:  kbtool review diff ectopic-pregnancy
    """
    from ..history import HistoryError, signed_off_revision
    from ..loader import load_kb
    from ..review.diff import entry_changes

    kb = settings(ctx).kb_path()
    entry = next((e for e in load_kb(kb).entries if e.id == entry_id), None)
    if entry is None:
        raise click.ClickException(
            f"no readable entry with id '{entry_id}' in {kb}: run 'kbtool check'"
        )
    if not entry.review.get("fingerprint"):
        raise click.ClickException(
            f"'{entry_id}' has no sign-off fingerprint, so there is no signed-off version to compare with: "
            "sign it off with 'kbtool review approve'"
        )
    try:
        revision = signed_off_revision(entry)
    except HistoryError as error:
        raise click.ClickException(str(error)) from None
    if revision is None:
        raise click.ClickException(
            f"no committed version of {entry.file} matches its sign-off fingerprint: commit the file "
            "right after signing it off so later changes can be compared"
        )
    changes = entry_changes(revision.data, entry.data)
    if as_json:
        click.echo(
            to_json(
                {
                    "id": entry_id,
                    "file": entry.file,
                    "signed_off_commit": revision.commit,
                    "signed_off_date": revision.date,
                    "changes": [c.as_dict() for c in changes],
                }
            )
        )
        return
    click.echo(
        f"{entry.file}: signed-off version is commit {revision.commit[:10]} ({revision.date})"
    )
    if not changes:
        click.echo("no changes to the content since sign-off")
    for change in changes:
        click.echo(f"\n== {change.field} ({change.kind}) ==")
        for line in change.diff:
            click.echo(line)


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
    from ..history import HistoryError
    from ..review.report import build_report
    from ..review.report_render import render_markdown, render_text

    kb = settings(ctx).kb_path()
    try:
        result = build_report(kb, base, today)
    except HistoryError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        click.echo(to_json(result.as_dict()))
    else:
        click.echo(
            render_markdown(result) if output == "markdown" else render_text(result), nl=False
        )
    ctx.exit(1 if result.counts()["error"] else 0)
