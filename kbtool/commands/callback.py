"""`kbtool callback ID`: the follow-up call (回访) script of an aftercare entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..options import json_option, settings, today_option
from ..report import to_json

STATE_WARNINGS = {
    "draft": "DRAFT: not clinically reviewed. Do not use this script on calls yet.",
    "changed": "CHANGED since sign-off: the edits have not been clinically reviewed. Use with care.",
    "overdue": "OVERDUE for review: the script may be out of date. Tell the content lead.",
}
URGENCY_LABELS = {"emergency": "EMERGENCY", "urgent": "urgent", "routine": "routine"}


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

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    try:
        entry = find_entry(load_kb(kb).entries, entry_id)
    except CallbackError as error:
        raise click.ClickException(str(error)) from None
    script = call_script(entry, today, config.due_soon_days, day)
    if as_json:
        click.echo(to_json(script.as_dict()))
        return
    for line in render_script(script.as_dict()):
        click.echo(line)


def render_script(script: dict[str, Any]) -> list[str]:
    """The script as text to read from, top to bottom."""
    days = script["days"]
    lines = [f"Follow-up call: {script['title']} ({script['id']}, {script['file']})"]
    planned = ", ".join(str(d) for d in days) if isinstance(days, list) and days else "not set"
    lines.append(f"planned calls, days after the procedure: {planned}")
    if script["day"] is not None:
        note = "" if script["planned"] is not False else " (not one of the planned days)"
        lines.append(f"this call: day {script['day']}{note}")
    warning = STATE_WARNINGS.get(str(script["review_state"]))
    if warning:
        lines.append(warning)
    lines += ["", f"Before you start: {script['check_first']}", "", "Opening"]
    lines += [f"  {line}" for line in _texts(script["opener"])]
    lines += ["", "Questions (emergency first)"]
    questions = script["questions"]
    for question in questions if isinstance(questions, list) else []:
        label = URGENCY_LABELS.get(question["urgency"], question["urgency"])
        lines.append(f"  {question['number']}. [{label}] {question['ask']}")
        gap = " " if script["lang"] == "en" else ""
        advice = (
            f"{script['if_emergency']}{gap}{question['action']}"
            if question["stop"]
            else question["action"]
        )
        lines.append(f"     yes: {advice}")
    if not questions:
        lines.append("  (this entry has no warning signs)")
    lines.append(f"  not sure: {script['if_unsure']}")
    reminders = _texts(script["reminders"])
    if reminders:
        lines += ["", "Remind the patient"] + [f"  - {text}" for text in reminders]
    lines += ["", "Closing"] + [f"  {line}" for line in _texts(script["closing"])]
    if script["notes"]:
        lines += ["", f"Notes for this call (staff only): {script['notes']}"]
    if script["staff_notes"]:
        lines += ["", f"Staff notes (internal): {script['staff_notes']}"]
    missing = _texts(script["missing_ask"])
    if missing:
        lines += [
            "",
            (
                f"{len(missing)} warning sign(s) have no follow-up question ('ask') yet and are "
                "asked as written; ask a clinician to add them (kbtool review status --callbacks)"
            ),
        ]
    return lines


def _texts(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
