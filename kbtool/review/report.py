"""`review report`: the entries a change (a pull or merge request) touches, with their review
states, problems, and field-by-field changes, for a clinician reviewing it. Never prints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..loader import RESERVED_NAMES, display_path
from ..model import Entry, Problem
from ..reviewers import Registry, reviewed_by
from . import CheckedKb
from .diff import FieldChange, entry_changes
from .history import FileChange, Revision, changes_since, data_at, revisions
from .state import fingerprint, review_state


@dataclass(frozen=True)
class ReportEntry:
    id: str
    file: str
    status: str  # added | modified | deleted | renamed
    title: str
    state: str | None  # None: deleted, or the file cannot be read
    reviewed_by: list[str]
    reviewed_on: str | None
    problems: list[Problem]
    compared_with: str
    changes: list[FieldChange]
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "status": self.status,
            "title": self.title,
            "state": self.state,
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on,
            "problems": [p.as_dict() for p in self.problems],
            "compared_with": self.compared_with,
            "changes": [c.as_dict() for c in self.changes],
            "notes": self.notes,
        }


@dataclass(frozen=True)
class ReviewReport:
    base: str
    base_commit: str
    today: dt.date
    entries: list[ReportEntry]
    settings_changed: list[str]
    kb_problems: list[Problem]

    def counts(self) -> dict[str, int]:
        problems = [p for entry in self.entries for p in entry.problems] + self.kb_problems
        return {
            severity: sum(1 for p in problems if p.severity == severity)
            for severity in ("error", "warning", "suggestion")
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "base_commit": self.base_commit,
            "today": self.today.isoformat(),
            "counts": self.counts(),
            "entries": [e.as_dict() for e in self.entries],
            "settings_changed": self.settings_changed,
            "kb_problems": [p.as_dict() for p in self.kb_problems],
        }


def build_report(
    kb: Path, base: str, today: dt.date, check: Callable[[list[Path]], CheckedKb]
) -> ReviewReport:
    """Everything a reviewer needs about the entries changed since `base`; `check(files)` is
    `kbtool check` of those entry files (against the whole KB). Raises HistoryError."""
    base_commit, changes = changes_since(kb, base)
    root = kb.resolve()
    settings = [display_path(c.path) for c in changes if _is_setting(root, c.path)]
    entry_changes_ = [c for c in changes if not _is_setting(root, c.path)]
    present = [c.path for c in entry_changes_ if c.status != "deleted"]
    result = check(present) if present else None
    by_path = {entry.path.resolve(): entry for entry in (result.entries if result else [])}
    shown = {display_path(path) for path in present}
    kb_problems = [p for p in (result.problems if result else []) if p.file not in shown]
    entries = []
    for change in entry_changes_:
        entry = by_path.get(change.path.resolve())
        problems = [
            p for p in (result.problems if result else []) if p.file == display_path(change.path)
        ]
        entries.append(
            _report_entry(
                change,
                entry,
                problems,
                base,
                base_commit,
                today,
                result.config.due_soon_days if result else 30,
                result.registry if result else None,
            )
        )
    return ReviewReport(base, base_commit, today, entries, settings, kb_problems)


def _is_setting(root: Path, path: Path) -> bool:
    parts = path.resolve().relative_to(root).parts
    return bool(parts) and parts[0] in RESERVED_NAMES


def _report_entry(
    change: FileChange,
    entry: Entry | None,
    problems: list[Problem],
    base: str,
    base_commit: str,
    today: dt.date,
    due_soon_days: int,
    registry: Registry | None,
) -> ReportEntry:
    before = data_at(base_commit, change.old_path) if change.old_path else None
    against = f"{base} ({base_commit[:10]})"
    if entry is None:
        title = str((before or {}).get("title") or change.path.stem)
        return ReportEntry(
            change.path.stem,
            display_path(change.path),
            change.status,
            title,
            None,
            [],
            None,
            problems,
            against if before else "",
            [],
        )
    state = review_state(entry, today, due_soon_days)
    history = _history(entry)
    compared_with, old = against, before or {}
    if state == "changed":
        signed = next(
            (r for r in history if fingerprint(r.data) == entry.review.get("fingerprint")), None
        )
        if signed is not None:
            compared_with, old = (
                f"the signed-off version (commit {signed.commit[:10]}, {signed.date})",
                signed.data,
            )
    notes = []
    same = self_signoff(entry, history, registry)
    if same is not None:
        notes.append(same)
    if change.status == "renamed" and change.old_path is not None:
        notes.append(f"renamed from {display_path(change.old_path)}")
    reviewed_on = entry.review.get("reviewed_on")
    return ReportEntry(
        entry.id,
        entry.file,
        change.status,
        entry.title,
        state,
        reviewed_by(entry),
        str(reviewed_on) if reviewed_on else None,
        problems,
        compared_with,
        entry_changes(old, entry.data),
        notes,
    )


def _history(entry: Entry) -> list[Revision]:
    from .history import HistoryError

    try:
        return revisions(entry.path)
    except HistoryError:
        return []


def self_signoff(entry: Entry, history: list[Revision], registry: Registry | None) -> str | None:
    """A note when the commit that wrote the current sign-off is also the one that last changed
    the content, and its git author is the reviewer: the author signed off their own change."""
    stored = entry.review.get("fingerprint")
    if not isinstance(stored, str) or not history:
        return None
    signoff_commit = None
    for revision in history:  # newest first: the oldest commit still holding this sign-off wrote it
        review = revision.data.get("review")
        if (
            not isinstance(review, dict)
            or review.get("fingerprint") != stored
            or str(review.get("reviewed_on")) != str(entry.review.get("reviewed_on"))
        ):
            break
        signoff_commit = revision
    if signoff_commit is None or fingerprint(signoff_commit.data) != stored:
        return None
    older = history[history.index(signoff_commit) + 1 :]
    if older and fingerprint(older[0].data) == stored:
        return None  # the content was already there before the sign-off commit
    if not _is_reviewer(signoff_commit, entry, registry):
        return None
    return (
        f"signed off in the same commit that changed the content ({signoff_commit.commit[:10]}), "
        f"whose author ({signoff_commit.author_name or signoff_commit.author_email}) is the reviewer: "
        "the author and the reviewer should be different people"
    )


def _is_reviewer(revision: Revision, entry: Entry, registry: Registry | None) -> bool:
    names = reviewed_by(entry)
    if registry is not None:
        for name in names:
            reviewer = registry.find(name)
            if reviewer is None:
                continue
            if reviewer.email and reviewer.email.casefold() == revision.author_email.casefold():
                return True
            if revision.author_name and revision.author_name.strip() in (
                reviewer.name,
                reviewer.id,
            ):
                return True
        return False
    author = revision.author_name.strip()
    return bool(author) and any(author in name for name in names)
