"""Earlier versions of an entry from git: find the revision a clinician signed off."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..loader import MAX_FILE_BYTES, entry_data_from_bytes
from ..model import Entry
from .state import fingerprint


class HistoryError(Exception):
    """git history is not available for this file; the message says why and what to do."""


@dataclass(frozen=True)
class Revision:
    commit: str
    date: str
    data: dict[str, Any]
    author_name: str = ""
    author_email: str = ""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise HistoryError(
            "git is not installed, so earlier versions cannot be looked up"
        ) from None
    except subprocess.TimeoutExpired:
        raise HistoryError("git took too long to answer") from None
    if done.returncode != 0:
        raise HistoryError(done.stderr.decode("utf-8", "replace").strip() or "git failed")
    return done.stdout.decode("utf-8", "replace")


def _show(top: Path, spec: str) -> bytes | None:
    """`git show COMMIT:PATH`, reading at most one byte more than an entry may hold."""
    try:
        process = subprocess.Popen(
            ["git", "show", spec], cwd=top, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None
    assert process.stdout is not None
    with process.stdout:
        raw = process.stdout.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:  # never an entry today: stop reading
        process.kill()
        process.wait()
        return None
    try:
        code = process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None
    return raw if code == 0 else None


def revisions(path: Path, limit: int = 200) -> list[Revision]:
    """Committed versions of one file, newest first (following renames)."""
    folder = path.resolve().parent
    try:
        _git(["rev-parse", "--is-inside-work-tree"], folder)
    except HistoryError:
        raise HistoryError(
            f"{path} is not in a git repository, so there is no history to compare with: "
            "keep the knowledge base in git to see what changed since sign-off"
        ) from None
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    try:
        _git(["rev-parse", "--verify", "-q", "HEAD"], top)
    except HistoryError:
        return []  # a repository with no commits yet
    log = _git(
        [
            "log",
            f"-n{limit}",
            "--follow",
            "--format=%H%x09%cs%x09%ae%x09%an",
            "--name-only",
            "--",
            relative,
        ],
        top,
    )
    found: list[Revision] = []
    lines = [line for line in log.splitlines() if line.strip()]
    for header, name in zip(lines[0::2], lines[1::2]):
        commit, date, email, author = (header.split("\t", 3) + ["", "", ""])[:4]
        raw = _show(top, f"{commit}:{name}")
        data = entry_data_from_bytes(raw, name) if raw is not None else None
        if data is not None:
            found.append(
                Revision(
                    commit=commit, date=date, data=data, author_name=author, author_email=email
                )
            )
    return found


def signed_off_revision(entry: Entry) -> Revision | None:
    """The newest committed version whose content matches the entry's stored fingerprint."""
    stored = entry.review.get("fingerprint")
    if not isinstance(stored, str):
        return None
    for revision in revisions(entry.path):
        if fingerprint(revision.data) == stored:
            return revision
    return None


def fingerprint_on(path: Path, day: str) -> str | None:
    """The sign-off fingerprint the file held in its newest commit made on or before `day`
    (YYYY-MM-DD), or None when it had none or did not exist yet."""
    folder = path.resolve().parent
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    except HistoryError:
        raise HistoryError(f"{path} is not in a git repository") from None
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    try:
        log = _git(
            [
                "log",
                "-n1",
                "--follow",
                f"--until={day}T23:59:59",
                "--format=%H",
                "--name-only",
                "--",
                relative,
            ],
            top,
        )
    except HistoryError:
        return None  # no commits yet
    lines = [line for line in log.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    raw = _show(top, f"{lines[0]}:{lines[1]}")
    data = entry_data_from_bytes(raw, lines[1]) if raw is not None else None
    review = data.get("review") if data else None
    stored = review.get("fingerprint") if isinstance(review, dict) else None
    return stored if isinstance(stored, str) else None


@dataclass(frozen=True)
class FileChange:
    status: str  # added | modified | deleted | renamed
    path: Path  # the file now (for a deleted file: where it was)
    old_path: Path | None  # the file at the base revision, when it existed


_STATUS = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "added",
    "T": "modified",
}


def changes_since(folder: Path, base: str) -> tuple[str, list[FileChange]]:
    """Files under `folder` that differ between `base` (via its merge base with HEAD) and the
    working tree, new untracked files included; returns the base commit and the changes."""
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    except HistoryError:
        raise HistoryError(
            f"{folder} is not in a git repository: the review report compares git "
            "revisions, so keep the knowledge base in git"
        ) from None
    try:
        commit = _git(["merge-base", base, "HEAD"], top).strip()
    except HistoryError:
        raise HistoryError(
            f"'{base}' is not a revision of this repository (or shares no history with "
            "HEAD): give a branch, tag or commit with --base, e.g. --base origin/main; "
            "in CI, fetch the whole history (fetch-depth: 0)"
        ) from None
    relative = folder.resolve().relative_to(top.resolve()).as_posix() or "."
    diff = _git(["diff", "--name-status", "-M", "-z", commit, "--", relative], top).split("\0")
    found: list[FileChange] = []
    index = 0
    while index < len(diff) - 1:
        code = diff[index][:1]
        if code in ("R", "C"):
            old, new = diff[index + 1], diff[index + 2]
            index += 3
        else:
            old = new = diff[index + 1]
            index += 2
        status = _STATUS.get(code, "modified")
        found.append(FileChange(status, top / new, None if status == "added" else top / old))
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z", "--", relative], top)
    found += [FileChange("added", top / name, None) for name in untracked.split("\0") if name]
    return commit, sorted(found, key=lambda change: change.path)


def data_at(commit: str, path: Path) -> dict[str, Any] | None:
    """An entry file's data as committed in `commit`, or None if it was not there or unreadable."""
    folder = next(parent for parent in path.resolve().parents if parent.is_dir())
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    raw = _show(top, f"{commit}:{relative}")
    return entry_data_from_bytes(raw, relative) if raw else None


def signoffs(path: Path) -> list[tuple[str, str]]:
    """The file's committed sign-offs, oldest first, as (reviewed_on, fingerprint)."""
    found: list[tuple[str, str]] = []
    for revision in reversed(revisions(path)):
        review = revision.data.get("review")
        if not isinstance(review, dict):
            continue
        on, stored = review.get("reviewed_on"), review.get("fingerprint")
        if on and isinstance(stored, str) and (not found or found[-1] != (str(on), stored)):
            found.append((str(on), stored))
    return found
