"""One knowledge-base entry -> one index document (search terms plus what a result shows)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..model import Entry
from ..review.state import is_changed, review_state
from .analysis import Analysed, text_of
from .tokens import normalize

SHOWN_FIELDS = (
    "id",
    "type",
    "lang",
    "title",
    "question",
    "summary",
    "specialty",
    "staff_notes",
    "aliases",
    "tags",
    "related",
)
"""Entry fields kept in the index so a result can be shown without reading the file."""


def specialty_key(value: Any) -> str:
    """Specialty as compared by `--specialty`: case, width and spacing ignored."""
    return " ".join(normalize(text_of(value)).split())


def payload(entry: Entry, problems: list[str]) -> dict[str, Any]:
    """The parts of an entry a search result shows (the body is not needed)."""
    data = entry.data
    shown = {name: data[name] for name in SHOWN_FIELDS if name in data}
    shown["red_flags"] = [flag.shown() for flag in entry.red_flags]
    review = entry.review
    shown["review"] = {
        name: review[name]
        for name in ("reviewed_by", "reviewed_on", "next_review")
        if name in review
    }
    shown["problems"] = problems
    return shown


def document(
    entry: Entry, relative: str, analysed: Analysed, problems: list[str]
) -> dict[str, Any]:
    """The whoosh document for an entry: filter fields, stored payload and analysed text."""
    draft = review_state(entry, dt.date.max) == "draft"
    return {
        "path": relative,
        "id": entry.id,
        "type": entry.type or "",
        "lang": entry.lang or "",
        "specialty": specialty_key(entry.data.get("specialty")),
        "reviewed": "no" if draft else "yes",
        "data": json.dumps(payload(entry, problems), ensure_ascii=False, default=str),
        "changed": (not draft) and is_changed(entry),
        **analysed.fields,
    }
