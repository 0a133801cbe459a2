"""The shipped nginx configuration (deploy/nginx/kbtool.conf) with Debian's nginx, in front of
two staff-app processes and a built patient site: `nginx -t`, then sign-in, search, static
pages, headers and caching, all through nginx over HTTPS. Skipped where nginx is not installed
(.ci/run installs it)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import entry_data, write_entry

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "kbtool.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}
PASSWORD = "call centre 2026"
PATIENT, STAFF = "patient.example.org", "staff.example.internal"

pytestmark = pytest.mark.skipif(
    NGINX is None or shutil.which("openssl") is None,
    reason="Debian's nginx and openssl are not installed (.ci/run installs nginx)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def render(
    shipped: str,
    *,
    http_port: int,
    https_port: int,
    site: Path,
    cert: Path,
    key: Path,
    upstreams: list[int],
) -> str:
    """The shipped file with only the lines marked EDIT changed to this machine's values."""
    text = re.sub(r"listen 80;", f"listen 127.0.0.1:{http_port};", shipped)
    text = re.sub(r"listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;", text)
    text = re.sub(r"ssl_certificate( +)\S+;", rf"ssl_certificate\g<1>{cert};", text)
    text = re.sub(r"ssl_certificate_key( +)\S+;", rf"ssl_certificate_key\g<1>{key};", text)
    text = re.sub(r"root /srv/kbtool/current/site-build;", f"root {site};", text)
    servers = iter(upstreams)
    text = re.sub(r"server 127\.0\.0\.1:\d+ ", lambda _: f"server 127.0.0.1:{next(servers)} ", text)
    assert text.count("127.0.0.1:") >= 5, "the shipped configuration changed shape: update render()"
    return text


def make_certificate(folder: Path) -> None:
    """A throwaway self-signed certificate (test.crt, test.key) for HTTPS on loopback."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(folder / "test.key"),
            "-out",
            str(folder / "test.crt"),
        ],
        check=True,
        capture_output=True,
    )


def main_conf(folder: Path, site_conf: Path) -> Path:
    """A minimal nginx.conf around the site file, everything in `folder`, no daemon."""
    temp = "\n".join(
        f"  {name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # pytest's tmp folders are private to us
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
{temp}
  include {site_conf};
}}
""",
        "utf-8",
    )
    return conf


@dataclass
class Stack:
    https_port: int
    http_port: int
    folder: Path
    replicas: tuple[int, ...] = ()
    """Process ids of the staff-app replicas (a waitress process, a gunicorn arbiter)."""

    def request(
        self,
        host: str,
        method: str,
        path: str,
        body: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.https_port, timeout=30, context=context
        )
        sent = {"Host": host, **(headers or {})}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, urllib.parse.quote(path, safe="/?=&%"), body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        found = {key.lower(): value for key, value in response.getheaders()}
        connection.close()
        return response.status, found, text


def wait_for_port(port: int, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    raise AssertionError(f"nothing answered on port {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    from kbtool.publish import build_site
    from kbtool.web import accounts

    folder = tmp_path_factory.mktemp("nginx")
    kb = folder / "kb"
    write_entry(
        kb,
        entry_data(
            "acute-conjunctivitis",
            title="急性结膜炎(红眼病)",
            aliases=["红眼病"],
            review=SIGNED,
            staff_notes="内部须知:不要在电话里诊断。",
        ),
    )
    build_site(kb, folder / "site", dt.date(2026, 12, 1))
    store = accounts.load(folder / "etc" / "users.json")
    accounts.set_password(store, "wang.li", PASSWORD, new=True)
    accounts.save(store)
    make_certificate(folder)

    environment = {
        **os.environ,
        "KBTOOL_CACHE": str(folder / "cache"),
        "KBTOOL_USERS": str(store.path),
        "KBTOOL_TRUSTED_PROXIES": "127.0.0.1",
    }
    ports = [free_port(), free_port()]
    log = open(folder / "apps.log", "wb")  # noqa: SIM115 - closed below
    # one replica in one waitress process, the other with the default on Linux: gunicorn workers
    apps = [
        subprocess.Popen(
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
                str(workers),
                "--threads",
                "4",
            ],
            env=environment,
            stdout=log,
            stderr=log,
        )
        for port, workers in zip(ports, (1, 2))
    ]
    site_conf = folder / "kbtool.conf"
    stack = Stack(
        https_port=free_port(),
        http_port=free_port(),
        folder=folder,
        replicas=tuple(app.pid for app in apps),
    )
    site_conf.write_text(
        render(
            SHIPPED.read_text("utf-8"),
            http_port=stack.http_port,
            https_port=stack.https_port,
            site=folder / "site",
            cert=folder / "test.crt",
            key=folder / "test.key",
            upstreams=ports,
        ),
        "utf-8",
    )
    conf = main_conf(folder, site_conf)
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for port in ports:
            wait_for_port(port)
        checked = subprocess.run(
            [str(NGINX), "-t", "-c", str(conf)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen(
            [str(NGINX), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", stack.https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield stack
    finally:
        if nginx is not None:
            stop(nginx)
        for app in apps:
            stop(app)
        log.close()


def test_shipped_configuration_passes_nginx_t(tmp_path: Path) -> None:
    """`nginx -t` on the file as shipped (only its EDIT lines pointed at this machine)."""
    make_certificate(tmp_path)
    site_conf = tmp_path / "kbtool.conf"
    site_conf.write_text(
        render(
            SHIPPED.read_text("utf-8"),
            http_port=free_port(),
            https_port=free_port(),
            site=tmp_path,
            cert=tmp_path / "test.crt",
            key=tmp_path / "test.key",
            upstreams=[free_port(), free_port()],
        ),
        "utf-8",
    )
    checked = subprocess.run(
        [str(NGINX), "-t", "-c", str(main_conf(tmp_path, site_conf))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "warn" not in checked.stderr


def test_patient_site_through_nginx_with_headers_and_caching(stack: Stack) -> None:
    status, headers, page = stack.request(PATIENT, "GET", "/")
    assert status == 200 and "<html" in page
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert (
        headers["x-content-type-options"] == "nosniff"
        and headers["referrer-policy"] == "no-referrer"
    )
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["cache-control"] == "no-cache"  # pages are revalidated
    assert "nginx/" not in headers.get("server", "")  # no version shown
    assets = sorted(
        path
        for path in (stack.folder / "site" / "assets").rglob("*.min.js")
        if re.search(r"\.[0-9a-f]{8,}\.min\.js$", path.name)
    )
    status, headers, _ = stack.request(
        PATIENT, "GET", "/" + assets[0].relative_to(stack.folder / "site").as_posix()
    )
    assert status == 200 and "immutable" in headers["cache-control"]
    status, _, page = stack.request(PATIENT, "GET", "/no/such/page/")
    assert status == 404
    assert stack.request(PATIENT, "POST", "/", body="x=1")[0] == 403
    assert (
        "不要在电话里诊断"
        not in stack.request(PATIENT, "GET", "/conditions/acute-conjunctivitis/")[2]
    )


def test_plain_http_is_sent_to_https(stack: Stack) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=10)
    connection.request("GET", "/conditions/", headers={"Host": STAFF})
    response = connection.getresponse()
    assert (
        response.status == 301 and response.getheader("Location") == f"https://{STAFF}/conditions/"
    )
    connection.close()


def test_staff_sign_in_and_search_through_nginx(stack: Stack) -> None:
    status, headers, _ = stack.request(STAFF, "GET", "/?q=红眼病")
    assert status == 302 and headers["location"].startswith("/login?next=")
    status, _, body = stack.request(STAFF, "GET", "/api/search?q=红眼病")
    assert status == 401 and "不要在电话里诊断" not in body
    # a caller cannot sign itself in with the single sign-on header: nginx blanks it
    assert (
        stack.request(STAFF, "GET", "/api/search?q=红眼病", headers={"X-Remote-User": "intruder"})[
            0
        ]
        == 401
    )

    form = urllib.parse.urlencode({"name": "wang.li", "password": PASSWORD, "next": "/?q=红眼病"})
    status, headers, _ = stack.request(STAFF, "POST", "/login", body=form)
    assert status == 302
    cookie = headers["set-cookie"]
    assert (
        "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    )  # HTTPS via nginx
    session = {"Cookie": cookie.split(";")[0]}
    status, _, body = stack.request(STAFF, "GET", "/api/search?q=红眼病", headers=session)
    assert status == 200 and json.loads(body)["results"][0]["id"] == "acute-conjunctivitis"
    status, headers, page = stack.request(
        STAFF, "GET", "/entries/acute-conjunctivitis", headers=session
    )
    assert status == 200 and "不要在电话里诊断" in page
    assert "script-src 'self'" in headers["content-security-policy"]


def test_both_staff_app_processes_answer_and_report_readiness(stack: Stack) -> None:
    seen = set()
    for _ in range(12):
        status, _, body = stack.request(STAFF, "GET", "/api/health")
        health = json.loads(body)
        assert status == 200 and health["ready"] is True and health["entries"] == 1
        assert health["index_problem"] is None
        seen.add(replica_of(health["worker"], stack.replicas))
    assert seen == set(stack.replicas)  # nginx spreads requests over both replicas


def replica_of(worker: int, replicas: tuple[int, ...]) -> int:
    """The replica a worker process belongs to: itself (waitress) or its parent (gunicorn)."""
    if worker in replicas:
        return worker
    status = Path(f"/proc/{worker}/status").read_text("utf-8")
    return int(re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE).group(1))  # type: ignore[union-attr]


def test_idle_and_half_open_clients_at_nginx_do_not_block_the_staff_app(stack: Stack) -> None:
    """gunicorn's workers give a thread to each connection they accept (see README, Staff app):
    nginx in front holds idle and slow clients itself, so they never reach either replica."""
    held = []
    try:
        for number in range(120):  # far more than the replicas' 4 + 2 x 4 threads
            sock = socket.create_connection(("127.0.0.1", stack.https_port), timeout=5)
            if number % 2:
                sock.sendall(b"\x16\x03\x01")  # a TLS greeting that never finishes
            held.append(sock)
        seen = set()
        for _ in range(8):  # a 30 s timeout in `request` fails the test instead of hanging
            status, _, body = stack.request(STAFF, "GET", "/api/health")
            assert status == 200
            seen.add(replica_of(json.loads(body)["worker"], stack.replicas))
        assert seen == set(stack.replicas)
    finally:
        for sock in held:
            sock.close()
