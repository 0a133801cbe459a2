"""Search results as staff see them: the approved answer, red flags first, review state, highlights.

`SearchResponse.as_dict()` is the documented JSON shape:
`{"query", "corrected", "results": [{"id", "title", "type", "lang", "score", "summary",
"review_state", "red_flags", ...extra keys for the staff web app}]}`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import NEEDS_ATTENTION, URGENCY_ORDER
from ..review.state import state_of_review
from .tokens import stem

GAP_COVERAGE = 0.5
"""A query is a content gap when no result matches at least half its words, or when its words
are only mentioned in passing (in bodies) and never in an entry's names or approved answer."""

_WORD = re.compile(r"[A-Za-z0-9]+")


def ordered_flags(flags: list[dict[str, str]]) -> list[dict[str, str]]:
    """Red flags with emergency first, then urgent, then routine (authors' order kept within each)."""
    return sorted(
        flags, key=lambda flag: URGENCY_ORDER.get(flag.get("urgency", ""), len(URGENCY_ORDER))
    )


def state_of(shown: dict[str, Any], changed: bool, today: dt.date, due_soon_days: int) -> str:
    """The entry's review state today (see kbtool.review.state), from what the index stored."""
    review = shown.get("review")
    if changed:
        return "changed"
    return state_of_review(review if isinstance(review, dict) else {}, today, due_soon_days)


def highlight_spans(text: str, shows: set[str]) -> list[tuple[int, int]]:
    """Where matched words occur in `text`, merged, as (start, end) character offsets.

    Chinese words are found as substrings; '~stem' entries match English words by stem."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for show in shows:
        if show.startswith("~"):
            continue
        start = lowered.find(show)
        while show and start != -1:
            spans.append((start, start + len(show)))
            start = lowered.find(show, start + 1)
    stems = {show[1:] for show in shows if show.startswith("~")}
    if stems:
        spans += [m.span() for m in _WORD.finditer(text) if stem(m.group(0).lower()) in stems]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@dataclass
class SearchResult:
    """One entry found, with everything staff need to answer safely."""

    id: str
    title: str
    type: str
    lang: str
    score: float
    summary: str
    review_state: str
    red_flags: list[dict[str, str]]
    all_words: bool = False
    matched: list[str] = field(default_factory=list)
    highlights: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    question: str | None = None
    specialty: str | None = None
    staff_notes: str | None = None
    next_review: str | None = None
    reviewed_on: str | None = None
    reviewed_by: str | list[str] | None = None
    file: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def needs_warning(self) -> bool:
        return self.review_state in NEEDS_ATTENTION

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "lang": self.lang,
            "score": self.score,
            "summary": self.summary,
            "review_state": self.review_state,
            "red_flags": self.red_flags,
            "all_words": self.all_words,
            "matched": self.matched,
            "highlights": {
                name: [list(span) for span in spans] for name, spans in self.highlights.items()
            },
            "question": self.question,
            "specialty": self.specialty,
            "staff_notes": self.staff_notes,
            "next_review": self.next_review,
            "reviewed_on": self.reviewed_on,
            "reviewed_by": self.reviewed_by,
            "file": self.file,
            "problems": self.problems,
        }


@dataclass
class SearchResponse:
    """The answer to one query, best result first."""

    query: str
    corrected: str | None
    results: list[SearchResult]
    coverage: float = 0.0
    """Highest share of the query's words any result matches as whole words (0: nothing found)."""
    topical: float = 0.0
    """Highest share of the query's words any result matches in its names or approved answer."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "corrected": self.corrected,
            "results": [result.as_dict() for result in self.results],
        }

    @property
    def is_gap(self) -> bool:
        """Nothing found, or nothing good: worth telling authors an answer may be missing."""
        if not self.query.strip():
            return False
        return not self.results or self.coverage < GAP_COVERAGE or self.topical == 0


def build_result(
    shown: dict[str, Any],
    *,
    changed: bool,
    score: float,
    all_words: bool,
    shows: set[str],
    matched: list[str],
    today: dt.date,
    due_soon_days: int,
    file: str,
) -> SearchResult:
    """A SearchResult from an index document's stored payload.

    `shows` are the strings to highlight ('~stem' for English); `matched` the query words found."""
    review = shown.get("review", {})
    title = _text(shown.get("title"))
    summary = _text(shown.get("summary"))
    return SearchResult(
        id=_text(shown.get("id")),
        title=title,
        type=_text(shown.get("type")),
        lang=_text(shown.get("lang")),
        score=round(score, 4),
        summary=summary,
        review_state=state_of(shown, changed, today, due_soon_days),
        red_flags=ordered_flags(shown.get("red_flags", [])),
        all_words=all_words,
        matched=matched,
        highlights={
            "title": highlight_spans(title, shows),
            "summary": highlight_spans(summary, shows),
        },
        question=_optional(shown.get("question")),
        specialty=_optional(shown.get("specialty")),
        staff_notes=_optional(shown.get("staff_notes")),
        next_review=_optional(review.get("next_review")),
        reviewed_on=_optional(review.get("reviewed_on")),
        reviewed_by=review.get("reviewed_by"),
        file=file,
        problems=list(shown.get("problems", [])),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)
