"""What every process of the staff app must agree on about sign-ins: failed attempts per name
and address, and sessions that were signed out. Kept in one SQLite file in the cache folder,
so the growing wait cannot be dodged by landing on another worker, and a signed-out cookie is
refused by all of them.

A damaged, locked or unwritable file never stops staff from working: the process then keeps
the record in its own memory (as a single process always could) and says so once in its log."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

LOG = logging.getLogger("kbtool.web")
FILE_NAME = "signin.sqlite"
KEEP_FAILURES_SECONDS = 24 * 3600.0
"""A failure older than this no longer counts towards anyone's wait."""

MAX_FAILURES = 100_000

Failures = dict[str, tuple[int, float]]
"""key -> (failed attempts in a row, wall-clock time of the last one)."""


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

    def failed(self, keys: list[str], now: float) -> None:
        with self._lock:
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
    """The record in a SQLite file that every worker process opens (one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._fallback: MemoryRecord | None = None
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS failures"
                " (key TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL)"
            )
            connection.execute(
                "CREATE TABLE IF NOT EXISTS revoked (session TEXT PRIMARY KEY, until REAL NOT NULL)"
            )
            self._local.connection = connection
        return connection

    def _memory(self, error: Exception) -> MemoryRecord:
        """Switch this process to its own memory for good, and say why once."""
        with self._lock:
            if self._fallback is None:
                LOG.warning(
                    "sign-in record %s cannot be used (%s): this process keeps failed sign-ins "
                    "and sign-outs in its own memory until restarted; delete the file if it is "
                    "damaged, or make its folder writable",
                    self.path,
                    error,
                )
                self._fallback = MemoryRecord()
            return self._fallback

    def failures(self, keys: list[str]) -> Failures:
        if self._fallback is None:
            try:
                marks = ",".join("?" * len(keys))
                rows = self._connection().execute(
                    f"SELECT key, count, last FROM failures WHERE key IN ({marks})", keys
                )
                return {str(key): (int(count), float(last)) for key, count, last in rows}
            except (sqlite3.Error, OSError, ValueError, TypeError) as error:
                return self._memory(error).failures(keys)
        return self._fallback.failures(keys)

    def failed(self, keys: list[str], now: float) -> None:
        if self._fallback is None:
            try:
                connection = self._connection()
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute(
                        "DELETE FROM failures WHERE last < ?", (now - KEEP_FAILURES_SECONDS,)
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
                return
            except (sqlite3.Error, OSError) as error:
                self._memory(error)
        assert self._fallback is not None
        self._fallback.failed(keys, now)

    def succeeded(self, keys: list[str]) -> None:
        if self._fallback is None:
            try:
                marks = ",".join("?" * len(keys))
                self._connection().execute(f"DELETE FROM failures WHERE key IN ({marks})", keys)
                return
            except (sqlite3.Error, OSError) as error:
                self._memory(error)
        assert self._fallback is not None
        self._fallback.succeeded(keys)

    def revoke(self, session: str, until: float, now: float) -> None:
        if self._fallback is None:
            try:
                connection = self._connection()
                with connection:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute("DELETE FROM revoked WHERE until <= ?", (now,))
                    connection.execute(
                        "INSERT OR REPLACE INTO revoked (session, until) VALUES (?, ?)",
                        (session, until),
                    )
                return
            except (sqlite3.Error, OSError) as error:
                self._memory(error)
        assert self._fallback is not None
        self._fallback.revoke(session, until, now)

    def revoked(self, session: str, now: float) -> bool:
        if self._fallback is None:
            try:
                row = (
                    self._connection()
                    .execute("SELECT until FROM revoked WHERE session = ?", (session,))
                    .fetchone()
                )
                return row is not None and float(row[0]) > now
            except (sqlite3.Error, OSError, ValueError, TypeError) as error:
                return self._memory(error).revoked(session, now)
        return self._fallback.revoked(session, now)


SignInRecord = MemoryRecord | SharedRecord
