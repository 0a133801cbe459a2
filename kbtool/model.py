"""Plain data shared by every stage: entries, source positions and problems."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning", "suggestion"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "suggestion")

ENTRY_TYPES: dict[str, str] = {
    "condition": "conditions",
    "aftercare": "aftercare",
    "referral": "referrals",
    "faq": "faq",
}
"""Entry type -> the folder under the KB that holds entries of that type."""

FOLDER_TYPES: dict[str, str] = {folder: kind for kind, folder in ENTRY_TYPES.items()}

URGENCIES: tuple[str, ...] = ("emergency", "urgent", "routine")
"""A red flag's urgency levels, most urgent first: care cards, results and call scripts use
this order."""

URGENCY_ORDER: dict[str, int] = {urgency: rank for rank, urgency in enumerate(URGENCIES)}

REVIEW_STATES: tuple[str, ...] = ("changed", "overdue", "due-soon", "draft", "current")
"""An entry's review state on a day, most urgent first (see `review.state` for what each means)."""

NEEDS_ATTENTION = frozenset({"changed", "overdue"})
"""States in which staff are warned not to rely on an entry as it stands."""

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> dt.date | None:
    """A real calendar date written YYYY-MM-DD, or None."""
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


FieldPath = tuple[str | int, ...]
"""Where a value sits inside an entry, e.g. ("red_flags", 0, "when")."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, pointing at the place and saying what to change."""

    file: str
    line: int | None
    column: int | None
    severity: Severity
    code: str
    message: str
    entry: str | None = None
    field: str | None = None
    """The top-level entry field the problem is in, when known (e.g. 'review'); not in the JSON."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line or 0, self.column or 0, self.code, self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "entry": self.entry,
        }


class Span(NamedTuple):
    """Where one YAML value sits in its file: 1-based line and column of its start, 0-based
    character offsets into the source, and the scalar style ('|', '>', '"', "'", '' or None)."""

    line: int
    column: int
    start: int
    end: int
    style: str | None = None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class RedFlag:
    """One warning sign: what the patient notices, how urgent it is and what to do; `ask` is
    the follow-up call's question for it ('' when none is written yet)."""

    when: str
    urgency: str
    action: str
    ask: str = ""

    def shown(self) -> dict[str, str]:
        """The sign, its urgency and the action, as staff search results and pages show them
        (never the follow-up question)."""
        return {"when": self.when, "urgency": self.urgency, "action": self.action}

    @property
    def rank(self) -> int:
        """Position in URGENCIES (unknown urgencies last)."""
        return URGENCY_ORDER.get(self.urgency, len(URGENCY_ORDER))


@dataclass(frozen=True)
class Source:
    """The evidence an entry rests on; `url` is '' when there is none."""

    title: str
    url: str = ""


@dataclass(frozen=True)
class SignOff:
    """The review block: who signed off (one name or several), when, and when it is next due.
    Dates that are missing or not real dates are None (the checks say what is wrong)."""

    reviewed_by: tuple[str, ...]
    reviewed_on: dt.date | None
    next_review: dt.date | None
    fingerprint: str


def red_flags_of(data: dict[str, Any]) -> tuple[RedFlag, ...]:
    """An entry's (or its published content's) red flags, in the authors' order; items that are
    not blocks are skipped (the schema check reports them)."""
    flags = data.get("red_flags")
    return tuple(
        RedFlag(
            _text(f.get("when")),
            _text(f.get("urgency")),
            _text(f.get("action")),
            _text(f.get("ask")),
        )
        for f in (flags if isinstance(flags, list) else [])
        if isinstance(f, dict)
    )


def by_urgency(flags: tuple[RedFlag, ...]) -> list[RedFlag]:
    """Emergency first, then urgent, then routine; the authors' order kept within each."""
    return sorted(flags, key=lambda flag: flag.rank)


def sources_of(data: dict[str, Any]) -> tuple[Source, ...]:
    sources = data.get("sources")
    return tuple(
        Source(_text(s.get("title")), _text(s.get("url")))
        for s in (sources if isinstance(sources, list) else [])
        if isinstance(s, dict) and _text(s.get("title"))
    )


def sign_off_of(data: dict[str, Any]) -> SignOff:
    review = data.get("review")
    review = review if isinstance(review, dict) else {}
    by = review.get("reviewed_by")
    names = [by] if isinstance(by, str) else by if isinstance(by, list) else []
    return SignOff(
        tuple(_text(name) for name in names if _text(name)),
        parse_date(review.get("reviewed_on")),
        parse_date(review.get("next_review")),
        _text(review.get("fingerprint")),
    )


@dataclass
class Entry:
    """One knowledge-base entry as loaded: its data plus enough of its source to point at lines."""

    path: Path
    file: str
    folder: str
    data: dict[str, Any]
    source: str
    values: dict[FieldPath, Span] = field(default_factory=dict)
    keys: dict[FieldPath, Span] = field(default_factory=dict)

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else self.path.stem

    @property
    def type(self) -> str | None:
        value = self.data.get("type")
        return value if isinstance(value, str) else None

    @property
    def lang(self) -> str | None:
        value = self.data.get("lang")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        value = self.data.get("title")
        return value if isinstance(value, str) else self.id

    @property
    def review(self) -> dict[str, Any]:
        value = self.data.get("review")
        return value if isinstance(value, dict) else {}

    @cached_property
    def red_flags(self) -> tuple[RedFlag, ...]:
        return red_flags_of(self.data)

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        return sources_of(self.data)

    @cached_property
    def sign_off(self) -> SignOff:
        return sign_off_of(self.data)

    def position(self, where: FieldPath) -> tuple[int | None, int | None]:
        """Line and column of a value (or, failing that, of its key, then of its parent)."""
        probe = where
        while True:
            span = self.values.get(probe) or self.keys.get(probe)
            if span is not None:
                return span.line, span.column
            if not probe:
                return 1, 1
            probe = probe[:-1]

    def key_position(self, where: FieldPath) -> tuple[int | None, int | None]:
        """Line and column of the key naming a value (falls back to the value's position)."""
        span = self.keys.get(where)
        if span is not None:
            return span.line, span.column
        return self.position(where)

    def locate(
        self, where: FieldPath, offset: int, length: int = 1
    ) -> tuple[int | None, int | None]:
        """Line and column in the file of character `offset` inside the text value at `where`.

        Works inside multi-line block scalars, so a wording finding in the fifth line of a
        `body: |` block points at that line of the file."""
        span = self.values.get(where)
        value = self._value_at(where)
        if span is None or not isinstance(value, str):
            return self.position(where)
        if span.style == "|":
            return self._locate_literal(span, value, offset)
        phrase = value[offset : offset + max(length, 1)]
        raw = self.source[span.start : span.end]
        return self._locate_in_raw(span, raw, phrase, value, offset)

    def _value_at(self, where: FieldPath) -> Any:
        node: Any = self.data
        for part in where:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def _locate_literal(self, span: Span, value: str, offset: int) -> tuple[int, int]:
        first_line = span.line + 1  # the block starts on the line after the '|' indicator
        source_lines = self.source.split("\n")
        indent = 0
        for text in source_lines[first_line - 1 :]:
            if text.strip():
                indent = len(text) - len(text.lstrip(" "))
                break
        line_index = value.count("\n", 0, offset)
        line_start = value.rfind("\n", 0, offset) + 1
        return first_line + line_index, indent + 1 + (offset - line_start)

    def _locate_in_raw(
        self, span: Span, raw: str, phrase: str, value: str, offset: int
    ) -> tuple[int, int]:
        hits = []
        start = raw.find(phrase) if phrase else -1
        while start != -1:
            hits.append(start)
            start = raw.find(phrase, start + 1)
        if not hits:
            return span.line, span.column
        # Several identical phrases: pick the one at the same relative place in the text.
        target = offset / max(len(value), 1) * len(raw)
        best = min(hits, key=lambda hit: abs(hit - target))
        absolute = span.start + best
        line = self.source.count("\n", 0, absolute) + 1
        column = absolute - (self.source.rfind("\n", 0, absolute) + 1) + 1
        return line, column
