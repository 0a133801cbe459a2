"""The JSON copy of the site: approved content and review dates, never staff notes."""

from __future__ import annotations

import datetime as dt
import json

from kbtool.publish.api import api_files
from kbtool.publish.catalog import build_catalog
from kbtool.publish.select import Published, Selection

REVIEW = {"reviewed_by": "Dr A", "reviewed_on": "2026-01-10", "next_review": "2027-01-10"}


def published(entry_id: str, lang: str = "zh", **content: object) -> Published:
    data = {
        "id": entry_id,
        "type": "faq",
        "lang": lang,
        "title": f"T {entry_id}",
        "question": "Q?",
        "summary": "S.",
        "body": "## H\n\n<b>x</b>\n",
        **content,
    }
    return Published(
        id=entry_id,
        type="faq",
        lang=lang,
        file=f"kb/faq/{entry_id}.yaml",
        content=data,
        review=dict(REVIEW),
        state="current",
        commit="c" * 40,
    )


def test_entry_and_index_files() -> None:
    catalog = build_catalog(
        Selection(published=[published("b", related=["a", "draft"]), published("a")])
    )
    files = api_files(catalog, dt.date(2026, 11, 22))
    assert sorted(files) == ["api/entries/a.json", "api/entries/b.json", "api/index.json"]
    index = json.loads(files["api/index.json"])
    assert index["version"] == 1 and index["built_for"] == "2026-11-22" and index["count"] == 2
    assert [entry["id"] for entry in index["entries"]] == ["a", "b"]
    assert index["entries"][0] == {
        "id": "a",
        "type": "faq",
        "lang": "zh",
        "title": "T a",
        "url": "faq/a/",
        "json": "api/entries/a.json",
        "review": REVIEW,
        "review_state": "current",
    }
    entry = json.loads(files["api/entries/b.json"])
    assert list(entry)[:8] == [
        "id",
        "type",
        "lang",
        "title",
        "url",
        "review",
        "review_state",
        "signed_off_commit",
    ]
    assert entry["related"] == ["a"]  # the unpublished draft is not mentioned
    assert entry["question"] == "Q?" and entry["body"].startswith("## H")
    assert "&lt;b&gt;" in entry["body_html"] and "<b>" not in entry["body_html"]
    assert "staff_notes" not in files["api/entries/b.json"]
