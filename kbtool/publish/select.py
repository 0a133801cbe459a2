"""Which entries reach the site, and which revision of each: pure, `today` is a parameter.

Public build: signed-off entries without errors. A `changed` entry is published as its
last signed-off revision, found in git history by its fingerprint; without one it is left
out. Preview build: drafts and changed entries are shown too (as they are now), each
marked so the page can carry a banner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..check import CheckResult
from ..config import KbConfig
from ..consistency import entry_problems
from ..fields import Field, declared, published_parts
from ..hints import approve_hint
from ..model import Entry
from ..review.history import HistoryError, Revision
from ..review.state import review_state
from ..validate import schema_problems
from .urls import RESERVED_IDS

RevisionLookup = Callable[[Entry], "Revision | None"]
"""Finds an entry's signed-off revision (`history.signed_off_revision`); may raise HistoryError."""

SIGNOFF_SHOWN = published_parts("review")
"""The parts of the sign-off a page shows: who reviewed it, when, and when it is next due."""


@dataclass(frozen=True)
class Published:
    """One entry as it will appear: the content to show and the sign-off it rests on."""

    id: str
    type: str
    lang: str
    file: str
    content: dict[str, Any]
    review: dict[str, Any]
    state: str
    commit: str | None = None
    commit_date: str | None = None
    banner: str | None = None

    @property
    def title(self) -> str:
        return str(self.content.get("title") or self.id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "lang": self.lang,
            "file": self.file,
            "state": self.state,
            "commit": self.commit,
            "commit_date": self.commit_date,
            "banner": self.banner,
        }


@dataclass(frozen=True)
class LeftOut:
    """An entry that is not on the site, and why: draft, errors, changed or reserved-id."""

    id: str
    file: str
    reason: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "file": self.file, "reason": self.reason, "message": self.message}


@dataclass
class Selection:
    published: list[Published] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    config: KbConfig = field(default_factory=KbConfig)

    def by_id(self) -> dict[str, Published]:
        return {item.id: item for item in self.published}


def public_content(data: dict[str, Any]) -> dict[str, Any]:
    """The patient-facing fields of an entry, by allowlist: only fields the registry
    (`kbtool/fields.py`) marks published, and inside red flags and sources only the published
    parts. Staff notes, the call script, the sign-off block, `x-` fields and any field nobody
    declared never get here. Every page, search index and API file is made from this."""
    return {
        item.name: _published_value(data[item.name], item)
        for item in declared()
        if item.published and item.name in data
    }


def _published_value(value: Any, item: Field) -> Any:
    if not item.parts:
        return value
    if isinstance(value, list):
        return [_published_block(block, item) for block in value]
    return _published_block(value, item)


def _published_block(block: Any, item: Field) -> Any:
    if not isinstance(block, dict):
        return block
    return {
        key: value
        for key, value in block.items()
        if (part := item.part(key)) is not None and part.published
    }


def _review(data: dict[str, Any]) -> dict[str, Any]:
    review = data.get("review")
    review = review if isinstance(review, dict) else {}
    return {key: review[key] for key in SIGNOFF_SHOWN if key in review}


def select_entries(
    check: CheckResult, today: dt.date, lookup: RevisionLookup, preview: bool = False
) -> Selection:
    """Decide, entry by entry in id order, what is published and what is left out."""
    selection = Selection(config=check.config)
    for entry in sorted(check.entries, key=lambda e: (e.id, e.file)):
        outcome = _select_one(entry, check, today, lookup, preview)
        if isinstance(outcome, Published):
            selection.published.append(outcome)
        else:
            selection.left_out.append(outcome)
    return selection


def _select_one(
    entry: Entry, check: CheckResult, today: dt.date, lookup: RevisionLookup, preview: bool
) -> Published | LeftOut:
    errors = [
        p for p in check.problems_for(entry.id) if p.severity == "error" and p.file == entry.file
    ]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return LeftOut(
            entry.id,
            entry.file,
            "errors",
            f"has errors, for example line {first.line}: {first.message}{more}: "
            "run 'kbtool check' and fix them",
        )
    if entry.id in RESERVED_IDS:
        return LeftOut(
            entry.id,
            entry.file,
            "reserved-id",
            f"the id '{entry.id}' is reserved for section pages on the site: rename the entry",
        )
    state = review_state(entry, today, check.config.due_soon_days)
    if preview and state in ("draft", "changed"):
        return _published(entry, entry.data, state, banner=state)
    if state == "draft":
        return LeftOut(
            entry.id,
            entry.file,
            "draft",
            "never signed off: it is published once a clinician signs it off: "
            f"{approve_hint(entry.id)}",
        )
    if state == "changed":
        return _signed_off(entry, check, today, lookup)
    return _published(entry, entry.data, state)


def _published(
    entry: Entry,
    data: dict[str, Any],
    state: str,
    banner: str | None = None,
    revision: Revision | None = None,
) -> Published:
    return Published(
        id=entry.id,
        type=str(entry.type),
        lang=str(entry.lang),
        file=entry.file,
        content=public_content(data),
        review=_review(entry.data),
        state=state,
        commit=revision.commit if revision else None,
        commit_date=revision.date if revision else None,
        banner=banner,
    )


def _signed_off(
    entry: Entry, check: CheckResult, today: dt.date, lookup: RevisionLookup
) -> Published | LeftOut:
    """A changed entry: its signed-off revision from history, checked again, or left out."""
    try:
        revision = lookup(entry)
    except HistoryError as error:
        return LeftOut(
            entry.id,
            entry.file,
            "changed",
            f"edited since sign-off, and its signed-off version cannot be recovered ({error}): "
            f"ask a clinician to review the change and sign it off: {approve_hint(entry.id)}",
        )
    if revision is None:
        return LeftOut(
            entry.id,
            entry.file,
            "changed",
            "edited since sign-off, and no committed version matches the sign-off fingerprint: "
            f"ask a clinician to review the change and sign it off ({approve_hint(entry.id)}), "
            "and commit the file right after signing off",
        )
    merged = {
        **{k: v for k, v in revision.data.items() if k != "review"},
        "review": entry.data.get("review"),
    }
    old = Entry(path=entry.path, file=entry.file, folder=entry.folder, data=merged, source="")
    errors = [p for p in schema_problems(old) + entry_problems(old, today) if p.severity == "error"]
    if errors or old.id != entry.id or old.lang != entry.lang or old.type != entry.type:
        reason = (
            errors[0].message
            if errors
            else "its id, type or language differs from the current file"
        )
        return LeftOut(
            entry.id,
            entry.file,
            "changed",
            f"edited since sign-off, and the signed-off version (commit {revision.commit[:10]}) "
            f"cannot be published: {reason}",
        )
    state = review_state(old, today, check.config.due_soon_days)
    return _published(old, merged, state, revision=revision)
