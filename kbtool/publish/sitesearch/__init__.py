"""The patient site's own search: an index written by `kbtool build`, searched in the reader's
browser by `theme/assets/kbtool/search.js` (no server, no third party).

- `index` builds the index from the published entries (`fields` says which text counts how
  much, `words` cuts it with jieba, `postings` scores and packs it, `readings` adds pinyin);
- `search_files(catalog)` is what the build writes; `search_settings(lang)` is what each
  language's pages need to find it (its address and the search box's words)."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog
from ..urls import lang_root
from .index import index_json
from .labels import search_labels

INDEX_FILE = "search/patient-index.json"
"""Where the index is written, from the site root (one file for every language)."""


def search_files(catalog: Catalog) -> dict[str, str]:
    """Output-relative path -> text: the search index."""
    return {INDEX_FILE: index_json(catalog)}


def search_settings(lang: str) -> dict[str, Any]:
    """`extra.kbtool_search` of a language's mkdocs config: where the index is from that
    language's root, and the search box's words."""
    up = "../" * lang_root(lang).count("/")
    return {"index": up + INDEX_FILE, "lang": lang, "labels": search_labels(lang)}


__all__ = ["INDEX_FILE", "search_files", "search_settings"]
