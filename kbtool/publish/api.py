"""Machine-readable copies of the published entries, for other systems (a chatbot, an intranet).

`api/entries/<id>.json` holds one entry's approved content and review dates (never staff
notes); `api/index.json` lists every published entry. Files are byte-stable for a given
KB and date: fixed key order, no timestamps."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..fields import content_fields
from ..safe_html import render_markdown
from .catalog import Catalog
from .select import Published

API_VERSION = 1


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _links(item: Published, catalog: Catalog, field: str) -> list[str]:
    """Ids from `related`/`translations` that are published (drafts are never mentioned)."""
    value = item.content.get(field)
    ids = value if isinstance(value, list) else []
    return [
        target for target in dict.fromkeys(ids) if isinstance(target, str) and catalog.get(target)
    ]


def _summary(item: Published, catalog: Catalog) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": item.type,
        "lang": item.lang,
        "title": item.title,
        "url": catalog.url(item),
        "json": f"api/entries/{item.id}.json",
        "review": dict(item.review),
        "review_state": item.state,
    }


def entry_json(item: Published, catalog: Catalog) -> dict[str, Any]:
    """One entry's approved content, its links to other published entries and its review dates."""
    data = _summary(item, catalog)
    del data["json"]
    data["signed_off_commit"] = item.commit
    for field in content_fields():  # identity, links and sign-off are written above
        if field in item.content:
            data[field] = item.content[field]
    body = item.content.get("body")
    data["body_html"] = render_markdown(body if isinstance(body, str) else "")
    data["related"] = _links(item, catalog, "related")
    data["translations"] = _links(item, catalog, "translations")
    return data


def api_files(catalog: Catalog, today: dt.date) -> dict[str, str]:
    """Output-relative path -> JSON text, for every published entry plus the index."""
    items = sorted(catalog.items.values(), key=lambda item: item.id)
    files = {f"api/entries/{item.id}.json": _dump(entry_json(item, catalog)) for item in items}
    files["api/index.json"] = _dump(
        {
            "version": API_VERSION,
            "built_for": today.isoformat(),
            "count": len(items),
            "entries": [_summary(item, catalog) for item in items],
        }
    )
    return files
