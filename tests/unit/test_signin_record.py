"""The sign-in record the staff app's worker processes share: bounded, expiring, atomic, and
never in the way when its file cannot be used."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kbtool.web import signin_record
from kbtool.web.signin import MAX_WAIT, throttle_keys, wait_of
from kbtool.web.signin_record import SharedRecord


def test_failures_are_shared_by_every_opener_and_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signin_record, "MAX_FAILURES", 5)
    path = tmp_path / "signin.sqlite"
    writer, reader = SharedRecord(path), SharedRecord(path)
    for number in range(12):
        writer.failed([f"name:{number}"], 1000.0 + number)
    writer.failed(["name:11"], 1020.0)
    assert reader.failures(["name:11", "name:0"]) == {"name:11": (2, 1020.0)}
    assert len(reader.failures([f"name:{n}" for n in range(12)])) == 5  # the newest five
    reader.succeeded(["name:11"])
    assert SharedRecord(path).failures(["name:11"]) == {}


def test_old_failures_and_failures_from_a_wrong_clock_stop_counting(tmp_path: Path) -> None:
    path = tmp_path / "signin.sqlite"
    SharedRecord(path).failed(["addr:10.0.0.9"], 1000.0)
    SharedRecord(path).failed(["addr:10.0.0.8"], 1000.0 + 3 * signin_record.KEEP_FAILURES_SECONDS)
    SharedRecord(path).failed(["name:x"], 1000.0 + signin_record.KEEP_FAILURES_SECONDS + 1)
    assert SharedRecord(path).failures(["addr:10.0.0.9", "addr:10.0.0.8"]) == {}


def test_a_wait_never_exceeds_the_longest_even_after_the_clock_is_put_back() -> None:
    six_hours_fast = 1000.0 + 6 * 3600
    assert wait_of({"name:x": (1, six_hours_fast)}, 1000.0) <= MAX_WAIT
    assert wait_of({"name:x": (30, 1000.0)}, 1000.0) == MAX_WAIT
    assert wait_of({"name:x": (5000, 1000.0)}, 1000.0) == MAX_WAIT  # no overflow, ever


def test_attempts_at_the_same_moment_get_in_one_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "signin.sqlite"
    records = [SharedRecord(path) for _ in range(4)]  # as four worker processes would
    results: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(16)

    def guess(number: int) -> None:
        start.wait()
        wait = records[number % 4].attempt(["name:x", "addr:1"], 1000.0, wait_of)
        with lock:
            results.append(wait)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[:2] == [0.0, 1.0] and results.count(0.0) == 1


def test_names_are_counted_as_the_accounts_file_compares_them_and_stay_short() -> None:
    same = {tuple(throttle_keys(name, "10.0.0.1")) for name in ("josé", "jose\u0301", " JOSÉ ")}
    assert len(same) == 1
    assert throttle_keys("\uf9e1明", None)[0] == throttle_keys("李明", None)[0]
    assert len(throttle_keys("x" * 1_000_000, None)[0]) < 40


def test_a_signed_out_session_is_refused_until_it_would_have_expired(tmp_path: Path) -> None:
    path = tmp_path / "signin.sqlite"
    SharedRecord(path).revoke("session-1", until=2000.0, now=1000.0)
    other = SharedRecord(path)
    assert other.revoked("session-1", 1500.0) and not other.revoked("session-2", 1500.0)
    assert not other.revoked("session-1", 2000.0)


def test_a_file_that_cannot_be_opened_falls_back_to_this_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "signin.sqlite"
    path.mkdir()  # a folder in its place: no database can be opened there, even by root
    record = SharedRecord(path)
    assert record.attempt(["name:x"], 1000.0, wait_of) == 0.0
    record.revoke("session-1", 2000.0, 1000.0)
    assert record.failures(["name:x"]) == {"name:x": (1, 1000.0)}
    assert record.revoked("session-1", 1500.0)
    assert record.attempt(["name:x"], 1000.0, wait_of) == 1.0
    assert caplog.text.count("cannot be used") == 1  # said once, not on every request


def test_a_moment_of_lock_does_not_split_the_workers_for_good(tmp_path: Path) -> None:
    path = tmp_path / "signin.sqlite"
    first, second = SharedRecord(path), SharedRecord(path)
    first.failed(["name:warm"], 1000.0)  # the file exists and is in use
    backup = sqlite3.connect(path, isolation_level=None)
    backup.execute("BEGIN EXCLUSIVE")  # e.g. a backup copying it
    try:
        first.failed(["name:x"], 1000.0)  # waits 2 s, then counts in this process only
    finally:
        backup.execute("ROLLBACK")
        backup.close()
    first.revoke("session-1", 2000.0, 1000.0)  # the file works again: shared at once
    assert second.revoked("session-1", 1500.0)
    assert first.failures(["name:x"]) == {"name:x": (1, 1000.0)}
