"""Clinical review: states and fingerprints, sign-off, the queue, git history, drift of
translations, the diff since sign-off and the review report."""

from __future__ import annotations

from typing import Protocol

from ..config import KbConfig
from ..model import Entry, Problem
from ..reviewers import Registry


class CheckedKb(Protocol):
    """What `kbtool check` found (a `kbtool.check.CheckResult`): sign-off is refused while the
    entry has errors, and the review report lists them. Passed in, so that review (which check
    uses for states and stale translations) does not depend on check."""

    entries: list[Entry]
    problems: list[Problem]
    config: KbConfig
    registry: Registry | None
