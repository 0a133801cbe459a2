"""Staff search: find the approved answer from the words a caller actually uses.

Public API (imports are lazy, so `import kbtool.search` is instant):

- `ensure_index(kb, cache_dir, *, rebuild=False) -> IndexReport`: build or update the index.
- `Searcher(cache_dir, *, due_soon_days=30)`: open once; `.search(query, *, limit, type, lang,
  specialty, include_drafts, today) -> SearchResponse`; `.as_dict()` is the JSON shape.
- `open_searcher(kb, environ) -> OpenSearch`: update the index (or use the current one while
  another process updates it) and open a Searcher, for one command-line search.
- `cache_dir_for(kb, configured, environ) -> Path`: where the cache folder is.
- `gaps`: the content-gap log (`record_gap`, `read_gaps`, `summarize`).
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "ensure_index": "index",
    "IndexReport": "index",
    "Searcher": "searcher",
    "IndexMissing": "searcher",
    "IndexDamaged": "searcher",
    "SearchResponse": "results",
    "SearchResult": "results",
    "open_searcher": "opening",
    "SearchUnavailable": "opening",
    "cache_dir_for": "store",
    "LockTimeout": "store",
}

__all__ = [
    "IndexDamaged",
    "IndexMissing",
    "IndexReport",
    "LockTimeout",
    "SearchResponse",
    "SearchResult",
    "SearchUnavailable",
    "Searcher",
    "cache_dir_for",
    "ensure_index",
    "open_searcher",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
