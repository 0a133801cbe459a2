"""Run the staff app on waitress, a production WSGI server, with the KB watched live."""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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


CONNECTION_LIMIT = 200
SHED_SHARE = 10
"""At the connection limit, one connection in this many (the longest idle) is closed."""


def bare_host(host: str) -> str:
    """'[::1]' (as copied from a URL) -> '::1'; other hosts unchanged."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def url_host(host: str) -> str:
    """The host as written in a URL: IPv6 addresses in brackets, exactly once."""
    host = bare_host(host)
    return f"[{host}]" if ":" in host else host


def shed_idle(channels: Iterable[Any], limit: int) -> int:
    """Mark the longest-idle connections (no request being answered) to be closed, so that idle
    or half-open connections held open by one client never lock everyone else out."""
    idle = sorted((channel for channel in channels
                   if hasattr(channel, "last_activity") and not getattr(channel, "requests", True)
                   and not channel.will_close),
                  key=lambda channel: channel.last_activity)
    chosen = idle[: max(1, limit // SHED_SHARE)]
    for channel in chosen:
        channel.will_close = True
    return len(chosen)


class _Shedding:
    """Mixed into waitress's listening socket: at the connection limit it closes idle
    connections instead of refusing new ones until they time out."""

    def readable(self) -> bool:
        server: Any = self
        if server.accepting and len(server._map) >= server.adj.connection_limit:
            shed_idle(list(server._map.values()), server.adj.connection_limit)
        return bool(super().readable())  # type: ignore[misc]


def make_server(app: object, host: str, port: int, threads: int = 8) -> Any:
    """A waitress server for the app (poll-based, so hundreds of connections are fine)."""
    from waitress.server import BaseWSGIServer, create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, host=bare_host(host), port=port, threads=threads, ident="kbtool",
                           connection_limit=CONNECTION_LIMIT, channel_timeout=30,
                           asyncore_use_poll=True)
    listeners = getattr(server, "map", None) or server._map
    for listener in {*listeners.values(), server}:
        if isinstance(listener, BaseWSGIServer):
            listener.__class__ = type(f"Shedding{type(listener).__name__}", (_Shedding, type(listener)), {})
    return server


def serve(app: object, host: str, port: int, threads: int = 8,
          on_ready: Callable[[], None] | None = None) -> None:
    """Serve until interrupted. waitress answers many concurrent requests on a thread pool."""
    server = make_server(app, host, port, threads)
    if on_ready is not None:
        on_ready()
    try:
        server.run()
    finally:
        server.close()


def gap_log_path(cache_dir: Path) -> Path:
    from ..search import gaps

    return gaps.gaps_file(cache_dir)
