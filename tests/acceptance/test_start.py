"""`kbtool start` builds the patient site and serves it with the staff app; the static server."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path
from typing import Any

from werkzeug.test import Client

from kbtool.cli import COMMANDS, main
from kbtool.web import server
from kbtool.web.static_site import static_site
from tests.helpers import entry_data, write_entry

SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}


def fetch(client: Client, path: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    """Status, text and headers of one request, closing the response (files stay closed)."""
    with client.open(path, method=method) as response:
        return response.status_code, response.get_data(as_text=True), dict(response.headers)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_start_builds_the_site_then_serves_both_with_the_staff_app_limits(
    kb: Path, cli, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """`start` runs the same runner as `serve`: both servers get the connection limit and the
    channel timeout, answer real HTTP, and are closed when it stops."""
    write_entry(kb, entry_data("flu", review=SIGNED, staff_notes="内部说明"))
    write_entry(kb, entry_data("draft-one"))
    created: list[Any] = []
    answers: dict[int, tuple[int, str]] = {}
    real_make_server = server.make_server

    def recording_make_server(app: Any, host: str, port: int, threads: int = 8) -> Any:
        created.append(real_make_server(app, host, port, threads))
        return created[-1]

    def visit_then_stop(running: list[Any]) -> None:  # instead of waiting for Ctrl+C
        for port, path in ((staff_port, "/api/search?q=flu"), (site_port, "/")):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as reply:
                answers[port] = (reply.status, reply.read().decode("utf-8"))

    staff_port, site_port = free_port(), free_port()
    monkeypatch.setenv("KBTOOL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(server, "make_server", recording_make_server)
    monkeypatch.setattr(server, "_wait", visit_then_stop)
    result = cli(
        "start",
        "--today",
        "2026-11-22",
        "--out",
        "public",
        "--staff-port",
        str(staff_port),
        "--site-port",
        str(site_port),
    )
    assert result.exit_code == 0, result.output
    assert "published 1 entry, left out 1" in result.output
    assert f"patient site: http://127.0.0.1:{site_port}/" in result.output
    assert f"staff app:    http://127.0.0.1:{staff_port}/" in result.output
    assert [int(s.effective_port) for s in created] == [staff_port, site_port]
    for running in created:
        assert running.adj.connection_limit == server.CONNECTION_LIMIT
        assert running.adj.channel_timeout == 30
        assert not running.accepting  # closed
    status, text = answers[site_port]
    assert status == 200 and "内部说明" not in text
    assert answers[staff_port][0] == 200 and '"flu"' in answers[staff_port][1]


def test_start_refuses_one_port_for_both(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("start", "--staff-port", "9000", "--site-port", "9000")
    assert result.exit_code == 2 and "different ports" in result.output


def test_static_site_serves_folders_and_nothing_outside(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "conditions" / "flu").mkdir(parents=True)
    (root / "index.html").write_text("<h1>home</h1>", "utf-8")
    (root / "conditions" / "flu" / "index.html").write_text("<h1>flu</h1>", "utf-8")
    (root / "404.html").write_text("<h1>missing</h1>", "utf-8")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    client = Client(static_site(root))
    assert "home" in fetch(client, "/")[1]
    assert fetch(client, "/conditions/flu")[0] == 301
    status, text, headers = fetch(client, "/conditions/flu/")
    assert status == 200 and "flu" in text and headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/nope/"):
        status, text, _ = fetch(client, path)
        assert status == 404 and "secret" not in text
    assert fetch(client, "/", "POST")[0] == 405


def test_every_command_has_help_with_an_example(cli) -> None:  # type: ignore[no-untyped-def]
    for name in COMMANDS:
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help, name
        result = cli(name, "--help")
        assert result.exit_code == 0
        if name != "review":
            assert "Example:" in result.output, f"'kbtool {name} --help' has no example"
