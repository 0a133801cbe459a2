"""Earlier versions of an entry from git: find the revision a clinician signed off."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loader import decode
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


def _parse(text: str) -> dict[str, Any] | None:
    import yaml

    from .loader import _EntryLoader

    try:
        data = yaml.load(text, Loader=_EntryLoader)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


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
        try:
            raw = subprocess.run(["git", "show", f"{commit}:{name}"], cwd=top, capture_output=True,
                                 check=True, timeout=60).stdout
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            continue
        text, failure = decode(raw)
        data = _parse(text) if failure is None else None
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
