"""Checks that need more than the schema: ids against file names and folders, links between
entries, review dates, and unsafe markup in patient-facing text."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fields import text_values
from .hints import approve_hint
from .markup import scan_markdown, scan_plain
from .model import (
    ENTRY_TYPES,
    FOLDER_TYPES,
    ISO_DATE,
    Entry,
    FieldPath,
    Problem,
    Severity,
    parse_date,
)


def _problem(
    entry: Entry,
    where: FieldPath,
    severity: Severity,
    code: str,
    message: str,
    *,
    key: bool = False,
) -> Problem:
    line, column = entry.key_position(where) if key else entry.position(where)
    return Problem(entry.file, line, column, severity, code, message, entry.id)


def entry_problems(entry: Entry, today: dt.date | None = None) -> list[Problem]:
    """Single-entry checks beyond the schema: file name, folder, dates, markup."""
    return [
        *_identity(entry),
        *_dates(entry, today),
        *_markup(entry),
        *_invisible(entry),
        *_callback(entry),
    ]


def _identity(entry: Entry) -> list[Problem]:
    problems = []
    stem = entry.path.stem
    entry_id = entry.data.get("id")
    if isinstance(entry_id, str) and entry_id != stem:
        problems.append(
            _problem(
                entry,
                ("id",),
                "error",
                "id-filename",
                f"id '{entry_id}' does not match the file name '{stem}.yaml': "
                f"change the id to '{stem}' or rename the file to '{entry_id}.yaml'",
            )
        )
    kind = entry.data.get("type")
    expected = FOLDER_TYPES.get(entry.folder)
    if isinstance(kind, str) and kind in ENTRY_TYPES and expected and kind != expected:
        problems.append(
            _problem(
                entry,
                ("type",),
                "error",
                "type-folder",
                f"type '{kind}' does not match the folder '{entry.folder}/': "
                f"use 'type: {expected}' or move the file to '{ENTRY_TYPES[kind]}/'",
            )
        )
    return problems


def _dates(entry: Entry, today: dt.date | None) -> list[Problem]:
    review = entry.data.get("review")
    if not isinstance(review, dict):
        return []
    problems = []
    dates: dict[str, dt.date] = {}
    for name in ("reviewed_on", "next_review"):
        value = review.get(name)
        if value is None:
            continue
        parsed = parse_date(value)
        if parsed is None:
            what = (
                "is not a real calendar date"
                if isinstance(value, str) and ISO_DATE.match(value)
                else "must be a date written YYYY-MM-DD, e.g. 2026-03-01"
            )
            problems.append(
                _problem(
                    entry,
                    ("review", name),
                    "error",
                    "review-date",
                    f"'review.{name}' {what} (found {value!r})",
                )
            )
        else:
            dates[name] = parsed
    reviewed, due = dates.get("reviewed_on"), dates.get("next_review")
    if reviewed and due and due <= reviewed:
        problems.append(
            _problem(
                entry,
                ("review", "next_review"),
                "error",
                "review-date",
                f"'review.next_review' ({due}) must be after 'review.reviewed_on' "
                f"({reviewed}): set the date by which it must be reviewed again",
            )
        )
    if reviewed and today and reviewed > today:
        problems.append(
            _problem(
                entry,
                ("review", "reviewed_on"),
                "error",
                "review-date",
                f"'review.reviewed_on' ({reviewed}) is in the future: "
                "write the date the entry was actually signed off",
            )
        )
    if "reviewed_on" in review and "next_review" not in review:
        problems.append(
            _problem(
                entry,
                ("review",),
                "error",
                "review-incomplete",
                "a signed-off entry needs 'review.next_review': add the date by "
                "which it must be reviewed again",
                key=True,
            )
        )
    if "reviewed_on" in review and not review.get("reviewed_by"):
        problems.append(
            _problem(
                entry,
                ("review",),
                "error",
                "review-incomplete",
                "a signed-off entry needs 'review.reviewed_by': add the name and role "
                "of the clinician who signed it off",
                key=True,
            )
        )
    if "reviewed_on" not in review and review.get("reviewed_by"):
        problems.append(
            _problem(
                entry,
                ("review",),
                "warning",
                "review-incomplete",
                "'review.reviewed_by' is set but 'review.reviewed_on' is missing, so this "
                f"entry is still a draft: sign it off with {approve_hint(entry.id)}",
                key=True,
            )
        )
    return problems


def _markup(entry: Entry) -> list[Problem]:
    """Raw HTML or scripts in any text patients read or hear (the fields the registry marks
    as wording-checked): Markdown fields may hold Markdown, plain fields no markup at all."""
    problems = []
    for where, item, value in text_values(entry.data, lambda item: item.wording):
        scan = scan_markdown if item.markdown else scan_plain
        for issue in scan(value):
            problems.append(_markup_problem(entry, where, issue.kind, issue.offset, issue.text))
    return problems


INVISIBLE = {
    **{
        chr(c): "a right-to-left or left-to-right control"
        for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    },
    **{
        chr(c): "a zero-width character"
        for c in (0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF)
    },
}
"""Characters a reviewer cannot see that change what a reader sees (reordered or split text)."""
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
NAMING_FIELDS = ("id", "title")
"""Where an invisible character is an error: the page's address and name."""


def _invisible(entry: Entry) -> list[Problem]:
    problems = []
    for where, text in _strings(entry.data, ()):
        found = _INVISIBLE_RE.search(text)
        if found is None:
            continue
        char = found.group()
        severity: Severity = "error" if where in {(name,) for name in NAMING_FIELDS} else "warning"
        line, column = entry.locate(where, found.start(), 1)
        problems.append(
            Problem(
                entry.file,
                line,
                column,
                severity,
                "invisible-character",
                f"invisible character U+{ord(char):04X} ({INVISIBLE[char]}) in '{_dotted(where)}': it can make "
                "the published page read differently from what the reviewer saw: delete it "
                "(retype the text around it if your editor does not show it)",
                entry.id,
            )
        )
    return problems


def _strings(value: Any, where: FieldPath) -> list[tuple[FieldPath, str]]:
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, dict):
        return [item for key, child in value.items() for item in _strings(child, (*where, key))]
    if isinstance(value, list):
        return [
            item for index, child in enumerate(value) for item in _strings(child, (*where, index))
        ]
    return []


def _dotted(where: FieldPath) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in where).lstrip(
        "."
    )


def _callback(entry: Entry) -> list[Problem]:
    """A callback script belongs to aftercare: a call after a procedure."""
    kind = entry.data.get("type")
    if "callback" in entry.data and isinstance(kind, str) and kind != "aftercare":
        return [
            _problem(
                entry,
                ("callback",),
                "error",
                "callback-type",
                f"'callback' is only for aftercare entries (this is a {kind}): remove it, "
                "or move the follow-up call script to the aftercare entry",
                key=True,
            )
        ]
    return []


def _markup_problem(entry: Entry, where: FieldPath, kind: str, offset: int, text: str) -> Problem:
    line, column = entry.locate(where, offset, len(text))
    if kind == "html":
        message = (
            f"raw HTML {text!r} is not allowed in patient text: use Markdown instead "
            "(## for headings, **bold**, - for lists) or remove it"
        )
        code = "raw-html"
    else:
        message = (
            f"unsafe link {text!r}: links may only be http://, https:// or relative; "
            "remove it or link to a web page"
        )
        code = "unsafe-link"
    return Problem(entry.file, line, column, "error", code, message, entry.id)


@dataclass(frozen=True)
class EntryLinks:
    """What the cross-entry checks need to know about one entry (small, cheap to pass around)."""

    id: str
    file: str
    lang: str | None
    id_place: tuple[int | None, int | None]
    links: tuple[tuple[str, str, int | None, int | None], ...]  # (field, target id, line, column)
    path: Path | None = None
    reviewed_on: str | None = None
    fingerprint: str | None = None
    review_place: tuple[int | None, int | None] = (None, None)


def entry_links(entry: Entry) -> EntryLinks:
    links = []
    for field_name in ("related", "translations"):
        targets = entry.data.get(field_name)
        if isinstance(targets, list):
            for index, target in enumerate(targets):
                if isinstance(target, str):
                    links.append((field_name, target, *entry.position((field_name, index))))
    review = entry.review
    reviewed_on, stored = review.get("reviewed_on"), review.get("fingerprint")
    return EntryLinks(
        entry.id,
        entry.file,
        entry.lang,
        entry.position(("id",)),
        tuple(links),
        path=entry.path,
        reviewed_on=str(reviewed_on) if reviewed_on else None,
        fingerprint=stored if isinstance(stored, str) else None,
        review_place=entry.key_position(("review",)),
    )


def kb_problems(entries: list[Entry]) -> list[Problem]:
    """Checks across the whole KB: unique ids, and links to entries that exist."""
    return link_problems([entry_links(entry) for entry in entries])


def link_problems(records: list[EntryLinks], broken: dict[str, str] | None = None) -> list[Problem]:
    """Unique ids, and `related` / `translations` naming entries that exist.

    `broken` maps the id (file name) of each entry file that could not be read to its file:
    a link to one is only a warning, so one broken file never takes the pages that link to
    it off the site (the link is left out until the file is fixed)."""
    problems: list[Problem] = []
    by_id: dict[str, list[EntryLinks]] = defaultdict(list)
    for record in records:
        by_id[record.id].append(record)
    for entry_id, holders in sorted(by_id.items()):
        if len(holders) > 1:
            files = ", ".join(holder.file for holder in holders)
            for holder in holders:
                problems.append(
                    Problem(
                        holder.file,
                        *holder.id_place,
                        "error",
                        "duplicate-id",
                        f"id '{entry_id}' is used by more than one entry ({files}): "
                        "ids must be unique across the knowledge base; rename one",
                        holder.id,
                    )
                )
    for record in records:
        problems.extend(_links(record, by_id, broken or {}))
    return problems


def _links(
    record: EntryLinks, by_id: dict[str, list[EntryLinks]], broken: dict[str, str]
) -> list[Problem]:
    problems = []
    for field_name, target, line, column in record.links:
        found = _link_problem(record, field_name, target, by_id)
        if found is not None and found[1] == f"{field_name}-missing" and target in broken:
            found = (
                "warning",
                f"{field_name}-unreadable",
                (
                    f"'{field_name}' names '{target}', whose file {broken[target]} cannot be read "
                    "(see its own error): the link is left out of the site until that file is fixed"
                ),
            )
        if found is not None:
            severity, code, message = found
            problems.append(Problem(record.file, line, column, severity, code, message, record.id))
    return problems


def _link_problem(
    record: EntryLinks, field_name: str, target: str, by_id: dict[str, list[EntryLinks]]
) -> tuple[Severity, str, str] | None:
    if target == record.id:
        return (
            "warning",
            f"{field_name}-self",
            f"'{field_name}' lists this entry itself: remove '{target}'",
        )
    if target not in by_id:
        close = difflib.get_close_matches(target, list(by_id), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "check the spelling or remove it"
        return (
            "error",
            f"{field_name}-missing",
            f"'{field_name}' names '{target}', but no entry has that id: {hint}",
        )
    if field_name == "translations" and by_id[target][0].lang == record.lang:
        message = (
            f"'{target}' is in the same language ({record.lang}) as this entry: "
            "translations should link entries in different languages"
        )
        return "warning", "translations-lang", message
    return None
