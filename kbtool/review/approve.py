"""`review approve`: check the entry, work out the next review date, write the sign-off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Entry, Problem
from ..new import unfinished_fields
from . import CheckedKb
from .signoff import SignOff, SignOffError, add_interval, parse_interval, write_signoff


@dataclass(frozen=True)
class Approval:
    entry_id: str
    file: str
    review: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.entry_id, "file": self.file, "review": self.review}


REPLACED_BY_SIGNOFF = frozenset(
    {
        "review-incomplete",
        "review-date",
        "changed",
        "overdue",
        "reviewer-unknown",
        "reviewer-specialty",
    }
)
"""Problem codes about the review block itself: the sign-off being written replaces it."""


class ApprovalRefused(SignOffError):
    """The entry does not pass `kbtool check`; `problems` says why."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


def approve(
    kb: Path,
    checked: CheckedKb,
    entry_id: str,
    reviewers: list[str],
    today: dt.date,
    next_review: dt.date | None = None,
    interval: str | None = None,
) -> Approval:
    """Sign an entry off as of `today`, given what `kbtool check` found in `kb` today.
    Raises SignOffError (nothing written) when it cannot."""
    names = [name.strip() for name in reviewers if name.strip()]
    if not names:
        raise SignOffError('say who is signing off: --by "name (role)"')
    entry = next((e for e in checked.entries if e.id == entry_id and e.path.stem == entry_id), None)
    if entry is None:
        known = sorted(e.id for e in checked.entries)
        close = [k for k in known if entry_id in k or k in entry_id][:3]
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise SignOffError(f"no entry with id '{entry_id}' in {kb}{hint}")
    errors = [
        p
        for p in checked.problems
        if p.severity == "error"
        and (p.entry == entry_id or p.file == entry.file)
        and not _fixed_by_signoff(p)
    ]
    unfinished = unfinished_fields(entry.data)
    if unfinished:
        raise SignOffError(
            f"'{entry_id}' still has the starting text from 'kbtool new' in "
            f"{', '.join(unfinished)} ({entry.file}): write the entry first"
        )
    if errors:
        raise ApprovalRefused(
            f"'{entry_id}' cannot be signed off until these errors are fixed:", errors
        )
    names = _registered(names, entry, checked)
    due = _next_review(
        entry.type or "condition", today, next_review, interval, checked.config.review_intervals
    )
    signoff = SignOff(
        reviewed_by=names[0] if len(names) == 1 else names, reviewed_on=today, next_review=due
    )
    review = write_signoff(entry, signoff)
    return Approval(entry_id=entry_id, file=entry.file, review=review)


def _registered(names: list[str], entry: Entry, result: CheckedKb) -> list[str]:
    """With a reviewer registry: each `--by` must name a registered reviewer, and one of them must
    cover the entry's specialty; what is written is each reviewer's name and role."""
    registry = result.registry
    if registry is None:
        return names
    if not registry.reviewers:
        raise SignOffError(
            f"{registry.file} lists no valid reviewers: run 'kbtool check' and fix it"
        )
    found = []
    for name in names:
        reviewer = registry.find(name)
        if reviewer is None:
            raise SignOffError(
                f"'{name}' is not in {registry.file}: sign off with a registered reviewer's id "
                f"({registry.ids()}), or ask whoever keeps that list to add them"
            )
        found.append(reviewer)
    specialty = result.config.specialty(entry.data.get("specialty"))
    if not any(reviewer.covers(specialty, result.config) for reviewer in found):
        who = ", ".join(f"{r.id} ({'/'.join(r.specialties)})" for r in found)
        raise SignOffError(
            f"'{entry.id}' is a {specialty} entry, outside the specialties of {who}: "
            f"it needs a {specialty} reviewer; nothing was changed"
        )
    return [reviewer.signature for reviewer in found]


def _fixed_by_signoff(problem: Problem) -> bool:
    """Problems in the review block itself are replaced by the sign-off being written."""
    return problem.code in REPLACED_BY_SIGNOFF or (
        problem.code == "schema" and problem.field == "review"
    )


def _next_review(
    kind: str,
    today: dt.date,
    next_review: dt.date | None,
    interval: str | None,
    intervals: dict[str, int],
) -> dt.date:
    if next_review is not None and interval is not None:
        raise SignOffError("give either --next-review or --interval, not both")
    if next_review is not None:
        due = next_review
    elif interval is not None:
        due = add_interval(today, *parse_interval(interval))
    else:
        due = add_interval(today, intervals.get(kind, 12), "m")
    if due <= today:
        raise SignOffError(
            f"the next review date ({due}) must be after the sign-off date ({today})"
        )
    if due > add_interval(today, 5, "y"):
        raise SignOffError(
            f"the next review date ({due}) is more than 5 years away: choose a nearer date"
        )
    return due
