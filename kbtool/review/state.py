"""Review state of an entry on a given day, and the fingerprint that binds a sign-off to content.

States, most urgent first:
- changed:  signed off, but the content no longer matches the fingerprint stored at sign-off.
            Takes precedence over every date-based state (an edited page is unreviewed text,
            whatever its dates say; an entry both changed and overdue is reported `changed`).
- overdue:  next_review is before today.
- due-soon: next_review is today or within the due-soon window (30 days by default).
- draft:    never signed off (no review.reviewed_on).
- current:  signed off, content unchanged, next review not yet near.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..model import REVIEW_STATES, Entry, parse_date

STATES = REVIEW_STATES
"""Every state, in queue order (most urgent first): declared in `model.REVIEW_STATES`."""


def _canonical(value: Any) -> Any:
    """Normalise what does not change meaning: key order, indentation, trailing spaces."""
    if isinstance(value, str):
        text = value.strip()
        if "\n" not in text:  # one line: strip() already took its trailing spaces
            return text
        return "\n".join([line.rstrip() for line in text.split("\n")])
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def fingerprint(data: dict[str, Any]) -> str:
    """`sha256:<hex>` over everything in the entry except its `review` block."""
    content = {key: value for key, value in data.items() if key != "review"}
    text = json.dumps(
        _canonical(content), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_changed(entry: Entry) -> bool:
    """True when a stored fingerprint no longer matches the content."""
    stored = entry.review.get("fingerprint")
    return isinstance(stored, str) and stored != fingerprint(entry.data)


def review_state(entry: Entry, today: dt.date, due_soon_days: int = 30) -> str:
    """The one state of this entry today (see the module docstring for precedence)."""
    return state_of_review(entry.review, today, due_soon_days, changed=is_changed(entry))


def state_of_review(
    review: Mapping[str, Any], today: dt.date, due_soon_days: int = 30, *, changed: bool = False
) -> str:
    """The state from a review block and whether the content still matches its fingerprint
    (for callers holding those, such as the search index, rather than a whole entry)."""
    if parse_date(review.get("reviewed_on")) is None:
        return "draft"
    if changed:
        return "changed"
    due = parse_date(review.get("next_review"))
    if due is None or due < today:
        return "overdue"
    if (due - today).days <= due_soon_days:
        return "due-soon"
    return "current"
