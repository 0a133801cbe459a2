"""Earlier versions of an entry from git: find the revision a clinician signed off."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loader import MAX_FILE_BYTES, parse_entry
from .model import Entry


class HistoryError(Exception):
    """git history is not available for this file; the message says why and what to do."""


@dataclass(frozen=True)
class Revision:
    commit: str
    date: str
    data: dict[str, Any]


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise HistoryError("git is not installed, so earlier versions cannot be looked up") from None
    except subprocess.TimeoutExpired:
        raise HistoryError("git took too long to answer") from None
    if done.returncode != 0:
        raise HistoryError(done.stderr.decode("utf-8", "replace").strip() or "git failed")
    return done.stdout.decode("utf-8", "replace")


def _parse(raw: bytes, name: str) -> dict[str, Any] | None:
    """An old revision read exactly as a current file is (same size limit, no aliases, no tags);
    None when it would not load today."""
    parsed, _ = parse_entry(raw, name, Path(name).stem)
    return parsed[1] if parsed is not None else None


def _show(top: Path, spec: str) -> bytes | None:
    """`git show COMMIT:PATH`, reading at most one byte more than an entry may hold."""
    try:
        process = subprocess.Popen(["git", "show", spec], cwd=top, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
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
        raise HistoryError(f"{path} is not in a git repository, so there is no history to compare with: "
                           "keep the knowledge base in git to see what changed since sign-off") from None
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    try:
        _git(["rev-parse", "--verify", "-q", "HEAD"], top)
    except HistoryError:
        return []  # a repository with no commits yet
    log = _git(["log", f"-n{limit}", "--follow", "--format=%H %cs", "--name-only", "--", relative], top)
    found: list[Revision] = []
    lines = [line for line in log.splitlines() if line.strip()]
    for header, name in zip(lines[0::2], lines[1::2]):
        commit, _, date = header.partition(" ")
        raw = _show(top, f"{commit}:{name}")
        data = _parse(raw, name) if raw is not None else None
        if data is not None:
            found.append(Revision(commit=commit, date=date, data=data))
    return found


def signed_off_revision(entry: Entry) -> Revision | None:
    """The newest committed version whose content matches the entry's stored fingerprint."""
    from .review.state import fingerprint

    stored = entry.review.get("fingerprint")
    if not isinstance(stored, str):
        return None
    for revision in revisions(entry.path):
        if fingerprint(revision.data) == stored:
            return revision
    return None
