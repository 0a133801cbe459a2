"""One entry as staff need it during a call: the whole entry, urgent things first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..fields import without_layout
from ..model import Entry, by_urgency
from ..review.state import review_state
from ..safe_html import render_markdown


def entry_flags(entry: Entry) -> list[dict[str, str]]:
    """The entry's red flags as text, in the same order search results use (emergency first)."""
    return [flag.shown() for flag in by_urgency(entry.red_flags)]


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def entry_view(
    entry: Entry,
    entries: dict[str, Entry],
    today: dt.date,
    due_soon_days: int,
    errors: int = 0,
    stale_against: str | None = None,
) -> dict[str, Any]:
    """Everything about the entry for staff, with the body as sanitised HTML (`body_html`)."""
    data = entry.data
    review = entry.review
    related = [
        {
            "id": other,
            "title": entries[other].title if other in entries else other,
            "exists": other in entries,
        }
        for other in _strings(data.get("related")) + _strings(data.get("translations"))
    ]
    sources = [{"title": source.title, "url": source.url or None} for source in entry.sources]
    body = data.get("body")
    return {
        "id": entry.id,
        "title": entry.title,
        "type": entry.type,
        "lang": entry.lang,
        "question": data.get("question") if isinstance(data.get("question"), str) else None,
        "summary": str(data.get("summary") or ""),
        "review_state": review_state(entry, today, due_soon_days),
        "red_flags": entry_flags(entry),
        "staff_notes": str(data.get("staff_notes") or "") or None,
        "body_html": render_markdown(body, id_prefix="body") if isinstance(body, str) else "",
        "aliases": _strings(data.get("aliases")),
        "specialty": str(data.get("specialty") or "") or None,
        "tags": _strings(data.get("tags")),
        "related": related,
        "sources": sources,
        "reviewed_by": review.get("reviewed_by"),
        "reviewed_on": str(review.get("reviewed_on")) if review.get("reviewed_on") else None,
        "next_review": str(review.get("next_review")) if review.get("next_review") else None,
        "more_fields": [
            {
                "name": item.name,
                "label_en": item.label("en"),
                "label_zh": item.label("zh"),
                "lines": lines,
            }
            for item, lines in without_layout(data)
        ],
        "file": entry.file,
        "errors": errors,
        "translation_stale": (
            {"id": stale_against, "title": entries[stale_against].title}
            if stale_against in entries
            else None
        ),
    }
