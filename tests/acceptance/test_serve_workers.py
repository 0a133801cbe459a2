"""`kbtool serve` with several worker processes over real HTTP: every worker answers, and after
an entry is edited on disk every worker serves the new index generation without a restart."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kbtool.web.server import gunicorn_available
from tests.helpers import entry_data, write_entry

SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}

pytestmark = pytest.mark.skipif(
    not gunicorn_available(), reason="several workers need gunicorn (POSIX)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", urllib.parse.quote(path, safe="/?=&"))
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def wait_for(check: Any, what: str, limit: float = 90.0) -> Any:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path, subprocess.Popen[bytes]]]:
    kb = tmp_path / "kb"
    write_entry(
        kb,
        entry_data(
            "opening-hours",
            "faq",
            title="门诊时间",
            question="你们几点开门?",
            aliases=["几点开门"],
            review=SIGNED,
        ),
    )
    port = free_port()
    environment = {**os.environ, "KBTOOL_CACHE": str(tmp_path / "cache")}
    environment.pop("KBTOOL_USERS", None)
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kbtool",
            "--kb",
            str(kb),
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "2",
            "--cache-size",
            "0",
        ],
        env=environment,
        stdout=log,
        stderr=log,
    )
    try:
        wait_for(lambda: get(port, "/api/health")[0] == 200, "the staff app to start")
        yield port, kb, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    assert "Traceback" not in (tmp_path / "server.log").read_text("utf-8", "replace")


def workers_on(port: int) -> dict[int, str]:
    """Worker pid -> index generation, from enough health checks to have met every worker."""
    seen: dict[int, str] = {}
    for _ in range(40):
        status, body = get(port, "/api/health")
        if status == 200:
            seen[body["worker"]] = body["index"]
    return seen


def test_every_worker_moves_to_the_new_index_without_a_restart(
    served: tuple[int, Path, subprocess.Popen[bytes]],
) -> None:
    port, kb, server = served

    def both_workers() -> dict[int, str] | None:
        seen = workers_on(port)
        return seen if len(seen) == 2 else None

    def both_moved() -> bool:
        seen = workers_on(port)
        return len(seen) == 2 and old not in seen.values()

    before = wait_for(both_workers, "both workers to answer")
    assert len(set(before.values())) == 1
    old = next(iter(before.values()))
    assert get(port, "/api/search?q=夜间急诊")[1]["results"] == []

    write_entry(
        kb,
        entry_data(
            "opening-hours",
            "faq",
            title="门诊时间",
            question="你们几点开门?",
            aliases=["几点开门", "夜间急诊"],
            review=SIGNED,
        ),
    )
    wait_for(both_moved, "both workers to serve the new index")
    assert set(workers_on(port)) <= set(before)  # the same processes: nothing restarted
    for _ in range(6):  # whichever worker answers
        results = get(port, "/api/search?q=夜间急诊")[1]["results"]
        assert [result["id"] for result in results] == ["opening-hours"]
    assert server.poll() is None
