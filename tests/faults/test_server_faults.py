"""Idle, half-open and slow clients never lock call-centre staff out of the staff app; the
address people copy from a URL works."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kbtool.web.server import CONNECTION_LIMIT, make_server


def _ok(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


@pytest.fixture
def server() -> Iterator[int]:
    """The staff app's server settings around a tiny app, on a free local port."""
    running = make_server(_ok, "127.0.0.1", 0, threads=2)
    port = running.effective_port
    stopping = threading.Event()

    def loop() -> None:
        try:
            running.run()
        except (OSError, ValueError):  # its socket closed under it while stopping
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield port
    stopping.set()
    running.task_dispatcher.shutdown()
    running.close()
    thread.join(timeout=5)


def _get(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("half_open", [False, True], ids=["idle", "half-open-request"])
def test_many_held_connections_from_one_client_do_not_block_new_requests(
    server: int, half_open: bool
) -> None:
    held = []
    try:
        for _ in range(CONNECTION_LIMIT + 10):
            sock = socket.create_connection(("127.0.0.1", server), timeout=5)
            if half_open:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finished
            held.append(sock)
        for _ in range(5):
            assert _get(server) == 200  # a 5 s socket timeout fails the test instead of hanging
    finally:
        for sock in held:
            sock.close()


def test_a_slow_client_does_not_hold_up_others(server: int) -> None:
    slow = socket.create_connection(("127.0.0.1", server), timeout=5)
    try:
        slow.sendall(b"GET / HT")
        assert _get(server) == 200
    finally:
        slow.close()


def test_serve_accepts_a_bracketed_ipv6_address(kb: Path) -> None:
    try:
        socket.socket(socket.AF_INET6).close()
        probe = socket.socket(socket.AF_INET6)
        probe.bind(("::1", 0))
        port = probe.getsockname()[1]
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    from tests.helpers import entry_data, write_entry

    write_entry(kb, entry_data("one"))
    env = {**os.environ, "KBTOOL_KB": str(kb)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kbtool", "serve", "--host", "[::1]", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"staff app: http://[::1]:{port}/  (") and "[[" not in line
        connection = http.client.HTTPConnection("::1", port, timeout=10)
        connection.request("GET", "/api/health")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
