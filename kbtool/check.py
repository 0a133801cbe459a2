"""`kbtool check` as a pipeline: load -> schema -> consistency -> result. Never prints."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .config import KbConfig, load_config
from .consistency import entry_problems, kb_problems
from .loader import load_kb
from .model import Entry, Problem
from .review.state import review_state
from .validate import schema_problems


def review_problems(entry: Entry, today: dt.date, due_soon_days: int) -> list[Problem]:
    """Changed and overdue entries are warnings, so CI can choose to block them with --strict."""
    state = review_state(entry, today, due_soon_days)
    line, column = entry.key_position(("review",))
    review = entry.review
    if state == "changed":
        message = (f"edited since it was signed off on {review.get('reviewed_on')}: patients still see "
                   "the signed-off version; ask a clinician to review the change "
                   f"('kbtool review diff {entry.id}', then 'kbtool review approve {entry.id}')")
    elif state == "overdue":
        message = (f"review overdue since {review.get('next_review')}: ask a clinician to review it and "
                   f"sign it off again ('kbtool review approve {entry.id}')")
    else:
        return []
    return [Problem(entry.file, line, column, "warning", state, message, entry.id)]


@dataclass
class CheckResult:
    """Everything `kbtool check` found, sorted by file and line."""

    entries: list[Entry]
    problems: list[Problem]
    config: KbConfig = field(default_factory=KbConfig)
    files: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.severity == "warning")

    def ok(self, strict: bool = False) -> bool:
        return self.errors == 0 and not (strict and self.warnings)

    def problems_for(self, entry_id: str) -> list[Problem]:
        return [p for p in self.problems if p.entry == entry_id]


def check_kb(kb: Path, today: dt.date) -> CheckResult:
    """Load and check every entry of the knowledge base at `kb`."""
    config, problems = load_config(kb)
    loaded = load_kb(kb)
    problems += loaded.problems
    for entry in loaded.entries:
        problems += schema_problems(entry) + entry_problems(entry, today)
        problems += review_problems(entry, today, config.due_soon_days)
    problems += kb_problems(loaded.entries)
    problems = sorted(set(problems), key=Problem.sort_key)
    return CheckResult(entries=loaded.entries, problems=problems, config=config,
                       files=loaded.files_seen)
