"""Run the staff app on waitress, a production WSGI server, with the KB watched live."""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from pathlib import Path

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else is reachable from other computers."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        try:
            return all(ipaddress.ip_address(info[4][0]).is_loopback
                       for info in socket.getaddrinfo(host, None))
        except (OSError, ValueError):
            return False


def serve(app: object, host: str, port: int, threads: int = 8,
          on_ready: Callable[[], None] | None = None) -> None:
    """Serve until interrupted. waitress answers many concurrent requests on a thread pool."""
    from waitress.server import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, host=host, port=port, threads=threads, ident="kbtool",
                           connection_limit=200, channel_timeout=30)
    if on_ready is not None:
        on_ready()
    try:
        server.run()
    finally:
        server.close()


def gap_log_path(cache_dir: Path) -> Path:
    from ..search import gaps

    return gaps.gaps_file(cache_dir)
