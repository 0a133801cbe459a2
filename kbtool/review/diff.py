"""What changed in an entry since sign-off, field by field, as readable line diffs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import fields
from ..loader import load_kb
from .history import HistoryError, signed_off_revision
from .state import _canonical

ROLE_ORDER = ("content", "links", "notes", "sign-off", "identity")
"""A reviewer reads what patients and staff read first, identity last; within a role, fields
come in the order the registry declares them (so a new field takes its place on its own)."""


def reading_order() -> list[str]:
    """Every declared field but the sign-off record itself, in the order a reviewer reads them."""
    declared = [f for f in fields.declared() if f.name != "review"]
    rank = {role: index for index, role in enumerate(ROLE_ORDER)}
    return [f.name for f in sorted(declared, key=lambda f: rank.get(f.role, len(rank)))]


@dataclass(frozen=True)
class FieldChange:
    field: str
    kind: str  # added | removed | changed
    diff: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "kind": self.kind, "diff": self.diff}


@dataclass(frozen=True)
class SignoffDiff:
    """An entry's changes since the committed version that was signed off."""

    id: str
    file: str
    commit: str
    date: str
    changes: list[FieldChange]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "signed_off_commit": self.commit,
            "signed_off_date": self.date,
            "changes": [c.as_dict() for c in self.changes],
        }


def _as_lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.strip("\n").split("\n")
    dumped = yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    return dumped.rstrip("\n").split("\n")


def entry_changes(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Fields whose content differs (ignoring layout), in reading order, each with a line diff."""
    order = reading_order()
    names = [name for name in order if name in old or name in new]
    names += sorted(k for k in set(old) | set(new) if k not in order and k != "review")
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if _canonical(before) == _canonical(after):
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        lines = list(
            difflib.unified_diff(
                _as_lines(_canonical(before)), _as_lines(_canonical(after)), lineterm="", n=1
            )
        )[2:]
        changes.append(FieldChange(field=name, kind=kind, diff=lines))
    return changes


class DiffUnavailable(Exception):
    """There is no signed-off version to compare with; the message says why and what to do."""


def signoff_diff(kb: Path, entry_id: str) -> SignoffDiff:
    """What changed in entry `entry_id` since the committed version its fingerprint matches."""
    entry = next((e for e in load_kb(kb).entries if e.id == entry_id), None)
    if entry is None:
        raise DiffUnavailable(f"no readable entry with id '{entry_id}' in {kb}: run 'kbtool check'")
    if not entry.review.get("fingerprint"):
        raise DiffUnavailable(
            f"'{entry_id}' has no sign-off fingerprint, so there is no signed-off version to "
            "compare with: sign it off with 'kbtool review approve'"
        )
    try:
        revision = signed_off_revision(entry)
    except HistoryError as error:
        raise DiffUnavailable(str(error)) from None
    if revision is None:
        raise DiffUnavailable(
            f"no committed version of {entry.file} matches its sign-off fingerprint: commit the "
            "file right after signing it off so later changes can be compared"
        )
    return SignoffDiff(
        id=entry_id,
        file=entry.file,
        commit=revision.commit,
        date=revision.date,
        changes=entry_changes(revision.data, entry.data),
    )
