"""The sign-in record the staff app's worker processes share: bounded, expiring, and never in
the way when its file cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtool.web import signin_record
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
    assert writer.failures(["name:11"]) == {}


def test_old_failures_stop_counting(tmp_path: Path) -> None:
    record = SharedRecord(tmp_path / "signin.sqlite")
    record.failed(["addr:10.0.0.9"], 1000.0)
    record.failed(["name:x"], 1000.0 + signin_record.KEEP_FAILURES_SECONDS + 1)
    assert record.failures(["addr:10.0.0.9"]) == {}


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
    record.failed(["name:x"], 1000.0)
    record.revoke("session-1", 2000.0, 1000.0)
    assert record.failures(["name:x"]) == {"name:x": (1, 1000.0)}
    assert record.revoked("session-1", 1500.0)
    assert caplog.text.count("cannot be used") == 1
