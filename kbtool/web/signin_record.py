"""What every process of the staff app must agree on about sign-ins: failed attempts per name
and address, and sessions that were signed out. Kept in one SQLite file in the cache folder,
so the growing wait cannot be dodged by landing on another worker, and a signed-out cookie is
refused by all of them.

Each process also keeps what it wrote in its own memory. When the file cannot be used for a
moment (locked by a backup, a full disk) or at all (damaged, replaced by a folder), a request
falls back to that memory, the next one tries the file again, and the log says so at most every
ten minutes: staff are never locked out by the record itself."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

LOG = logging.getLogger("kbtool.web")
FILE_NAME = "signin.sqlite"
KEEP_FAILURES_SECONDS = 24 * 3600.0
"""A failure older than this no longer counts towards anyone's wait."""
MAX_FAILURES = 100_000
"""Names and addresses remembered at most (keys are short hashes, so the file stays small)."""
WARN_EVERY_SECONDS = 600.0

Failures = dict[str, tuple[int, float]]
"""key -> (failed attempts in a row, wall-clock time of the last one)."""
WaitOf = Callable[[Failures, float], float]
"""Seconds still to wait, given the failures of a sign-in's keys and the time now."""


def record_file(cache_dir: Path) -> Path:
    return cache_dir / FILE_NAME


class MemoryRecord:
    """The record of one process."""

    def __init__(self) -> None:
        self._failures: Failures = {}
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    def failures(self, keys: list[str]) -> Failures:
        with self._lock:
            return {key: self._failures[key] for key in keys if key in self._failures}

    def attempt(self, keys: list[str], now: float, wait_of: WaitOf) -> float:
        """Seconds to wait before trying; when none, the attempt counts as failed until
        `succeeded` (so attempts sent at the same moment cannot all get in)."""
        with self._lock:
            wait = wait_of({k: self._failures[k] for k in keys if k in self._failures}, now)
            if wait <= 0:
                self._add(keys, now)
            return wait

    def failed(self, keys: list[str], now: float) -> None:
        with self._lock:
            self._add(keys, now)

    def _add(self, keys: list[str], now: float) -> None:
        for key in keys:
            count, _ = self._failures.get(key, (0, 0.0))
            self._failures[key] = (count + 1, now)
        if len(self._failures) > MAX_FAILURES:  # bounded memory under a flood of names
            self._failures.clear()

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def revoke(self, session: str, until: float, now: float) -> None:
        with self._lock:
            self._revoked = {s: t for s, t in self._revoked.items() if t > now}
            self._revoked[session] = until

    def revoked(self, session: str, now: float) -> bool:
        with self._lock:
            return self._revoked.get(session, 0.0) > now


class SharedRecord:
    """The record in a SQLite file that every worker process opens (one connection per thread),
    with this process's memory as the fallback."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.memory = MemoryRecord()
        self._clock = clock
        self._local = threading.local()
        self._warned_at: float | None = None
        self._lock = threading.Lock()

    def failures(self, keys: list[str]) -> Failures:
        try:
            return self._failures(self._connection(), keys)
        except (sqlite3.Error, OSError, ValueError, TypeError) as error:
            self._unusable(error)
            return self.memory.failures(keys)

    def _failures(self, connection: sqlite3.Connection, keys: list[str]) -> Failures:
        """The file's failures of `keys`, with this process's where it knows more."""
        marks = ",".join("?" * len(keys))
        rows = connection.execute(
            f"SELECT key, count, last FROM failures WHERE key IN ({marks})", keys
        )
        shared = {str(key): (int(count), float(last)) for key, count, last in rows}
        here = self.memory.failures(keys)
        return {
            key: max(here.get(key, (0, 0.0)), shared.get(key, (0, 0.0))) for key in {*here, *shared}
        }

    def attempt(self, keys: list[str], now: float, wait_of: WaitOf) -> float:
        try:
            connection = self._connection()
            with connection:
                connection.execute("BEGIN IMMEDIATE")  # read and count in one step
                wait = wait_of(self._failures(connection, keys), now)
                if wait <= 0:
                    self._add(connection, keys, now)
        except (sqlite3.Error, OSError, ValueError, TypeError) as error:
            self._unusable(error)
            return self.memory.attempt(keys, now, wait_of)
        if wait <= 0:
            self.memory.failed(keys, now)
        return wait

    def failed(self, keys: list[str], now: float) -> None:
        self.memory.failed(keys, now)
        try:
            connection = self._connection()
            with connection:
                connection.execute("BEGIN IMMEDIATE")
                self._add(connection, keys, now)
        except (sqlite3.Error, OSError) as error:
            self._unusable(error)

    def succeeded(self, keys: list[str]) -> None:
        self.memory.succeeded(keys)
        try:
            marks = ",".join("?" * len(keys))
            self._connection().execute(f"DELETE FROM failures WHERE key IN ({marks})", keys)
        except (sqlite3.Error, OSError) as error:
            self._unusable(error)

    def revoke(self, session: str, until: float, now: float) -> None:
        self.memory.revoke(session, until, now)
        try:
            connection = self._connection()
            with connection:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("DELETE FROM revoked WHERE until <= ?", (now,))
                connection.execute(
                    "INSERT OR REPLACE INTO revoked (session, until) VALUES (?, ?)",
                    (session, until),
                )
        except (sqlite3.Error, OSError) as error:
            self._unusable(error)

    def revoked(self, session: str, now: float) -> bool:
        if self.memory.revoked(session, now):
            return True
        try:
            row = (
                self._connection()
                .execute("SELECT until FROM revoked WHERE session = ?", (session,))
                .fetchone()
            )
            return row is not None and float(row[0]) > now
        except (sqlite3.Error, OSError, ValueError, TypeError) as error:
            self._unusable(error)
            return False

    @staticmethod
    def _add(connection: sqlite3.Connection, keys: list[str], now: float) -> None:
        connection.execute(
            "DELETE FROM failures WHERE last < ? OR last > ?",  # old, or from a clock gone wrong
            (now - KEEP_FAILURES_SECONDS, now + KEEP_FAILURES_SECONDS),
        )
        connection.executemany(
            "INSERT INTO failures (key, count, last) VALUES (?, 1, ?)"
            " ON CONFLICT(key) DO UPDATE SET count = count + 1, last = excluded.last",
            [(key, now) for key in keys],
        )
        connection.execute(  # bounded size under a flood of made-up names
            "DELETE FROM failures WHERE key IN (SELECT key FROM failures"
            " ORDER BY last DESC LIMIT -1 OFFSET ?)",
            (MAX_FAILURES,),
        )

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS failures"
                    " (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL)"
                )
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS revoked"
                    " (session TEXT PRIMARY KEY, until REAL NOT NULL)"
                )
            except BaseException:
                connection.close()
                raise
            self._local.connection = connection
        return connection

    def _unusable(self, error: Exception) -> None:
        """Drop this thread's connection (the next request opens the file afresh) and say so,
        at most every ten minutes."""
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            try:
                connection.close()
            except sqlite3.Error:
                pass
        now = self._clock()
        with self._lock:
            if self._warned_at is not None and now - self._warned_at < WARN_EVERY_SECONDS:
                return
            self._warned_at = now
        LOG.warning(
            "sign-in record %s cannot be used (%s): until it can, each process counts failed "
            "sign-ins and sign-outs in its own memory; if the file is damaged, delete it (a new "
            "one is made), or make its folder writable",
            self.path,
            error,
        )


SignInRecord = MemoryRecord | SharedRecord
