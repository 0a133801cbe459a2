"""The knowledge base as the staff app sees it: a warm searcher plus the entries by id,
refreshed in the background when files change on disk (for example after `git pull`)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check import check_kb
from ..config import load_config
from ..model import Entry

log = logging.getLogger("kbtool.web")

MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of the KB: entries by id and their error counts. Replaced whole."""

    entries: dict[str, Entry]
    errors: dict[str, int]
    signature: tuple[tuple[str, int, int], ...]
    stale: dict[str, str] = field(default_factory=dict)
    """Entry id -> its translation whose signed-off content changed after this entry's sign-off."""
    commit: str | None = None
    """The git commit the KB folder is checked out at (None outside git)."""


def git_commit(kb: Path) -> str | None:
    """HEAD of the git checkout holding the KB, so replicas can show they serve the same content."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=kb, capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = done.stdout.decode("ascii", "replace").strip()
    return text if done.returncode == 0 and text else None


def kb_signature(kb: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap fingerprint of the KB folder: every file's path, size and modification time."""
    found = []
    for folder, dirs, files in os.walk(kb):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


class LiveKb:
    """Owns the searcher and the entry snapshot; `start()` runs the watcher thread.

    With `builds_index` (one process serving) the watcher also updates the index; several worker
    processes instead leave that to one indexer process (see `server`) and only follow it. A
    damaged index is repaired by whichever process notices first (`repair`): the index's build
    lock lets one process at a time rebuild, and the others then find it sound."""

    def __init__(
        self,
        kb: Path,
        cache_dir: Path,
        *,
        due_soon_days: int = 30,
        today: Callable[[], dt.date] = dt.date.today,
        poll_seconds: float = 2.0,
        cache_size: int = 2048,
        builds_index: bool = True,
    ) -> None:
        from ..search import Searcher, ensure_index

        self.kb, self.cache_dir = kb, cache_dir
        self.due_soon_days = due_soon_days
        self.today = today
        self.poll_seconds = poll_seconds
        self.builds_index = builds_index
        self._ensure_index = ensure_index
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reloads = 0
        self.cache_size = cache_size
        self.cache_hits = 0
        self._cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.last_error: str | None = None
        self.repairs = 0
        if builds_index:
            ensure_index(kb, cache_dir)
        self._snapshot = self._load()
        self._seen = self._snapshot.signature
        self._stale = False
        self.searcher = Searcher(cache_dir, due_soon_days=due_soon_days, config=load_config(kb)[0])

    def _load(self) -> Snapshot:
        signature = kb_signature(self.kb)
        result = check_kb(self.kb, self.today())
        errors: dict[str, int] = {}
        for problem in result.problems:
            if problem.severity == "error" and problem.entry:
                errors[problem.entry] = errors.get(problem.entry, 0) + 1
        stale = {item.id: item.partner for item in result.stale}
        return Snapshot(
            entries={entry.id: entry for entry in result.entries},
            errors=errors,
            signature=signature,
            stale=stale,
            commit=git_commit(self.kb),
        )

    @property
    def snapshot(self) -> Snapshot:
        """The entries as on disk, re-checked on first use after a change rather than in the
        background: checking the whole KB takes CPU that searches in this process would wait for."""
        if self._stale:
            with self._lock:
                if self._stale:
                    self._stale = False
                    try:
                        self._snapshot = (
                            self._load()
                        )  # one reference assignment: old or new, never half
                    except Exception as error:  # noqa: BLE001 - keep showing the last good entries
                        self.last_error = f"{type(error).__name__}: {error}"
                        log.warning(
                            "could not reload the entries, still showing the previous ones: %s",
                            error,
                        )
        return self._snapshot

    def refresh(self) -> bool:
        """Notice changed files: update the index (if this process builds it), mark the entries for
        reloading, and move the searcher to the newest index generation."""
        with self._lock:
            signature = kb_signature(self.kb)
            changed = signature != self._seen
            if changed:
                if self.builds_index:
                    self._ensure_index(self.kb, self.cache_dir)
                self._seen = signature
                self._stale = True
                self.reloads += 1
        self.searcher.refresh()  # also follows an index swapped by another process
        return changed

    def index_problem(self) -> str | None:
        """Why the index being served cannot be trusted (a cheap check of its files), or None."""
        return self.searcher.problem()

    def repair(self) -> bool:
        """Rebuild a damaged index (from the previous generation or the entries) and move the
        searcher to it; True when a repair was needed and done."""
        with self._lock:
            problem = self.index_problem()
            if problem is None:
                return False
            report = self._ensure_index(self.kb, self.cache_dir)
            self.searcher.refresh()
            self.repairs += 1
            log.warning(
                "the search index was damaged and has been repaired: %s", report.repaired or problem
            )
            return True

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                if self.refresh():
                    log.info("knowledge base changed: index updated")
                self.repair()
                self.last_error = None
            except Exception as error:  # noqa: BLE001 - keep serving the last good index
                self.last_error = f"{type(error).__name__}: {error}"
                log.warning("could not update the index, still serving the previous one: %s", error)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="kbtool-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.searcher.close()

    def search_json(self, query: str, **options: Any) -> tuple[bytes, bool]:
        """The search answer as JSON bytes and whether it is a content gap. Repeated searches are
        answered from a small cache keyed by the index generation and today's date, so a swapped
        index or a new day never serves stale results."""
        query = query[:MAX_QUERY_CHARS]
        today = self.today()
        key = (query, today, self.searcher.generation, tuple(sorted(options.items())))
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self.cache_hits += 1
                return cached  # type: ignore[no-any-return]
        if self.index_problem() is not None:  # a few stat calls: never read a damaged index
            self.repair()
        try:
            response = self.searcher.search(query, today=today, **options)
        except Exception as error:  # a damaged index: repair once, then answer
            if not self.repair():
                self.last_error = f"search failed: {type(error).__name__}: {error}"
                raise
            response = self.searcher.search(query, today=today, **options)
        body = json.dumps(response.as_dict(), ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8"
        )
        answer = (body, bool(response.is_gap))
        self._remember(key, answer)
        return answer

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        if self.cache_size:
            with self._cache_lock:
                self._cache[key] = value
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
