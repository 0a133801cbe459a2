"""Where the index lives on disk, and the atomic swap that makes a new index visible.

Layout of the search folder (inside the cache folder):

    search/
      CURRENT           two lines: the generation in use, and the one before it
      gen-000007/       a complete, never-modified index generation
      gen-000008/
      lock              held by whoever is building; searches never take it
      zh-*.bin, pinyin-*  dictionaries shared by every generation (see `dictionary`, `lexicon`)

A build writes a new `gen-N` folder from scratch (or from a copy of the current one), and
only when it is complete replaces CURRENT with `os.replace`, which is atomic. Readers read
CURRENT once and open the folder it names, so they see either the old index or the new one,
never a half-built one. The current and previous generations are kept; older ones are deleted
once they have been out of use for a while, so a search that started just before a swap can
finish on the generation it opened."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

POINTER = "CURRENT"
PREFIX = "gen-"
GRACE_SECONDS = 120.0
"""An old generation is deleted only this long after it was last written."""

DEFAULT_CACHE = ".kbtool-cache"
SHARED_FILES = ("zh-dict-*.bin", "pinyin-chars-*.txt", "pinyin-words-*.json")
"""Dictionaries beside the generations, shared by all of them (see `dictionary`, `lexicon`)."""


def cache_dir_for(kb: Path, configured: str | None, environ: Mapping[str, str]) -> Path:
    """The cache folder: $KBTOOL_CACHE, else the KB's `cache_dir` setting (relative to the KB's
    parent folder), else `.kbtool-cache/` next to the KB folder."""
    override = environ.get("KBTOOL_CACHE")
    if override:
        return Path(override)
    parent = kb.resolve().parent
    return parent / configured if configured else parent / DEFAULT_CACHE


class LockTimeout(Exception):
    """Another process kept the index lock for too long."""


@dataclass(frozen=True)
class IndexStore:
    """The search folder of one cache: generations, the CURRENT pointer and the build lock."""

    root: Path

    @classmethod
    def in_cache(cls, cache_dir: Path) -> IndexStore:
        return cls(cache_dir / "search")

    def pointer(self) -> tuple[str | None, str | None]:
        """Names of the current and previous generations (None when there is no index yet)."""
        try:
            lines = (self.root / POINTER).read_text("utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return None, None
        current = lines[0].strip() or None
        previous = lines[1].strip() or None if len(lines) > 1 else None
        return current, previous

    def current(self) -> Path | None:
        """The folder of the generation searches should use, if there is one."""
        name, _ = self.pointer()
        if name is None or not name.startswith(PREFIX):
            return None
        path = self.root / name
        return path if path.is_dir() else None

    def pointer_stamp(self) -> tuple[int, int] | None:
        """Cheap identity of CURRENT, to notice a swap without reading it."""
        try:
            stat = (self.root / POINTER).stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    def new_generation(self) -> Path:
        """A fresh, empty generation folder numbered after every existing one."""
        self.root.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(p.name[len(PREFIX) :])
            for p in self.root.glob(PREFIX + "*")
            if p.name[len(PREFIX) :].isdigit()
        ]
        path = self.root / f"{PREFIX}{max(numbers, default=0) + 1:06d}"
        path.mkdir()
        return path

    def previous(self) -> Path | None:
        """The folder of the generation before the current one, if it is still there."""
        _, name = self.pointer()
        if name is None or not name.startswith(PREFIX):
            return None
        path = self.root / name
        return path if path.is_dir() else None

    def discard_shared(self) -> None:
        """Delete the dictionaries shared by every generation (they are rebuilt on the next build)."""
        for pattern in SHARED_FILES:
            for path in self.root.glob(pattern):
                path.unlink(missing_ok=True)

    def publish(self, generation: Path, previous: str | None = None) -> None:
        """Make `generation` the one searches open: write a new pointer and swap it in atomically.
        The generation it replaces is kept as the previous one, unless `previous` names another
        (after a repair, the good generation it was made from rather than the damaged one)."""
        current = previous if previous is not None else self.pointer()[0]
        temporary = self.root / f".{POINTER}.{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{generation.name}\n{current or ''}\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.root / POINTER)

    def cleanup(self, now: float | None = None) -> list[str]:
        """Delete generations that are neither current nor previous and have been idle a while."""
        keep = set(self.pointer())
        now = time.time() if now is None else now
        removed = []
        for path in sorted(self.root.glob(PREFIX + "*")):
            if path.name in keep:
                continue
            try:
                idle = now - path.stat().st_mtime
            except OSError:
                continue
            if idle >= GRACE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        return removed

    @contextmanager
    def lock(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the build lock (one builder at a time across processes)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "lock", "a+b") as handle:
            _acquire(handle.fileno(), timeout)
            try:
                yield
            finally:
                _release(handle.fileno())


def _acquire(fd: int, timeout: float) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: builds are not serialised
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"another kbtool process has been updating the index for over {timeout:.0f} s"
                ) from None
            time.sleep(0.05)


def _release(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return
    fcntl.flock(fd, fcntl.LOCK_UN)
