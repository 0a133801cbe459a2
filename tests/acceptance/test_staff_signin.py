"""Staff accounts and sign-in, through the CLI and real HTTP: accounts file, login, cookies,
the growing wait after wrong passwords, logout, single sign-on from trusted proxies only."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kbtool.web.access import Access, access_for
from kbtool.web.app import create_app
from kbtool.web.live import LiveKb
from kbtool.web.signin import Throttle
from tests.helpers import entry_data, write_entry

SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}
PASSWORD = "correct horse 1"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signin")
    write_entry(
        root / "kb",
        entry_data(
            "acute-conjunctivitis",
            title="急性结膜炎(红眼病)",
            aliases=["红眼病"],
            review=SIGNED,
            staff_notes="内部须知:不要在电话里诊断。",
        ),
    )
    return root


@pytest.fixture
def in_site(site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(site)
    monkeypatch.setenv("KBTOOL_USERS", str(site / "etc" / "users.json"))
    monkeypatch.setenv("KBTOOL_CACHE", str(site / "cache"))
    return site


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def live(site: Path) -> Iterator[LiveKb]:
    kb = LiveKb(site / "kb", site / "cache", poll_seconds=3600)
    yield kb
    kb.stop()


@contextmanager
def running(app: Any) -> Iterator[str]:
    """The app on a real HTTP server on loopback, shut down cleanly afterwards."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def request(
    address: str,
    method: str,
    path: str,
    body: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection(address, timeout=30)
    data = urllib.parse.urlencode(body) if body is not None else None
    sent = {
        **(headers or {}),
        **({"Content-Type": "application/x-www-form-urlencoded"} if data else {}),
    }
    connection.request(method, urllib.parse.quote(path, safe="/?=&%:"), body=data, headers=sent)
    response = connection.getresponse()
    text = response.read().decode("utf-8")
    result_headers = {key.lower(): value for key, value in response.getheaders()}
    connection.close()
    return response.status, result_headers, text


def session_of(headers: dict[str, str]) -> str:
    return headers["set-cookie"].split(";")[0]


# --- kbtool users -------------------------------------------------------------------------


def test_users_add_list_passwd_remove(in_site: Path, cli) -> None:  # type: ignore[no-untyped-def]
    added = cli("users", "add", "王丽", "--password-stdin", input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    path = in_site / "etc" / "users.json"
    assert path.stat().st_mode & 0o777 == 0o600
    stored = path.read_text("utf-8")
    assert PASSWORD not in stored and "$argon2id$" in stored
    again = cli("users", "add", "王丽", "--password-stdin", input=PASSWORD + "\n")
    assert again.exit_code == 1 and "kbtool users passwd 王丽" in again.output
    short = cli("users", "add", "li", "--password-stdin", input="abc\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    listed = json.loads(cli("users", "list", "--json").output)
    assert [user["name"] for user in listed["users"]] == ["王丽"]
    assert "hash" not in json.dumps(listed)
    assert (
        cli("users", "passwd", "王丽", "--password-stdin", input="another pass 2\n").exit_code == 0
    )
    assert stored != path.read_text("utf-8")
    assert cli("users", "remove", "王丽").exit_code == 0
    assert "0 accounts" in cli("users", "list").output
    missing = cli("users", "remove", "nobody")
    assert missing.exit_code == 1 and "kbtool users list" in missing.output


def test_users_needs_a_file_outside_the_kb(in_site: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KBTOOL_USERS")
    unset = cli("users", "list")
    assert unset.exit_code == 1 and "KBTOOL_USERS" in unset.output and "users_file" in unset.output
    monkeypatch.setenv("KBTOOL_USERS", str(in_site / "kb" / "users.json"))
    inside = cli("users", "add", "li", "--password-stdin", input=PASSWORD + "\n")
    assert inside.exit_code == 1 and "inside the knowledge base" in inside.output
    assert not (in_site / "kb" / "users.json").exists()


def test_serve_refuses_without_accounts_and_says_how(in_site: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    started: list[str] = []
    monkeypatch.setattr(
        "kbtool.web.server.serve", lambda make_app, host, port, **kw: started.append(host)
    )
    monkeypatch.setenv("KBTOOL_USERS", str(in_site / "etc" / "empty.json"))
    empty = cli("serve", "--host", "0.0.0.0")
    assert empty.exit_code == 1 and "kbtool users add" in empty.output and started == []
    monkeypatch.delenv("KBTOOL_USERS")
    monkeypatch.setenv("KBTOOL_SSO_HEADER", "X-Remote-User")
    no_proxy = cli("serve", "--host", "0.0.0.0")
    assert no_proxy.exit_code == 1 and "trusted_proxies" in no_proxy.output
    monkeypatch.setenv("KBTOOL_TRUSTED_PROXIES", "10.0.0.5, 127.0.0.1")
    assert cli("serve", "--host", "0.0.0.0").exit_code == 0 and started == ["0.0.0.0"]


def test_start_refuses_other_addresses_too(in_site: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KBTOOL_USERS")
    refused = cli("start", "--host", "0.0.0.0", "--out", str(in_site / "never-built"))
    assert refused.exit_code == 1 and "kbtool users add" in refused.output
    assert not (in_site / "never-built").exists()  # refused before doing anything


# --- sign-in over HTTP --------------------------------------------------------------------


@pytest.fixture(scope="module")
def accounts_file(site: Path) -> Path:
    from kbtool.web import accounts

    path = site / "etc" / "http-users.json"
    store = accounts.load(path)
    accounts.set_password(store, "wang.li", PASSWORD, new=True)
    accounts.save(store)
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(live: LiveKb, accounts_file: Path, clock: Clock) -> Iterator[str]:
    access = Access(
        users_path=accounts_file,
        trusted_proxies=access_for({"trusted_proxies": ["127.0.0.1"]}, live.kb, {}).trusted_proxies,
    )
    with running(create_app(live, access=access, throttle=Throttle(clock))) as address:
        yield address


def sign_in(
    server: str, name: str = "wang.li", password: str = PASSWORD, next_path: str = "/"
) -> tuple[int, dict[str, str], str]:
    return request(
        server, "POST", "/login", {"name": name, "password": password, "next": next_path}
    )


def test_everything_but_login_and_health_needs_a_user(server: str) -> None:
    status, headers, _ = request(server, "GET", "/?q=红眼病")
    location = urllib.parse.urlsplit(headers["location"])
    assert status == 302 and location.path == "/login"
    assert urllib.parse.parse_qs(location.query)["next"] == ["/?q=" + urllib.parse.quote("红眼病")]
    status, _, body = request(server, "GET", "/api/search?q=红眼病")
    assert status == 401 and json.loads(body)["error"]["code"] == "sign-in-required"
    assert "不要在电话里诊断" not in body
    for path in ("/entries/acute-conjunctivitis", "/api/entries/acute-conjunctivitis"):
        status, _, body = request(server, "GET", path)
        assert status in (302, 401) and "不要在电话里诊断" not in body
    status, _, body = request(server, "GET", "/api/health")
    assert status == 200 and json.loads(body)["ready"] is True
    status, _, body = request(server, "GET", "/login")
    assert status == 200 and 'autocomplete="current-password"' in body and "坐席登录" in body


def test_sign_in_sets_a_strict_http_only_cookie_and_opens_the_app(server: str) -> None:
    status, headers, _ = sign_in(server, next_path="/?q=红眼病")
    assert status == 302 and urllib.parse.unquote(headers["location"]) == "/?q=红眼病"
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    status, _, body = request(
        server, "GET", "/api/search?q=红眼病", headers={"Cookie": session_of(headers)}
    )
    assert status == 200 and json.loads(body)["results"][0]["id"] == "acute-conjunctivitis"
    status, _, page = request(server, "GET", "/", headers={"Cookie": session_of(headers)})
    assert status == 200 and "wang.li" in page and 'action="/logout"' in page


def test_cookie_is_secure_behind_https_from_a_trusted_proxy_only(server: str) -> None:
    _, headers, _ = request(
        server,
        "POST",
        "/login",
        {"name": "wang.li", "password": PASSWORD},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert "Secure" in headers["set-cookie"]  # 127.0.0.1 is a trusted proxy here


def test_redirect_after_sign_in_stays_on_this_site(server: str) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        status, headers, _ = sign_in(server, next_path=target)
        assert status == 302 and headers["location"] == "/"


def test_wrong_passwords_make_the_next_try_wait_longer(server: str, clock: Clock) -> None:
    status, _, body = sign_in(server, password="wrong password")
    assert status == 401 and "用户名或密码不对" in body
    status, _, body = sign_in(server)  # even the right password must wait now
    assert status == 429 and "请 1 秒后再试" in body
    clock.now += 1.5
    assert sign_in(server, password="wrong again")[0] == 401
    clock.now += 1.5  # the second failure asks for 2 s
    assert sign_in(server)[0] == 429
    clock.now += 1.0
    assert sign_in(server)[0] == 302
    assert (
        sign_in(server, password="wrong password")[0] == 401
    )  # success reset the count: 1 s again
    clock.now += 1.1
    assert sign_in(server)[0] == 302


def test_guesses_sent_all_at_once_wait_like_guesses_sent_in_turn(server: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(12) as pool:
        statuses = list(
            pool.map(lambda _: sign_in(server, password="wrong password")[0], range(12))
        )
    assert sorted(statuses) == [401] + [429] * 11  # one password tried, not twelve


def test_behind_the_web_server_each_caller_waits_for_their_own_mistakes(
    server: str, clock: Clock
) -> None:
    relayed = {"X-Forwarded-For": "203.0.113.9"}  # nginx (trusted) says who is calling
    status, _, _ = request(
        server, "POST", "/login", {"name": "attacker", "password": "x"}, headers=relayed
    )
    assert status == 401
    status, _, _ = request(
        server,
        "POST",
        "/login",
        {"name": "wang.li", "password": PASSWORD, "next": "/"},
        headers={"X-Forwarded-For": "10.1.1.1"},
    )
    assert status == 302  # another caller behind the same web server is not kept waiting
    status, _, _ = request(
        server,
        "POST",
        "/login",
        {"name": "someone", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},  # a forged first hop
    )
    assert status == 429  # counted as 203.0.113.9, the address nginx saw
    status, _, _ = request(
        server,
        "POST",
        "/login",
        {"name": "wang.li", "password": PASSWORD},
        headers={"X-Forwarded-For": "fe80::1%" + "x" * 500},  # one address, however written
    )
    assert status == 302


def test_unknown_name_answers_like_a_wrong_password(server: str) -> None:
    status, _, body = sign_in(server, name="nobody")
    assert status == 401 and "用户名或密码不对" in body


def test_logout_and_password_change_end_sessions(server: str, accounts_file: Path) -> None:
    from kbtool.web import accounts

    _, headers, _ = sign_in(server)
    cookie = session_of(headers)
    status, out, _ = request(server, "POST", "/logout", headers={"Cookie": cookie})
    assert status == 302 and out["location"] == "/login"
    assert "kbtool_session=;" in out["set-cookie"] and "Max-Age=0" in out["set-cookie"]
    store = accounts.load(accounts_file)
    accounts.set_password(store, "wang.li", "new password 3", new=False)
    accounts.save(store)
    try:
        assert request(server, "GET", "/api/search?q=x", headers={"Cookie": cookie})[0] == 401
        forged = cookie[:-3] + ("abc" if not cookie.endswith("abc") else "xyz")
        assert request(server, "GET", "/api/search?q=x", headers={"Cookie": forged})[0] == 401
    finally:
        accounts.set_password(store, "wang.li", PASSWORD, new=False)
        accounts.save(store)


@contextmanager
def two_workers(
    live: LiveKb, accounts_file: Path, record: Path, clock: Clock
) -> Iterator[tuple[str, str]]:
    """Two apps as two worker processes of one server would run them: each opens the shared
    sign-in record file itself."""
    from kbtool.web.signin_record import SharedRecord

    access = Access(users_path=accounts_file)
    first = create_app(live, access=access, throttle=Throttle(clock, SharedRecord(record)))
    second = create_app(live, access=access, throttle=Throttle(clock, SharedRecord(record)))
    with running(first) as one, running(second) as other:
        yield one, other


def test_a_signed_out_cookie_is_refused_by_every_worker_even_if_kept(
    live: LiveKb, accounts_file: Path, tmp_path: Path, clock: Clock
) -> None:
    with two_workers(live, accounts_file, tmp_path / "signin.sqlite", clock) as (one, other):
        _, headers, _ = sign_in(one)
        cookie = session_of(headers)
        assert request(other, "GET", "/api/search?q=x", headers={"Cookie": cookie})[0] == 200
        _, again, _ = sign_in(other)  # the same person on a second computer
        second_cookie = session_of(again)
        assert request(one, "POST", "/logout", headers={"Cookie": cookie})[0] == 302
        for address in (one, other):  # a copy of the cookie is worthless after signing out
            status, _, body = request(address, "GET", "/api/search?q=x", headers={"Cookie": cookie})
            assert status == 401 and json.loads(body)["error"]["code"] == "sign-in-required"
            status, _, page = request(address, "GET", "/", headers={"Cookie": cookie})
            assert status == 302 and "不要在电话里诊断" not in page
        # only that session ends: the other computer stays signed in, and signing in works again
        assert request(one, "GET", "/api/search?q=x", headers={"Cookie": second_cookie})[0] == 200
        _, fresh, _ = sign_in(other)
        assert (
            request(one, "GET", "/api/search?q=x", headers={"Cookie": session_of(fresh)})[0] == 200
        )


def test_the_wait_after_wrong_passwords_holds_across_workers(
    live: LiveKb, accounts_file: Path, tmp_path: Path, clock: Clock
) -> None:
    with two_workers(live, accounts_file, tmp_path / "signin.sqlite", clock) as (one, other):
        assert sign_in(one, password="wrong password")[0] == 401
        status, _, body = sign_in(other)  # another worker does not start the count afresh
        assert status == 429 and "请 1 秒后再试" in body
        clock.now += 1.5
        assert sign_in(other, password="wrong again")[0] == 401
        clock.now += 1.5
        assert sign_in(one)[0] == 429  # the second failure asks for 2 s, on every worker
        clock.now += 1.0
        assert sign_in(one)[0] == 302


def test_a_damaged_sign_in_record_never_locks_staff_out(
    live: LiveKb,
    accounts_file: Path,
    tmp_path: Path,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = tmp_path / "signin.sqlite"
    record.write_bytes(b"this is not a database" * 100)
    with two_workers(live, accounts_file, record, clock) as (one, _other):
        status, headers, _ = sign_in(one)
        assert status == 302
        cookie = session_of(headers)
        assert request(one, "GET", "/api/search?q=x", headers={"Cookie": cookie})[0] == 200
        assert request(one, "POST", "/logout", headers={"Cookie": cookie})[0] == 302
        assert request(one, "GET", "/api/search?q=x", headers={"Cookie": cookie})[0] == 401
        assert sign_in(one, password="wrong password")[0] == 401
        assert sign_in(one)[0] == 429  # still throttled, in this worker's memory
    assert "sign-in record" in caplog.text and "delete it" in caplog.text
    assert record.read_bytes().startswith(b"this is not a database")  # left for IT to look at


def test_without_sign_in_requests_relayed_by_a_web_server_are_refused(live: LiveKb) -> None:
    with running(create_app(live)) as address:
        assert request(address, "GET", "/api/search?q=红眼病")[0] == 200  # this computer: as today
        status, _, body = request(
            address, "GET", "/api/search?q=红眼病", headers={"X-Forwarded-For": "10.1.2.3"}
        )
        assert status == 403 and json.loads(body)["error"]["code"] == "sign-in-not-configured"
        assert "不要在电话里诊断" not in body
        assert request(address, "GET", "/", headers={"X-Forwarded-For": "10.1.2.3"})[0] == 403


# --- single sign-on -----------------------------------------------------------------------


@pytest.mark.parametrize(("proxies", "expected"), [(["127.0.0.1"], 200), (["10.0.0.5"], 401)])
def test_single_sign_on_header_is_trusted_only_from_configured_proxies(
    live: LiveKb, proxies: list[str], expected: int
) -> None:
    access = access_for({"sso_header": "X-Remote-User", "trusted_proxies": proxies}, live.kb, {})
    with running(create_app(live, access=access)) as address:
        status, _, body = request(
            address, "GET", "/api/search?q=红眼病", headers={"X-Remote-User": "li.na"}
        )
        assert status == expected and ("results" in json.loads(body)) == (expected == 200)
        status, _, page = request(address, "GET", "/", headers={"X-Remote-User": "li.na"})
        assert ("li.na" in page) == (expected == 200)
        assert 'action="/logout"' not in page  # the hospital's portal signs people out
        assert request(address, "GET", "/api/search?q=x")[0] == 401  # no header: no user
