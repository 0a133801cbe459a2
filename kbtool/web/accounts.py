"""Staff accounts: a JSON file outside the KB holding argon2id password hashes and the key
that signs session cookies. Written atomically with owner-only permissions; never in git."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

FORMAT = 1
MIN_PASSWORD = 8
ENV_VAR = "KBTOOL_USERS"

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("kbtool-no-such-user")
"""Checked when the name is unknown, so a wrong name takes as long as a wrong password."""


class AccountsError(Exception):
    """The accounts file or a request about it is unusable; the message says what to do."""


@dataclass
class Accounts:
    """Everyone who may sign in, and the key that signs their session cookies."""

    path: Path
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    users: dict[str, dict[str, str]] = field(default_factory=dict)

    def stamp(self, name: str) -> str:
        """Changes whenever the user's password changes, so old sessions stop working."""
        record = self.users.get(name)
        return record["hash"][-16:] if record else ""


def users_file(configured: str | None, kb: Path, environ: Mapping[str, str]) -> Path | None:
    """$KBTOOL_USERS, else `staff_app.users_file` (relative to the KB's parent folder), else None."""
    raw = environ.get(ENV_VAR) or configured
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = kb.resolve().parent / path
    if path.resolve().is_relative_to(kb.resolve()):
        raise AccountsError(
            f"the accounts file {path} is inside the knowledge base {kb}, which is "
            "shared through git: keep it elsewhere, e.g. /etc/kbtool/users.json"
        )
    return path


def load(path: Path) -> Accounts:
    """Read the accounts file; a missing file is an empty set of accounts with a new key."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Accounts(path)
    except (OSError, UnicodeDecodeError) as error:
        raise AccountsError(f"cannot read the accounts file {path}: {error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise AccountsError(
            f"{path}:{error.lineno}: the accounts file is not valid JSON "  # type: ignore[attr-defined]
            "(edit it only with 'kbtool users')"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(data.get("users"), dict)
        or not isinstance(data.get("secret"), str)
    ):
        raise AccountsError(
            f"{path}: not a kbtool accounts file (expected format {FORMAT}); "
            "move it away and add the accounts again with 'kbtool users add'"
        )
    return Accounts(path, data["secret"], dict(data["users"]))


def save(accounts: Accounts) -> None:
    """Write atomically, readable by the owner only (it holds the session key)."""
    path = accounts.path
    path.parent.mkdir(parents=True, exist_ok=True)
    body = (
        json.dumps(
            {"format": FORMAT, "secret": accounts.secret, "users": accounts.users},
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        )
        + "\n"
    )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_name(name: str) -> str:
    """A sign-in name: 1-64 visible characters, no spaces (Chinese names are fine)."""
    name = unicodedata.normalize("NFC", name.strip())
    if not 1 <= len(name) <= 64 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise AccountsError(
            f"'{name}' cannot be a sign-in name: use 1 to 64 characters without spaces, "
            "e.g. wang.li or 王丽"
        )
    return name


def set_password(
    accounts: Accounts, name: str, password: str, *, new: bool, now: dt.datetime | None = None
) -> None:
    """Add a user (`new`) or change an existing user's password; the hash is argon2id."""
    name = check_name(name)
    if new and name in accounts.users:
        raise AccountsError(f"'{name}' already has an account: use 'kbtool users passwd {name}'")
    if not new and name not in accounts.users:
        raise AccountsError(f"no account named '{name}': see 'kbtool users list'")
    if len(password) < MIN_PASSWORD:
        raise AccountsError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    record = dict(accounts.users.get(name, {"created": stamp}))
    record.update(hash=_hasher.hash(password), changed=stamp)
    accounts.users[name] = record


def remove(accounts: Accounts, name: str) -> None:
    if name not in accounts.users:
        raise AccountsError(f"no account named '{name}': see 'kbtool users list'")
    del accounts.users[name]


def verify(accounts: Accounts, name: str, password: str) -> bool:
    """True when the password is right; unknown names cost the same time as wrong passwords."""
    record = accounts.users.get(unicodedata.normalize("NFC", name.strip()))
    try:
        return _hasher.verify(record["hash"] if record else _DUMMY, password) and record is not None
    except (VerificationError, InvalidHashError):
        return False


def listing(accounts: Accounts) -> list[dict[str, Any]]:
    return [
        {"name": name, "created": record.get("created"), "changed": record.get("changed")}
        for name, record in sorted(accounts.users.items())
    ]
