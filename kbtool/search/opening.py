"""Open the staff search for one query: bring the index up to date first, unless another
process is already updating it, in which case the current index answers (staff on a call
should not wait for a rebuild)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import load_config
from .index import ensure_index
from .searcher import IndexDamaged, IndexMissing, Searcher
from .store import IndexStore, LockTimeout, cache_dir_for

WAIT_WITH_INDEX = 2.0
"""Seconds to wait for another process's update when an index already exists (then use it)."""
WAIT_WITHOUT_INDEX = 120.0
"""Seconds to wait for another process's first build, when there is nothing to search yet."""


class SearchUnavailable(Exception):
    """No index can be searched; the message says why and what to do."""


@dataclass
class OpenSearch:
    searcher: Searcher
    cache: Path
    note: str | None
    """For staff, when the results may not be the newest or the index was repaired."""


def open_searcher(kb: Path, environ: Mapping[str, str]) -> OpenSearch:
    """An up-to-date Searcher (or the current one while another process updates the index)."""
    config, _ = load_config(kb)
    cache = cache_dir_for(kb, config.cache_dir, environ)
    note = None
    has_index = IndexStore.in_cache(cache).current() is not None
    try:
        report = ensure_index(
            kb, cache, lock_timeout=WAIT_WITH_INDEX if has_index else WAIT_WITHOUT_INDEX
        )
        if report.repaired:
            note = f"note: the search index was damaged and has been repaired ({report.repaired})"
    except LockTimeout:
        if not has_index:
            raise SearchUnavailable(
                "another kbtool process is building the search index: try again in a minute"
            ) from None
        note = (
            "note: the index is being updated by another kbtool process; "
            "results may miss the newest edits"
        )
    except OSError as error:
        raise SearchUnavailable(
            f"cannot write the search index in {cache} ({error.strerror}): "
            "set KBTOOL_CACHE to a writable folder"
        ) from None
    try:
        searcher = Searcher(cache, due_soon_days=config.due_soon_days, config=config)
    except (IndexMissing, IndexDamaged) as error:
        raise SearchUnavailable(str(error)) from None
    return OpenSearch(searcher, cache, note)
