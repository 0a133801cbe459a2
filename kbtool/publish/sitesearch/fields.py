"""Which text of a published entry goes into which search field, and how much each field counts.

Only the patient-facing content of a `Published` entry is read (its `content` never holds
staff notes, the review block or `x-` fields: `select.public_content`), so nothing that is
not on the site can be found by the site's search."""

from __future__ import annotations

import html
import re

from ...fields import index_texts
from ..select import Published

FIELDS: tuple[str, ...] = ("title", "alias", "question", "summary", "meta", "flags", "body")
"""Search fields, most telling first."""

WEIGHTS: dict[str, float] = {
    "title": 10.0,
    "alias": 6.0,
    "question": 5.0,
    "summary": 3.0,
    "meta": 2.0,
    "flags": 1.5,
    "body": 1.0,
}
"""How much one occurrence in each field counts (BM25F field weights)."""

LENGTH_NORM: dict[str, float] = {
    "title": 0.5,
    "alias": 0.2,
    "question": 0.5,
    "summary": 0.5,
    "meta": 0.3,
    "flags": 0.5,
    "body": 0.75,
}
"""BM25F `b` per field: how much a long field is discounted (alias lists are long on purpose)."""

NAME_FIELDS = frozenset({"title", "alias", "question"})
"""Fields that name an entry: their words may be matched by sound (pinyin, homophone typos)."""

_TAG = re.compile(r"<[^>]+>")
_LINK_TARGET = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"[*_`#>|~]+|^\s*(?:[-+]|\d+[.)])\s", re.MULTILINE)


def plain_body(markdown: str) -> str:
    """Entry Markdown as the words a reader sees: link targets, raw tags and Markdown marks
    dropped (a quick textual pass; the words, not the layout, are what is searched)."""
    text = _LINK_TARGET.sub(r"\1", markdown)
    text = _TAG.sub(" ", text)
    return html.unescape(_MARKS.sub(" ", text))


def field_texts(item: Published) -> dict[str, list[str]]:
    """Field -> the pieces of text an entry shows in it (each alias is its own piece), as the
    field registry (`kbtool/fields.py`, `site_index`) assigns them; Markdown as plain words."""
    texts = index_texts(item.content, "site_index")
    found = {
        name: [
            plain_body(text) if entry_field.markdown else text.strip()
            for entry_field, text in texts.get(name, [])
        ]
        for name in FIELDS
    }
    found["title"] = [item.title]
    return found
