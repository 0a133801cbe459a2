"""Sign-in for the staff app: the login page, signed session cookies, a growing wait after
wrong passwords, logout, and single sign-on users from trusted web servers."""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from typing import Any

from flask import Flask, g, jsonify, redirect, render_template, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import accounts
from .access import Access
from .messages import messages_for
from .signin_record import Failures, MemoryRecord, SignInRecord

COOKIE = "kbtool_session"
SESSION_SECONDS = 12 * 3600
"""A session lasts one long shift; then staff sign in again."""
PUBLIC = ("/login", "/api/health", "/static/")
FREE_FAILURES = 1
NAME_LIMIT = 256
MAX_WAIT = 300.0


class Throttle:
    """Failed sign-ins per name and per address: after each one the next try must wait longer
    (1 s, 2 s, 4 s ... up to 5 minutes). Counted in the sign-in record, which every worker
    process of the app shares when it lives in a file. An attempt counts as failed from the
    moment it is let in until it succeeds, so guesses sent all at once wait like guesses sent
    one after another."""

    def __init__(
        self, clock: Callable[[], float] = time.time, record: SignInRecord | None = None
    ) -> None:
        self.clock = clock
        self.record = record if record is not None else MemoryRecord()

    def attempt(self, keys: list[str]) -> float:
        """Seconds to wait before `keys` may try again; 0 lets this attempt in (and counts it)."""
        return self.record.attempt(keys, self.clock(), wait_of)

    def succeeded(self, keys: list[str]) -> None:
        self.record.succeeded(keys)


def wait_of(failures: Failures, now: float) -> float:
    """The longest wait any of the keys still owes; never more than MAX_WAIT, even when a
    failure was stamped by a clock that has since been put back."""
    waits = [
        min(MAX_WAIT, 2.0 ** min(count - FREE_FAILURES, 30)) - max(0.0, now - last)
        for count, last in failures.values()
        if count >= FREE_FAILURES
    ]
    return max([0.0, *waits])


def throttle_keys(name: str, address: str | None) -> list[str]:
    """What a sign-in is counted under: the name as the accounts file compares it (NFC, any
    case), hashed so that a made-up name of any length costs a few bytes, and the address."""
    folded = unicodedata.normalize("NFC", name.strip()).casefold()
    return ["name:" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32], f"addr:{address}"]


class AccountsCache:
    """The accounts file, re-read when it changes (so `kbtool users` takes effect at once)."""

    def __init__(self, path: Any) -> None:
        self.path = path
        self._seen: tuple[int, int, int] | None = None
        self._accounts: accounts.Accounts | None = None
        self._lock = threading.Lock()

    def get(self) -> accounts.Accounts:
        try:
            stat = os.stat(self.path)
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            seen = None
        with self._lock:
            if self._accounts is None or seen != self._seen:
                self._accounts, self._seen = accounts.load(self.path), seen
            return self._accounts


def install(app: Flask, access: Access, throttle: Throttle | None = None) -> None:
    """Require a signed-in user on every route but the login page, /api/health and static files."""
    if not access.required:
        _refuse_proxied(app)
        return
    throttle = throttle or Throttle()
    store = AccountsCache(access.users_path) if access.users_path is not None else None

    def lang() -> str:
        return "en" if request.args.get("lang") == "en" else "zh"

    def signer() -> URLSafeTimedSerializer | None:
        return URLSafeTimedSerializer(store.get().secret, salt="kbtool-session") if store else None

    def secure() -> bool:
        forwarded = request.headers.get("X-Forwarded-Proto", "") == "https" and access.trusted(
            request.remote_addr
        )
        return access.secure_cookies or request.is_secure or forwarded

    def client_address() -> str | None:
        """Who is signing in: behind a trusted web server, the nearest address in
        X-Forwarded-For that is not one of the trusted servers; otherwise the connection's."""
        address = request.remote_addr
        forwarded = request.headers.get("X-Forwarded-For", "")
        if not forwarded or not access.trusted(address):
            return address
        for hop in reversed([part.strip() for part in forwarded.split(",")]):
            try:
                ip = ipaddress.ip_address(hop.strip("[]").split("%")[0])  # no IPv6 zone id
            except ValueError:
                return address  # a garbled header: count the web server itself
            if not access.trusted(str(ip)):
                return str(ip)  # one spelling per address
        return address

    def session() -> tuple[str, str] | None:
        """The signed-in name and session id of this request's cookie, if it still holds:
        signed by us, within a shift, the password unchanged since, not signed out."""
        raw = request.cookies.get(COOKIE)
        sign = signer()
        if not raw or sign is None or store is None:
            return None
        try:
            data = sign.loads(raw, max_age=SESSION_SECONDS)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        name, session_id = data.get("u"), data.get("i")
        if (
            not isinstance(name, str)
            or not isinstance(session_id, str)
            or not data.get("s")
            or data.get("s") != store.get().stamp(name)
            or throttle.record.revoked(session_id, time.time())
        ):
            return None
        return name, session_id

    def session_user() -> str | None:
        found = session()
        return found[0] if found else None

    def sso_user() -> str | None:
        if access.sso_header is None or not access.trusted(request.remote_addr):
            return None
        value = request.headers.get(access.sso_header, "").strip()
        try:
            value = value.encode("latin-1").decode("utf-8")  # WSGI hands headers over as latin-1
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        return value or None

    @app.before_request
    def require_user() -> Any:
        g.user = sso_user() or session_user()
        g.can_logout = g.user is not None and request.cookies.get(COOKIE) is not None
        if g.user is not None or request.path.startswith(PUBLIC):
            return None
        if request.path.startswith("/api/"):
            body = {
                "error": {
                    "status": 401,
                    "code": "sign-in-required",
                    "message": "sign in to the staff app first (open / in a browser)",
                }
            }
            return jsonify(body), 401
        if store is None:  # single sign-on only: the hospital's web server signs people in
            return render_template(
                "error.html",
                t=messages_for(lang()),
                lang=lang(),
                status=401,
                message=messages_for(lang())["sso_required"],
            ), 401
        return redirect(_login_url(request.full_path if request.query_string else request.path))

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        t = messages_for(lang())
        target = _safe_next(request.values.get("next", "/"))
        if store is None:
            return redirect(target)
        if request.method == "GET":
            return render_template(
                "login.html", t=t, lang=lang(), next=target, name="", message=None
            )
        name = request.form.get("name", "")[:NAME_LIMIT].strip()  # longer is no account anyway
        keys = throttle_keys(name, client_address())
        waiting = throttle.attempt(keys)
        if waiting > 0:
            message = t["login_wait"].format(seconds=math.ceil(waiting))
            return render_template(
                "login.html", t=t, lang=lang(), next=target, name=name, message=message
            ), 429
        if not accounts.verify(store.get(), name, request.form.get("password", "")):
            return render_template(
                "login.html", t=t, lang=lang(), next=target, name=name, message=t["login_failed"]
            ), 401
        throttle.succeeded(keys)
        name = accounts.check_name(name)
        sign = signer()
        assert sign is not None
        response = redirect(target)
        response.set_cookie(
            COOKIE,
            sign.dumps({"u": name, "s": store.get().stamp(name), "i": secrets.token_urlsafe(16)}),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="Strict",
            secure=secure(),
            path="/",
        )
        return response

    @app.post("/logout")
    def logout() -> Any:
        """Forget the cookie in this browser and refuse it everywhere from now on, so a copy
        left on a shared computer or in a proxy log cannot be used again."""
        found = session()
        if found is not None:
            now = time.time()
            throttle.record.revoke(found[1], now + SESSION_SECONDS, now)
        response = redirect("/login")
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict", secure=secure())
        return response


PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def _refuse_proxied(app: Flask) -> None:
    """Without sign-in the app is for this computer only; a request relayed by a web server comes
    from elsewhere, so it is refused (staff notes must not reach the whole network)."""

    @app.before_request
    def local_only() -> Any:
        if request.path == "/api/health" or not any(
            request.headers.get(name) for name in PROXY_HEADERS
        ):
            return None
        body = {
            "error": {
                "status": 403,
                "code": "sign-in-not-configured",
                "message": "this staff app has no sign-in set up, so it only answers this "
                "computer, not requests relayed by a web server: set up staff "
                "accounts or single sign-on (docs/deploy.md)",
            }
        }
        return jsonify(body), 403


def _safe_next(target: str) -> str:
    """Only paths on this site: never another site (`//evil`, `https://...`, backslashes)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target.rstrip("?") or "/"


def _login_url(target: str) -> str:
    from urllib.parse import urlencode

    return "/login?" + urlencode({"next": target})
