"""Who may use the staff app: nobody but this computer (no sign-in), staff accounts, or the
hospital's single sign-on through a trusted web server. Decided once, before serving."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import accounts

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SSO_ENV, PROXIES_ENV, SECURE_ENV = (
    "KBTOOL_SSO_HEADER",
    "KBTOOL_TRUSTED_PROXIES",
    "KBTOOL_SECURE_COOKIES",
)

HOW = (
    "Staff-only notes must not be open to the whole network. Either create staff accounts:\n"
    "  1. add to kb/kbtool.yaml:   staff_app:\n"
    "                                users_file: /etc/kbtool/users.json\n"
    "     (or set KBTOOL_USERS=/etc/kbtool/users.json)\n"
    "  2. run: kbtool users add NAME\n"
    "or sign staff in through the hospital's single sign-on web server:\n"
    "  staff_app:\n"
    "    sso_header: X-Remote-User       # the header your web server sets after sign-in\n"
    "    trusted_proxies: [10.0.0.5]     # the address(es) of that web server\n"
    "See docs/deploy.md."
)


class AccessError(Exception):
    """The sign-in settings are missing or wrong; the message says how to fix them."""


@dataclass(frozen=True)
class Access:
    """The sign-in settings the app runs with."""

    users_path: Path | None = None
    sso_header: str | None = None
    trusted_proxies: tuple[Network, ...] = ()
    secure_cookies: bool = False
    """Always mark cookies Secure (they are also Secure whenever the request came over HTTPS)."""

    @property
    def required(self) -> bool:
        return self.users_path is not None or self.sso_header is not None

    def trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address((address or "").strip("[]"))
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)

    def describe(self) -> str:
        ways = []
        if self.users_path is not None:
            ways.append(f"staff accounts in {self.users_path}")
        if self.sso_header is not None:
            ways.append(
                f"single sign-on header {self.sso_header} from "
                + ", ".join(str(n) for n in self.trusted_proxies)
            )
        return " and ".join(ways) or "no sign-in (this computer only)"


def _proxies(raw: Any) -> tuple[Network, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if items is None:
        raise AccessError(
            "staff_app.trusted_proxies must be a list of addresses, e.g. [10.0.0.5, 127.0.0.1]"
        )
    networks = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise AccessError(
                f"staff_app.trusted_proxies: '{text}' is not an IP address or network "
                "(write 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return tuple(networks)


def access_for(settings: Mapping[str, Any], kb: Path, environ: Mapping[str, str]) -> Access:
    """Sign-in settings from `staff_app:` in kb/kbtool.yaml, overridden by environment variables."""
    known = {"users_file", "sso_header", "trusted_proxies", "secure_cookies"}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise AccessError(
            f"kb/kbtool.yaml: unknown staff_app setting '{unknown[0]}' "
            f"(known: {', '.join(sorted(known))})"
        )
    try:
        users_path = accounts.users_file(settings.get("users_file"), kb, environ)
    except accounts.AccountsError as error:
        raise AccessError(str(error)) from None
    header = (environ.get(SSO_ENV) or str(settings.get("sso_header") or "")).strip() or None
    proxies = _proxies(environ.get(PROXIES_ENV) or settings.get("trusted_proxies") or [])
    if header is not None and not proxies:
        raise AccessError(
            f"single sign-on header {header} is set but no trusted_proxies: list the address "
            "of the web server that signs staff in, or anyone could claim to be anyone"
        )
    secure = (
        environ.get(SECURE_ENV, "").lower() in ("1", "true", "yes")
        or settings.get("secure_cookies") is True
    )
    return Access(users_path, header, proxies, secure)


def refusal(access: Access, loopback: bool) -> str | None:
    """Why the app must not start with these settings (None: it may)."""
    if access.users_path is not None and access.sso_header is None:
        try:
            users = accounts.load(access.users_path).users
        except accounts.AccountsError as error:
            return str(error)
        if not users:
            return (
                f"no staff accounts in {access.users_path} yet, so nobody could sign in: "
                "add one with 'kbtool users add NAME'"
            )
    if not loopback and not access.required:
        return "the staff app has no sign-in configured, so it only listens on 127.0.0.1.\n" + HOW
    return None
