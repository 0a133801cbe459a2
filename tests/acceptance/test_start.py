"""`kbtool start` builds the patient site and serves it with the staff app; the static server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from werkzeug.test import Client

from kbtool.cli import COMMANDS, main
from kbtool.web.static_site import static_site
from tests.helpers import entry_data, write_entry

SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}


def fetch(client: Client, path: str, method: str = "GET") -> tuple[int, str, dict[str, str]]:
    """Status, text and headers of one request, closing the response (files stay closed)."""
    with client.open(path, method=method) as response:
        return response.status_code, response.get_data(as_text=True), dict(response.headers)


class FakeServer:
    def __init__(self, app: Any, port: int) -> None:
        self.app, self.port, self.closed = app, port, False

    def run(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True


def test_start_builds_the_site_then_serves_both(kb: Path, cli, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", review=SIGNED, staff_notes="内部说明"))
    write_entry(kb, entry_data("draft-one"))
    created: list[FakeServer] = []

    def fake_servers(host: str, apps: list[tuple[Any, int]]) -> list[FakeServer]:
        created.extend(FakeServer(app, port) for app, port in apps)
        return created

    monkeypatch.setenv("KBTOOL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("kbtool.commands.start._servers", fake_servers)
    result = cli("start", "--today", "2026-11-22", "--out", "public")
    assert result.exit_code == 0, result.output
    assert "published 1 entry, left out 1" in result.output
    assert "patient site: http://127.0.0.1:8001/" in result.output
    assert "staff app:    http://127.0.0.1:8000/" in result.output
    assert [server.port for server in created] == [8000, 8001] and all(s.closed for s in created)
    status, text, _ = fetch(Client(created[1].app), "/")
    assert status == 200 and "内部说明" not in text
    assert fetch(Client(created[0].app), "/api/search?q=flu")[0] == 200


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
