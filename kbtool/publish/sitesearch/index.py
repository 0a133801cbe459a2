"""The patient site's search index: published entries -> one JSON file for both languages.

Layout (`version` 1), read by `theme/assets/kbtool/search.js`:

- `docs`: per entry, in id order: [url from the site root, title, short summary, lang, type,
  reviewed_on, next_review, review state when built];
- `terms`: every index word, sorted as JavaScript compares strings, joined by newlines (so the
  browser parses one string and finds words by binary search); `classes` and `names` hold one
  character per word: its dictionary count class, for cutting Chinese queries as jieba would,
  and 1 when it is in an entry's title, aliases or question (matched by sound too);
- `postings`: every word's packed postings (`postings.encode`), one after the other, and
  `lengths`: the length of each, as varints; `longest`: the longest Chinese word;
- `total`: jieba's total count, so that query words are weighed as jieba weighs them;
- `readings`: pinyin readings of characters (`readings`);
- `stop`: words that are never searched for (Chinese and English function words), each with
  its count class, so that a query is still cut around them as jieba would.

Everything is sorted, so the same entries give the same bytes."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from ...search.tokens import EN_STOPWORDS, ZH_STOPWORDS
from ..catalog import Catalog
from ..select import Published
from .fields import NAME_FIELDS, field_texts
from .postings import ALPHABET, DocTerms, encode, scores, varint
from .readings import reading_table
from .words import Words

VERSION = 1
SUMMARY_CHARS = {"zh": 80, "en": 160}
"""A result shows the summary up to this many characters (a sentence end is preferred)."""
_SENTENCE_END = re.compile(r"[。！？!?.](?=\s|$)|[。！？]")


def short_summary(text: str, lang: str) -> str:
    """The summary as a result shows it: whole sentences if they fit, else cut with '…'."""
    text = " ".join(text.split())
    limit = SUMMARY_CHARS.get(lang, 160)
    if len(text) <= limit:
        return text
    ends = [match.end() for match in _SENTENCE_END.finditer(text, 0, limit + 1)]
    if ends and ends[-1] >= limit // 2:
        return text[: ends[-1]]
    return text[: limit - 1].rstrip() + "…"


def _doc_row(item: Published, catalog: Catalog) -> list[str]:
    summary = item.content.get("summary")
    return [
        catalog.url(item),
        " ".join(item.title.split()),
        short_summary(summary if isinstance(summary, str) else "", item.lang),
        item.lang,
        item.type,
        str(item.review.get("reviewed_on", "")),
        str(item.review.get("next_review", "")),
        item.state,
    ]


def search_index(catalog: Catalog) -> dict[str, Any]:
    """The index of every published entry (both languages), as plain data."""
    items = sorted(catalog.items.values(), key=lambda item: item.id)
    texts = [field_texts(item) for item in items]
    words = Words()
    words.add_names(piece for fields in texts for piece in fields["title"] + fields["alias"])
    docs, names = [], set()
    for fields in texts:
        counts: dict[str, Counter[str]] = {}
        for name, pieces in fields.items():
            found = [word for piece in pieces for word in words.words(piece)]
            if found:
                counts[name] = Counter(found)
            if name in NAME_FIELDS:
                names.update(found)
        docs.append(DocTerms(counts))
    postings = scores(docs)
    ordered = sorted(postings, key=lambda word: word.encode("utf-16-be"))  # as JavaScript sorts
    packed = [encode(postings[word]) for word in ordered]
    return {
        "version": VERSION,
        "docs": [_doc_row(item, catalog) for item in items],
        "total": words.total,
        "terms": "\n".join(ordered),
        "classes": "".join(ALPHABET[words.count_class(word)] for word in ordered),
        "names": "".join(ALPHABET[int(word in names)] for word in ordered),
        "lengths": "".join(varint(len(text)) for text in packed),
        "postings": "".join(packed),
        "longest": max((len(word) for word in ordered if not word.isascii()), default=1),
        "readings": reading_table(ordered),
        "stop": {
            word: ALPHABET[words.count_class(word)] for word in sorted(ZH_STOPWORDS | EN_STOPWORDS)
        },
    }


def index_json(catalog: Catalog) -> str:
    """The index as compact UTF-8 JSON text (byte-stable for the same entries)."""
    return json.dumps(search_index(catalog), ensure_ascii=False, separators=(",", ":")) + "\n"
