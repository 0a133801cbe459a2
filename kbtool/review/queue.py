"""The review queue: every entry's state, most urgent first, with counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..config import KbConfig, specialty_key
from ..model import REVIEW_STATES as STATES
from ..model import Entry, parse_date
from .drift import StaleTranslation
from .state import review_state


@dataclass(frozen=True)
class QueueItem:
    id: str
    title: str
    state: str
    reviewed_by: str | list[str] | None
    reviewed_on: str | None
    next_review: str | None
    file: str
    type: str | None
    lang: str | None
    specialty: str | None
    wording_exceptions: list[dict[str, str]] = field(default_factory=list)
    canonical_specialty: str | None = None
    translation_stale: dict[str, str | None] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on,
            "next_review": self.next_review,
            "file": self.file,
            "type": self.type,
            "lang": self.lang,
            "specialty": self.specialty,
            "canonical_specialty": self.canonical_specialty,
            "wording_exceptions": self.wording_exceptions,
            "translation_stale": self.translation_stale,
        }


@dataclass
class Queue:
    today: dt.date
    counts: dict[str, int]
    by_specialty: dict[str, dict[str, int]]
    items: list[QueueItem]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "counts": self.counts,
            "specialties": self.by_specialty,
            "entries": [item.as_dict() for item in self.items],
        }


def _item(entry: Entry, state: str, config: KbConfig, stale: StaleTranslation | None) -> QueueItem:
    review = entry.review
    specialty = entry.data.get("specialty")
    exceptions = entry.data.get("wording_exceptions")
    return QueueItem(
        id=entry.id,
        title=entry.title,
        state=state,
        reviewed_by=review.get("reviewed_by"),
        reviewed_on=_text(review.get("reviewed_on")),
        next_review=_text(review.get("next_review")),
        file=entry.file,
        type=entry.type,
        lang=entry.lang,
        specialty=specialty if isinstance(specialty, str) else None,
        wording_exceptions=[
            {"rule": str(item.get("rule", "")), "reason": str(item.get("reason") or "")}
            for item in exceptions
            if isinstance(item, dict)
        ]
        if isinstance(exceptions, list)
        else [],
        canonical_specialty=config.specialty(specialty),
        translation_stale=stale.as_dict() if stale else None,
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def build_queue(
    entries: list[Entry],
    today: dt.date,
    config: KbConfig | None = None,
    states: tuple[str, ...] = (),
    specialty: str | None = None,
    due_within: int | None = None,
    stale: list[StaleTranslation] | None = None,
) -> Queue:
    """Entries in queue order (changed, overdue, due-soon, draft, current; then by due date).
    Specialties are counted and filtered by their canonical name (see `specialties` in kbtool.yaml)."""
    config = config or KbConfig()
    stale_by_id = {item.id: item for item in stale or []}
    all_items = [
        _item(
            entry,
            review_state(entry, today, config.due_soon_days),
            config,
            stale_by_id.get(entry.id),
        )
        for entry in entries
    ]
    wanted_specialty = config.specialty(specialty)
    counts = {state: 0 for state in STATES}
    counts.update(Counter(item.state for item in all_items))
    by_specialty: dict[str, dict[str, int]] = {}
    for item in all_items:
        name = item.canonical_specialty or "(none)"
        by_specialty.setdefault(name, {state: 0 for state in STATES})[item.state] += 1
    chosen = [
        item for item in all_items if _wanted(item, today, states, wanted_specialty, due_within)
    ]
    chosen.sort(key=lambda item: (STATES.index(item.state), item.next_review or "9999", item.id))
    return Queue(
        today=today, counts=counts, by_specialty=dict(sorted(by_specialty.items())), items=chosen
    )


def _wanted(
    item: QueueItem,
    today: dt.date,
    states: tuple[str, ...],
    specialty: str | None,
    due_within: int | None,
) -> bool:
    if states and item.state not in states:
        return False
    if specialty and specialty_key(item.canonical_specialty or "") != specialty_key(specialty):
        return False
    if due_within is not None:
        due = parse_date(item.next_review)
        return due is not None and (due - today).days <= due_within
    return True
