"""Speed for `kbtool check`: remember, per entry file, what reading and checking it gave.

Two caches in the KB's cache folder, each per file with the file's size, modification and
change times and inode (a file that changed in any way is read again):

- `links.json`: the ids, links and sign-offs of the entries not being checked, so a pre-commit
  `kbtool check FILE` in a large KB does not parse every other file;
- `checks.json`: every problem a whole-KB check found in each file on its own (schema, markup,
  review dates, sign-off, wording) and its links, under a key made of everything those checks
  depend on: today's date, the KB's settings, reviewers and rules, and the files of kbtool
  itself (its code, rules, model and schema). Any change to those starts the cache afresh;
  the checks between entries (links, translations) always run again.

Both are plain JSON (nothing in them can run code, and a clone of a repository that holds one
matches none of its files); a missing, damaged or unwritable cache only costs speed."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .consistency import EntryLinks
from .model import Problem

LINKS_FILE = "links.json"
CHECKS_FILE = "checks.json"
VERSION = 2

FileCheck = tuple[list[Problem], EntryLinks | None]
"""What checking one file on its own gave: its problems, and its links (None: not loaded)."""


def _stamp(path: Path) -> list[int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]


class _PerFile:
    """One cache file: records by file path, each valid while the file's stamp and its shown
    name are unchanged and the cache's key is the same."""

    def __init__(self, cache: Path, key: str) -> None:
        self.cache, self.key = cache, key
        self.known: dict[str, Any] = {}
        self.fresh: dict[str, Any] = {}
        self.changed = False
        try:
            data = json.loads(cache.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == VERSION and data.get("key") == key:
                files = data.get("files")
                self.known = files if isinstance(files, dict) else {}
        except (OSError, ValueError):
            pass

    def get(self, path: Path, shown: str) -> Any:
        """The stored record, or None when the file changed (or was never stored)."""
        hit = self.known.get(str(path))
        stamp = _stamp(path)
        if (
            stamp is not None
            and isinstance(hit, list)
            and len(hit) == 3
            and hit[0] == stamp
            and hit[1] == shown
        ):
            return hit
        return None

    def keep(self, hit: Any, path: Path) -> None:
        self.fresh[str(path)] = hit

    def put(self, path: Path, shown: str, stamp: list[int] | None, record: Any) -> None:
        self.changed = True
        if stamp is not None and stamp == _stamp(path):  # unchanged while it was read
            self.fresh[str(path)] = [stamp, shown, record]

    def save(self) -> None:
        if self.changed or len(self.fresh) != len(self.known):
            _save(self.cache, {"version": VERSION, "key": self.key, "files": self.fresh})


def cached_links(
    files: list[tuple[Path, str]],
    cache_dir: Path,
    read: Callable[[Path, str], EntryLinks | None],
) -> list[EntryLinks]:
    """`read(path, shown)` for every file (None: unreadable, left out), from `links.json` where
    the file is unchanged; the cache is then updated (atomically) when anything was read."""
    cache = _PerFile(cache_dir / LINKS_FILE, "")
    found: list[EntryLinks] = []
    for path, shown in files:
        hit = cache.get(path, shown)
        if hit is not None:
            try:
                links = None if hit[2] is None else _links(hit[2], path, shown)
            except (TypeError, ValueError, IndexError):  # not as _record wrote it: read again
                pass
            else:
                cache.keep(hit, path)
                found += [links] if links is not None else []
                continue
        stamp = _stamp(path)
        links = read(path, shown)
        cache.put(path, shown, stamp, _record(links))
        found += [links] if links is not None else []
    cache.save()
    return found


def cached_checks(
    files: list[tuple[Path, str]],
    cache_dir: Path,
    key: str,
    check: Callable[[list[tuple[Path, str]]], list[FileCheck]],
) -> list[FileCheck]:
    """What checking each file gave, in order: from `checks.json` where the file is unchanged
    since a check with the same `key`, from one call of `check` (which may use several
    processes) for the others."""
    cache = _PerFile(cache_dir / CHECKS_FILE, key)
    results: list[FileCheck | None] = []
    stale: list[tuple[int, Path, str, list[int] | None]] = []
    for path, shown in files:
        hit = cache.get(path, shown)
        if hit is not None:
            try:
                problems, links = hit[2]
                results.append(
                    (
                        [Problem(*item) for item in problems],
                        None if links is None else _links(links, path, shown),
                    )
                )
                cache.keep(hit, path)
                continue
            except (TypeError, ValueError, IndexError):  # not as written here: check again
                pass
        stale.append((len(results), path, shown, _stamp(path)))
        results.append(None)
    checked = check([(path, shown) for _, path, shown, _ in stale]) if stale else []
    for (index, path, shown, stamp), (problems, links) in zip(stale, checked, strict=True):
        results[index] = (problems, links)
        cache.put(path, shown, stamp, [[_problem_record(p) for p in problems], _record(links)])
    cache.save()
    return [result for result in results if result is not None]


def _problem_record(problem: Problem) -> list[Any]:
    return [
        problem.file,
        problem.line,
        problem.column,
        problem.severity,
        problem.code,
        problem.message,
        problem.entry,
        problem.field,
    ]


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


def _save(cache: Path, data: dict[str, Any]) -> None:
    """Write atomically; a read-only or full disk just skips it."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache.parent, prefix=f".{cache.stem}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                # dumps, not dump: dump encodes in Python, dumps in C (5x faster, same text)
                out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            os.replace(temporary, cache)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass
