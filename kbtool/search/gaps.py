"""Content gaps: queries that found nothing (or nothing good), so authors learn what is missing.

The log is a local JSON Lines file in the cache folder holding only the query text and the
time. Staff sometimes type a caller's phone or ID number into the search box, so any run of
seven or more digits (spaces, dots and hyphens allowed between them, an ID card's final X
included) is masked before the query is written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .tokens import clean

GAPS_FILE = "search-gaps.jsonl"
MAX_LOGGED_CHARS = 200
_LONG_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d){6,}(?:[xX](?![a-zA-Z]))?")


def gaps_file(cache_dir: Path) -> Path:
    return cache_dir / GAPS_FILE


def mask_numbers(text: str) -> str:
    """The text with every digit (and ID-card X) of long numbers replaced by '*'."""
    return _LONG_NUMBER.sub(lambda m: re.sub(r"[0-9xX]", "*", m.group(0)), text)


def loggable(query: str) -> str:
    """What is written for a query: normalised width, spaces collapsed, numbers masked, capped."""
    text = " ".join(unicodedata.normalize("NFKC", clean(query)).split())
    return mask_numbers(text)[:MAX_LOGGED_CHARS]


def record_gap(log: Path, query: str, when: dt.datetime) -> None:
    """Append one gap (masked query and time) to the log. One short write, so concurrent
    searches do not interleave lines."""
    line = (
        json.dumps(
            {"time": when.isoformat(timespec="seconds"), "query": loggable(query)},
            ensure_ascii=False,
        )
        + "\n"
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Gap:
    query: str
    time: dt.datetime


@dataclass(frozen=True)
class GapSummary:
    """One missing answer: the query as last typed, how often, first and last time."""

    query: str
    count: int
    first_seen: str
    last_seen: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "count": self.count,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


def read_gaps(log: Path) -> list[Gap]:
    """Every readable record of the log (damaged lines are skipped)."""
    try:
        raw = log.read_bytes().decode("utf-8", "replace")
    except OSError:
        return []
    gaps = []
    for line in raw.splitlines():
        try:
            record = json.loads(line)
            gaps.append(Gap(str(record["query"]), dt.datetime.fromisoformat(record["time"])))
        except (ValueError, KeyError, TypeError):
            continue
    return gaps


def local_time(when: dt.datetime) -> dt.datetime:
    """A logged time as this computer's clock shows it: times logged with a zone (the staff app
    logs UTC, the CLI local time) are converted; a time without one is taken as local already."""
    return when.astimezone() if when.tzinfo is not None else when


def summarize(gaps: list[Gap], since: dt.date | None = None) -> list[GapSummary]:
    """Gaps grouped by query (case and spacing ignored), most frequent first; times and the
    `since` day in this computer's time zone, whichever zone each line was logged in."""
    groups: dict[str, list[Gap]] = {}
    for gap in gaps:
        gap = Gap(gap.query, local_time(gap.time))
        if since is not None and gap.time.date() < since:
            continue
        groups.setdefault(" ".join(gap.query.casefold().split()), []).append(gap)
    summaries = []
    for items in groups.values():
        items.sort(key=lambda g: g.time.astimezone())  # one instant order, zone or none
        summaries.append(
            GapSummary(
                items[-1].query,
                len(items),
                items[0].time.isoformat(timespec="seconds"),
                items[-1].time.isoformat(timespec="seconds"),
            )
        )
    return sorted(summaries, key=lambda s: (-s.count, s.query))
