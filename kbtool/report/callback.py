"""`kbtool callback`: the follow-up call (回访) script as text to read from (JSON: `as_dict()`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import plural

if TYPE_CHECKING:
    from ..callback import CallScript

STATE_WARNINGS = {
    "draft": "DRAFT: not clinically reviewed. Do not use this script on calls yet.",
    "changed": "CHANGED since sign-off: the edits have not been clinically reviewed. Use with care.",
    "overdue": "OVERDUE for review: the script may be out of date. Tell the content lead.",
}
URGENCY_LABELS = {"emergency": "EMERGENCY", "urgent": "urgent", "routine": "routine"}


def script_lines(call: CallScript) -> list[str]:
    """The script as text to read from, top to bottom."""
    script = call.as_dict()
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
                f"{plural(len(missing), 'warning sign')} without a follow-up question ('ask') yet, "
                "asked as written: ask a clinician to add them (kbtool review status --callbacks)"
            ),
        ]
    return lines


def _texts(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
