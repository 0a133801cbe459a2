"""`kbtool check` as a pipeline: load -> schema -> consistency -> result. Never prints."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .config import KbConfig, load_config
from .consistency import EntryLinks, entry_links, entry_problems, link_problems
from .lint import Rule, WordingConfig, lint_entry, load_rules
from .loader import entry_files, load_entry
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


PARALLEL_MIN_FILES = 400
"""Below this many files a second process costs more than it saves."""


@dataclass(frozen=True)
class _Checks:
    """Everything the per-entry checks need besides the entry (shared by worker processes)."""

    today: dt.date
    config: KbConfig
    rules: list[Rule]
    wording: WordingConfig


def entry_checks(entry: Entry, checks: _Checks) -> list[Problem]:
    """Every check that looks at one entry alone."""
    return (schema_problems(entry) + entry_problems(entry, checks.today)
            + review_problems(entry, checks.today, checks.config.due_soon_days)
            + lint_entry(entry, checks.rules, checks.wording))


def check_kb(kb: Path, today: dt.date, *, keep_entries: bool = True, jobs: int = 1) -> CheckResult:
    """Load and check every entry of the knowledge base at `kb`.

    With `keep_entries=False` and `jobs > 1`, a large KB is checked in several processes
    (only problems come back, so `entries` is empty); the problems are the same either way."""
    config, problems = load_config(kb)
    rules, rule_problems = load_rules([kb / "rules"] if (kb / "rules").is_dir() else [])
    problems += rule_problems
    checks = _Checks(today, config, rules, WordingConfig.from_mapping(config.wording))
    files, walk_problems = entry_files(kb)
    problems += walk_problems
    entries: list[Entry] = []
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if not keep_entries and jobs > 1 and can_fork and len(files) >= PARALLEL_MIN_FILES:
        found, links = _check_in_processes(files, checks, jobs)
        problems += found
    else:
        links = []
        for path, shown in files:
            entry, load_problems = load_entry(path, folder=path.parent.name, shown=shown)
            problems += load_problems
            if entry is not None:
                problems += entry_checks(entry, checks)
                links.append(entry_links(entry))
                entries.append(entry)
    loaded = {record.file for record in links}
    broken = {path.stem: shown for path, shown in files if shown not in loaded}
    problems += link_problems(links, broken=broken)
    problems = sorted(set(problems), key=Problem.sort_key)
    return CheckResult(entries=entries, problems=problems, config=config, files=len(files))


_WORKER_CHECKS: _Checks | None = None


def _check_chunk(files: list[tuple[Path, str]]) -> tuple[list[Problem], list[EntryLinks]]:
    assert _WORKER_CHECKS is not None
    problems: list[Problem] = []
    links: list[EntryLinks] = []
    for path, shown in files:
        entry, load_problems = load_entry(path, folder=path.parent.name, shown=shown)
        problems += load_problems
        if entry is not None:
            problems += entry_checks(entry, _WORKER_CHECKS)
            links.append(entry_links(entry))
    return problems, links


def _check_in_processes(files: list[tuple[Path, str]], checks: _Checks,
                        jobs: int) -> tuple[list[Problem], list[EntryLinks]]:
    """Split the files over forked workers that inherit the compiled rules."""
    global _WORKER_CHECKS
    _WORKER_CHECKS = checks
    size = max(50, len(files) // (jobs * 4))
    chunks = [files[start:start + size] for start in range(0, len(files), size)]
    problems: list[Problem] = []
    links: list[EntryLinks] = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for found, chunk_links in pool.map(_check_chunk, chunks):
            problems += found
            links += chunk_links
    _WORKER_CHECKS = None
    return problems, links
