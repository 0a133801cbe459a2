"""The follow-up call (回访) script of an aftercare entry, made from its reviewed content.

The questions are the entry's warning signs (`red_flags[].ask`, emergency first), each with
what to tell the patient when the answer is yes; the reminders are `callback.remind`. The
opener and closing are fixed, neutral text: who is calling and why, never anything
promotional, and never the name of the procedure before the patient's identity is confirmed.
Pure: the script is data; kbtool never records the patient's answers."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from .model import Entry, by_urgency
from .review.state import review_state

SCRIPT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "check_first": "先核实对方是患者本人，并确认现在方便通话，再说明来电目的。"
        "不是本人或不方便时，不提治疗内容，另约时间再打。",
        "hello": "您好，我是医院的回访工作人员（说出您的姓名和科室）。请问是患者本人吗？",
        "time": "请问现在方便说几分钟话吗？",
        "purpose": "这次来电是了解您上次治疗后的恢复情况，想问您几个问题，只需要几分钟。",
        "purpose_day": "这次来电是了解您上次治疗后第 {day} 天的恢复情况，想问您几个问题，只需要几分钟。",
        "fallback_ask": "有没有出现这种情况：{when}？",
        "emergency": "停止回访，告诉患者现在就拨打 120 或立即去最近的急诊。",
        "unsure": "患者不确定时：不要替患者排除，请按本院流程转给值班医生或护士判断；"
        "通话中情况加重时，按“是”的建议处理。",
        "next_call": "我们会在治疗后第 {day} 天左右再给您打电话。",
        "close": "以后如果出现我刚才问到的任何情况，请马上按刚才说的去做，不用等医院来电。谢谢您，祝您顺利恢复。",
    },
    "en": {
        "check_first": "First make sure you are speaking to the patient and that it is a good time to "
        "talk, then say why you are calling. If it is not the patient, or not a good "
        "time, do not mention the treatment; arrange another time.",
        "hello": "Hello, this is (your name) from the hospital's follow-up team (your department). "
        "Am I speaking to the patient?",
        "time": "Is now a good time to talk for a few minutes?",
        "purpose": "I'm calling to see how you are recovering after your recent treatment. "
        "I have a few questions; it takes a few minutes.",
        "purpose_day": "I'm calling to see how you are recovering, {day} days after your recent "
        "treatment. I have a few questions; it takes a few minutes.",
        "fallback_ask": "Have you had this: {when}?",
        "emergency": "Stop the call script. Tell the patient to call 120 now or go to the nearest "
        "emergency department straight away.",
        "unsure": "If the patient is not sure: do not rule it out for them. Pass the call to the "
        "nurse or doctor on duty, as your hospital arranges; if things get worse during "
        "the call, give the advice for yes.",
        "next_call": "We will call you again about {day} days after your treatment.",
        "close": "If any of the things I asked about happen, do what I said straight away; do not "
        "wait for us to call. Thank you, and I hope your recovery goes well.",
    },
}
"""The fixed parts of every call script, in the entry's language."""


class CallbackError(Exception):
    """No script can be made for this id; the message says why and what to do."""


@dataclass(frozen=True)
class Question:
    """One warning sign asked on the call; `ask` falls back to the sign itself when unwritten."""

    number: int
    ask: str
    written: bool
    when: str
    urgency: str
    action: str
    stop: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "ask": self.ask,
            "ask_written": self.written,
            "when": self.when,
            "urgency": self.urgency,
            "action": self.action,
            "stop": self.stop,
        }


@dataclass(frozen=True)
class CallScript:
    """Everything staff say and need on one follow-up call, in the order of the call."""

    id: str
    title: str
    lang: str
    file: str
    review_state: str
    reviewed_by: str | list[str] | None
    reviewed_on: str | None
    days: list[int]
    day: int | None
    planned: bool | None
    next_day: int | None
    check_first: str
    opener: list[str]
    questions: list[Question]
    if_emergency: str
    if_unsure: str
    reminders: list[str]
    closing: list[str]
    notes: str | None
    staff_notes: str | None
    missing_ask: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape, shared by `kbtool callback --json` and the staff app."""
        return {
            "id": self.id,
            "title": self.title,
            "lang": self.lang,
            "file": self.file,
            "review_state": self.review_state,
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on,
            "days": self.days,
            "day": self.day,
            "planned": self.planned,
            "next_day": self.next_day,
            "check_first": self.check_first,
            "opener": self.opener,
            "questions": [q.as_dict() for q in self.questions],
            "if_emergency": self.if_emergency,
            "if_unsure": self.if_unsure,
            "reminders": self.reminders,
            "closing": self.closing,
            "notes": self.notes,
            "staff_notes": self.staff_notes,
            "missing_ask": self.missing_ask,
        }


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def callback_block(entry: Entry) -> dict[str, Any]:
    value = entry.data.get("callback")
    return value if isinstance(value, dict) else {}


def call_days(entry: Entry) -> list[int]:
    """The planned call days, in order (bad values are the schema check's business)."""
    days = callback_block(entry).get("days")
    found = days if isinstance(days, list) else []
    return sorted({d for d in found if isinstance(d, int) and not isinstance(d, bool) and d > 0})


def missing_asks(entry: Entry) -> list[str]:
    """The warning signs (`when`) that have no follow-up question (`ask`) yet."""
    return [flag.when for flag in entry.red_flags if not flag.ask]


def questions(entry: Entry, words: dict[str, str]) -> list[Question]:
    """The warning signs as questions: emergency first, then urgent, then routine."""
    flags = by_urgency(entry.red_flags)
    found = []
    for number, flag in enumerate(flags, start=1):
        when, ask, urgency = flag.when, flag.ask, flag.urgency
        found.append(
            Question(
                number,
                ask or words["fallback_ask"].format(when=when.rstrip("。.")),
                bool(ask),
                when,
                urgency,
                flag.action,
                urgency == "emergency",
            )
        )
    return found


def find_entry(entries: list[Entry], entry_id: str) -> Entry:
    """The aftercare entry with this id, or a CallbackError naming the fix."""
    by_id = {entry.id: entry for entry in entries}
    entry = by_id.get(entry_id)
    if entry is None:
        aftercare = sorted(e.id for e in entries if e.type == "aftercare")
        close = difflib.get_close_matches(entry_id, aftercare, n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else f"aftercare entries: {', '.join(aftercare) or 'none'}"
        )
        raise CallbackError(
            f"no readable entry with id '{entry_id}': {hint} "
            "(run 'kbtool check' if an entry file cannot be read)"
        )
    if entry.type != "aftercare":
        raise CallbackError(
            f"'{entry_id}' is a {entry.type or 'untyped'} entry: follow-up call "
            "scripts are made from aftercare entries (kb/aftercare/)"
        )
    return entry


def call_script(
    entry: Entry, today: dt.date, due_soon_days: int = 30, day: int | None = None
) -> CallScript:
    """The call script for an aftercare entry; `day` is the day after the procedure, if known."""
    words = SCRIPT_TEXT["en" if entry.lang == "en" else "zh"]
    days = call_days(entry)
    planned = (day in days) if day is not None and days else None
    later = [d for d in days if day is not None and d > day]
    purpose = words["purpose_day"].format(day=day) if day is not None else words["purpose"]
    block = callback_block(entry)
    reminders = block.get("remind")
    review = entry.review
    closing = ([words["next_call"].format(day=later[0])] if later else []) + [words["close"]]
    return CallScript(
        id=entry.id,
        title=entry.title,
        lang=entry.lang or "zh",
        file=entry.file,
        review_state=review_state(entry, today, due_soon_days),
        reviewed_by=review.get("reviewed_by"),
        reviewed_on=str(review["reviewed_on"]) if review.get("reviewed_on") else None,
        days=days,
        day=day,
        planned=planned,
        next_day=later[0] if later else None,
        check_first=words["check_first"],
        opener=[words["hello"], words["time"], purpose],
        questions=questions(entry, words),
        if_emergency=words["emergency"],
        if_unsure=words["unsure"],
        reminders=[_text(r) for r in reminders if _text(r)] if isinstance(reminders, list) else [],
        closing=closing,
        notes=_text(block.get("notes")) or None,
        staff_notes=_text(entry.data.get("staff_notes")) or None,
        missing_ask=missing_asks(entry),
    )


def callback_gaps(entry: Entry) -> dict[str, Any] | None:
    """What an aftercare entry's call script still lacks: questions for its warning signs
    and planned call days. None when nothing is missing (or the entry is not aftercare)."""
    if entry.type != "aftercare":
        return None
    missing, days = missing_asks(entry), call_days(entry)
    if not missing and days:
        return None
    return {
        "id": entry.id,
        "title": entry.title,
        "file": entry.file,
        "days": days,
        "missing_ask": missing,
    }


def incomplete_scripts(items: list[Any], entries: list[Entry]) -> list[dict[str, Any]]:
    """`callback_gaps` of the queue's aftercare entries, in queue order, with their review state."""
    by_id = {entry.id: entry for entry in entries}
    return [
        {**found, "state": item.state}
        for item in items
        if item.id in by_id and (found := callback_gaps(by_id[item.id])) is not None
    ]
