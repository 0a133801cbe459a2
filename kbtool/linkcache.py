"""Speed for `kbtool check FILE`: remember the ids and links of the entries not being checked.

A pre-commit hook checks the changed files against every other entry's id, links and sign-off.
Reading those fields means parsing every file (seconds on a 10,000-entry knowledge base), so
they are kept in `links.json` in the KB's cache folder, per file, with the file's size,
modification and change times and inode: a file that changed in any way is read again. The
cache is plain JSON (nothing in it can run code, and a clone of a repository that holds one
matches none of its files); a missing, damaged or unwritable cache only costs speed."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .consistency import EntryLinks

FILE = "links.json"
VERSION = 1


def _stamp(path: Path) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


def _record(links: EntryLinks | None) -> list[Any] | None:
    if links is None:
        return None
    return [
        links.id,
        links.lang,
        list(links.id_place),
        [list(link) for link in links.links],
        links.reviewed_on,
        links.fingerprint,
        list(links.review_place),
    ]


def _links(record: list[Any], path: Path, shown: str) -> EntryLinks:
    """The record back as EntryLinks; TypeError or ValueError when it is not one _record wrote."""
    entry_id, lang, id_place, links, reviewed_on, fingerprint, review_place = record
    if not isinstance(entry_id, str):
        raise TypeError("id")
    return EntryLinks(
        entry_id,
        shown,
        lang,
        (id_place[0], id_place[1]),
        tuple((field, target, line, column) for field, target, line, column in links),
        path=path,
        reviewed_on=reviewed_on,
        fingerprint=fingerprint,
        review_place=(review_place[0], review_place[1]),
    )


def cached_links(
    files: list[tuple[Path, str]],
    cache_dir: Path,
    read: Callable[[Path, str], EntryLinks | None],
) -> list[EntryLinks]:
    """`read(path, shown)` for every file (None: unreadable, left out), from the cache where the
    file is unchanged; the cache is then updated (atomically) when anything was read."""
    cache = cache_dir / FILE
    known: Mapping[str, Any] = {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") == VERSION:
            known = data.get("files") or {}
    except (OSError, ValueError):
        pass
    if not isinstance(known, dict):
        known = {}
    fresh: dict[str, Any] = {}
    found: list[EntryLinks] = []
    changed = False
    for path, shown in files:
        key = str(path)
        stamp = _stamp(path)
        hit = known.get(key)
        if stamp is not None and isinstance(hit, list) and len(hit) == 2 and hit[0] == stamp:
            try:
                cached = None if hit[1] is None else _links(hit[1], path, shown)
            except (TypeError, ValueError, IndexError):  # not as _record wrote it: read again
                pass
            else:
                fresh[key] = hit
                if cached is not None:
                    found.append(cached)
                continue
        links = read(path, shown)
        changed = True
        if stamp is not None and stamp == _stamp(path):  # unchanged while it was read
            fresh[key] = [stamp, _record(links)]
        if links is not None:
            found.append(links)
    if changed or len(fresh) != len(known):
        _save(cache, {"version": VERSION, "files": fresh})
    return found


def _save(cache: Path, data: dict[str, Any]) -> None:
    """Write atomically; a read-only or full disk just skips it."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=".links.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, cache)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass
