"""`kbtool check` as a pipeline: load -> schema -> consistency -> result. Never prints."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import KbConfig, load_config
from .consistency import EntryLinks, entry_links, entry_problems, link_problems
from .filecache import FileCheck, cached_checks, cached_links
from .hints import approve_hint
from .lint import Rule, WordingConfig, lint_entry, load_rules, prepare
from .loader import entry_files, load_entry, read_fields
from .model import Entry, Problem
from .review.drift import StaleTranslation, stale_translations
from .review.state import review_state
from .reviewers import Registry, load_registry, signoff_problems
from .search.store import cache_dir_for
from .validate import schema_problems


def review_problems(entry: Entry, today: dt.date, due_soon_days: int) -> list[Problem]:
    """Changed and overdue entries are warnings, so CI can choose to block them with --strict."""
    state = review_state(entry, today, due_soon_days)
    line, column = entry.key_position(("review",))
    review = entry.review
    if state == "changed":
        message = (
            f"edited since it was signed off on {review.get('reviewed_on')}: patients still see "
            "the signed-off version; ask a clinician to review the change "
            f"('kbtool review diff {entry.id}', then {approve_hint(entry.id)})"
        )
    elif state == "overdue":
        message = (
            f"review overdue since {review.get('next_review')}: ask a clinician to review it and "
            f"sign it off again: {approve_hint(entry.id)}"
        )
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
    registry: Registry | None = None
    stale: list[StaleTranslation] = field(default_factory=list)

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
    registry: Registry | None = None


def entry_checks(entry: Entry, checks: _Checks) -> list[Problem]:
    """Every check that looks at one entry alone."""
    return (
        schema_problems(entry)
        + entry_problems(entry, checks.today)
        + review_problems(entry, checks.today, checks.config.due_soon_days)
        + signoff_problems(entry, checks.registry, checks.config)
        + lint_entry(entry, checks.rules, checks.wording)
    )


def check_kb(
    kb: Path,
    today: dt.date,
    *,
    keep_entries: bool = True,
    jobs: int = 1,
    only: Sequence[Path] | None = None,
) -> CheckResult:
    """Load and check every entry of the knowledge base at `kb` (or only the files in `only`,
    still comparing their ids and links with every entry of the KB).

    With `keep_entries=False` and `jobs > 1`, a large KB is checked in several processes
    (only problems come back, so `entries` is empty); the problems are the same either way."""
    config, problems = load_config(kb)
    registry, registry_problems = load_registry(kb)
    problems += registry_problems
    rules, rule_problems = load_rules([kb / "rules"] if (kb / "rules").is_dir() else [])
    problems += rule_problems
    checks = _Checks(today, config, rules, WordingConfig.from_mapping(config.wording), registry)
    files, walk_problems = entry_files(kb)
    chosen, others = files, list[tuple[Path, str]]()
    if only is not None:
        wanted = [os.path.abspath(path) for path in only]
        chosen, others = [], []
        for item in files:
            (chosen if _named(item[0], wanted) else others).append(item)
        walk_problems = [p for p in walk_problems if _named(Path(p.file), wanted)]
    problems += walk_problems
    entries: list[Entry] = []
    cache_dir = cache_dir_for(kb, config.cache_dir, os.environ)
    links = []
    if keep_entries:
        for path, shown in chosen:
            entry, load_problems = load_entry(path, folder=path.parent.name, shown=shown)
            problems += load_problems
            if entry is not None:
                problems += entry_checks(entry, checks)
                links.append(entry_links(entry))
                entries.append(entry)
    else:
        key = _checks_key(checks)
        for found, record in cached_checks(
            chosen, cache_dir, key, lambda stale: _check_files(stale, checks, jobs)
        ):
            problems += found
            links += [record] if record is not None else []
    checked = {record.file for record in links}
    links += _links_only(others, kb, cache_dir)
    loaded = {record.file for record in links}
    broken = {path.stem: shown for path, shown in files if shown not in loaded}
    problems += [p for p in link_problems(links, broken=broken) if p.file in checked]
    stale = stale_translations(links, {record.id for record in links if record.file in checked})
    problems += [item.problem() for item in stale]
    problems = sorted(set(problems), key=Problem.sort_key)
    return CheckResult(
        entries=entries,
        problems=problems,
        config=config,
        files=len(chosen),
        registry=registry,
        stale=stale,
    )


def _named(path: Path, wanted: list[str]) -> bool:
    """The file is one of the named paths, or inside a named folder."""
    absolute = os.path.abspath(path)
    return any(
        absolute == named or absolute.startswith(named.rstrip(os.sep) + os.sep) for named in wanted
    )


LINK_FIELDS = frozenset({"id", "lang", "related", "translations", "review"})


def _links_only(files: list[tuple[Path, str]], root: Path, cache_dir: Path) -> list[EntryLinks]:
    """Ids, languages, links and sign-offs of the readable entries not being checked themselves,
    read quickly and without positions (nothing is reported in them), and kept in the cache
    folder for the next check (filecache)."""

    def read(path: Path, shown: str) -> EntryLinks | None:
        data = read_fields(path, LINK_FIELDS, root)
        if data is None:
            return None
        return entry_links(
            Entry(path=path, file=shown, folder=path.parent.name, data=data, source="")
        )

    return cached_links(files, cache_dir, read) if files else []


def _checks_key(checks: _Checks) -> str:
    """Everything a file's own checks depend on besides the file: today, the KB's settings,
    reviewers and rules, and kbtool's own files (code, rules, model, schema), by size and time."""
    digest = hashlib.sha256()
    for part in (checks.today, checks.config, checks.registry, checks.wording, checks.rules):
        digest.update(repr(part).encode("utf-8", "replace"))
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            info = path.stat()
            digest.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _check_one(path: Path, shown: str, checks: _Checks) -> FileCheck:
    entry, problems = load_entry(path, folder=path.parent.name, shown=shown)
    if entry is None:
        return problems, None
    return problems + entry_checks(entry, checks), entry_links(entry)


def _check_files(files: list[tuple[Path, str]], checks: _Checks, jobs: int) -> list[FileCheck]:
    """Each file checked on its own, in order: in several processes for many files."""
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if jobs > 1 and can_fork and len(files) >= PARALLEL_MIN_FILES:
        return _check_in_processes(files, checks, jobs)
    return [_check_one(path, shown, checks) for path, shown in files]


_WORKER_CHECKS: _Checks | None = None


def _check_chunk(files: list[tuple[Path, str]]) -> list[FileCheck]:
    assert _WORKER_CHECKS is not None
    return [_check_one(path, shown, _WORKER_CHECKS) for path, shown in files]


def _check_in_processes(
    files: list[tuple[Path, str]], checks: _Checks, jobs: int
) -> list[FileCheck]:
    """Split the files over forked workers that inherit the compiled rules; results in order."""
    from concurrent.futures import ProcessPoolExecutor  # only for large KBs: a light start

    global _WORKER_CHECKS
    _WORKER_CHECKS = checks
    prepare(checks.rules)
    # Small chunks, so the workers finish together: with 4 per worker the last one ran alone
    # for up to a chunk's time (about 0.3 s of wall time at 10,000 entries on 2 cores).
    size = max(50, len(files) // (jobs * 16))
    chunks = [files[start : start + size] for start in range(0, len(files), size)]
    found: list[FileCheck] = []
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for chunk in pool.map(_check_chunk, chunks):
            found += chunk
    _WORKER_CHECKS = None
    return found
