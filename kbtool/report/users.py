"""`kbtool users list`: the staff accounts (names and dates, never the hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import plural


@dataclass(frozen=True)
class AccountList:
    file: str
    users: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "users": self.users}


def account_lines(accounts: AccountList) -> list[str]:
    lines = [
        f"{row['name']}\tadded {row['created']}\tpassword set {row['changed']}"
        for row in accounts.users
    ]
    return [*lines, f"{plural(len(accounts.users), 'account')} in {accounts.file}"]
