"""`kbtool callback ID`: the follow-up call (回访) script of an aftercare entry."""

from __future__ import annotations

import datetime as dt

import click

from ..options import emit, json_option, settings, today_option


@click.command()
@click.argument("entry_id", metavar="ID")
@click.option(
    "--day",
    type=click.IntRange(1, 365),
    metavar="N",
    help="Which call this is: N days after the procedure (e.g. 7).",
)
@json_option
@today_option
@click.pass_context
def callback(
    ctx: click.Context, entry_id: str, day: int | None, as_json: bool, today: dt.date
) -> None:
    """The follow-up call (回访) script of aftercare entry ID: a neutral opening, the warning
    signs as questions (emergency first) with what to tell the patient for each "yes", the
    points to repeat, and a closing line. Nothing about the patient is recorded.

    Example:  kbtool callback abortion-aftercare --day 7
    """
    from ..callback import CallbackError, call_script, find_entry
    from ..config import load_config
    from ..loader import load_kb
    from ..report.callback import script_lines

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    try:
        entry = find_entry(load_kb(kb).entries, entry_id)
    except CallbackError as error:
        raise click.ClickException(str(error)) from None
    script = call_script(entry, today, config.due_soon_days, day)
    emit(script, "json" if as_json else "text", script_lines)
