"""Run the staff app: several gunicorn worker processes on Linux (each with its own warm
searcher over the one shared on-disk index), or waitress threads in one process elsewhere."""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Sequence
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
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback
                for info in socket.getaddrinfo(host, None)
            )
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
    idle = sorted(
        (
            channel
            for channel in channels
            if hasattr(channel, "last_activity")
            and not getattr(channel, "requests", True)
            and not channel.will_close
        ),
        key=lambda channel: channel.last_activity,
    )
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
    server = create_server(
        app,
        host=bare_host(host),
        port=port,
        threads=threads,
        ident="kbtool",
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=30,
        asyncore_use_poll=True,
        clear_untrusted_proxy_headers=False,
    )  # the app decides whom to trust
    listeners = getattr(server, "map", None) or server._map
    for listener in {*listeners.values(), server}:
        if isinstance(listener, BaseWSGIServer):
            listener.__class__ = type(
                f"Shedding{type(listener).__name__}", (_Shedding, type(listener)), {}
            )
    return server


def default_workers() -> int:
    """One worker process per core (searching is CPU-bound), at most 8."""
    return max(
        1,
        min(
            8,
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
        ),
    )


def gunicorn_available() -> bool:
    try:
        import fcntl  # noqa: F401 - gunicorn needs POSIX

        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def check_port(host: str, port: int) -> None:
    """Raise OSError now if the address cannot be listened on, so the message is ours."""
    family = socket.AF_INET6 if ":" in bare_host(host) else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((bare_host(host), port))


def serve(
    make_app: Callable[[bool], Any],
    host: str,
    port: int,
    *,
    threads: int = 8,
    workers: int = 1,
    trusted_proxies: tuple[str, ...] = (),
    indexer: Callable[[], Any] | None = None,
    on_ready: Callable[[str], None] | None = None,
    on_exit: Callable[[Any], None] | None = None,
) -> None:
    """Serve until interrupted. `make_app(builds_index)` is called once in each worker process,
    after the fork, so every worker opens its own searcher. With several workers, `indexer()`
    starts the one process that updates the index and workers only follow it; alone, the
    process updates the index itself. `on_ready` gets the server's description."""
    check_port(host, port)
    if workers > 1 and gunicorn_available():
        process = indexer() if indexer is not None else None
        try:
            _gunicorn(
                lambda: make_app(False),
                host,
                port,
                threads,
                workers,
                trusted_proxies,
                on_ready,
                on_exit,
            )
        finally:
            if process is not None:
                process.terminate()
                process.wait(10)
        return
    app = make_app(True)
    try:
        run_servers(
            [(app, port)],
            host,
            threads=threads,
            on_ready=None
            if on_ready is None
            else lambda: on_ready(f"waitress, 1 process x {threads} threads"),
        )
    finally:
        if on_exit is not None:
            on_exit(app)


def run_servers(
    apps: Sequence[tuple[Any, int]],
    host: str,
    *,
    threads: int = 8,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve each (app, port) on `host` in this one process until interrupted, every one set up
    by `make_server` (connection limit, idle shedding, channel timeout), then close them all.
    Raises OSError, with nothing left open, when an address cannot be listened on."""
    servers: list[Any] = []
    running: list[threading.Thread] = []
    stopping = threading.Event()

    def loop(server: Any) -> None:
        try:
            server.run()
        except (OSError, ValueError):  # its sockets closed under it while stopping
            if not stopping.is_set():
                raise

    try:
        for app, port in apps:
            servers.append(make_server(app, host, port, threads))
        running = [threading.Thread(target=loop, args=(server,), daemon=True) for server in servers]
        for thread in running:
            thread.start()
        if on_ready is not None:
            on_ready()
        _wait(running)
    finally:
        stopping.set()
        for server in servers:
            server.close()
        for thread in running:  # each loop ends within its poll timeout once its map is empty
            thread.join(timeout=5)


def _wait(running: list[threading.Thread]) -> None:
    """Until every server stops (or Ctrl+C, which reaches only the main thread)."""
    while any(thread.is_alive() for thread in running):
        for thread in running:
            thread.join(timeout=0.5)


def _gunicorn(
    make_app: Callable[[], Any],
    host: str,
    port: int,
    threads: int,
    workers: int,
    trusted_proxies: tuple[str, ...],
    on_ready: Callable[[str], None] | None,
    on_exit: Callable[[Any], None] | None,
) -> None:
    from gunicorn.app.base import BaseApplication

    bind = f"{url_host(host)}:{port}"
    apps: list[Any] = []

    def when_ready(_server: Any) -> None:
        if on_ready is not None:
            on_ready(f"gunicorn, {workers} processes x {threads} threads")

    def worker_exit(_server: Any, _worker: Any) -> None:
        if on_exit is not None:
            for app in apps:
                on_exit(app)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            # keepalive 0: gthread parks kept-alive connections in a poll loop, which measured a
            # p95 of 260 ms at 200 searches/s against 5 ms without (benchmarks/serve_load.py).
            # nginx in front keeps its own connections to browsers alive.
            settings = {
                "bind": [bind],
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 60,
                "graceful_timeout": 10,
                "keepalive": 0,
                "loglevel": "warning",
                "accesslog": None,
                "proc_name": "kbtool-serve",
                "when_ready": when_ready,
                "worker_exit": worker_exit,
                "backlog": 1024,
            }
            if trusted_proxies:  # X-Forwarded-Proto: https counts only from these
                settings["forwarded_allow_ips"] = ",".join(trusted_proxies)
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            app = make_app()
            apps.append(app)
            return app

    Server().run()
