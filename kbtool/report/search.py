"""`kbtool search`, `index` and `gaps`: results, index reports and gap lists as text (JSON is
each result's `as_dict()`).

`mark` wraps a highlighted piece of text (the command passes a styling function; plain text
uses no marks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..search.gaps import GapSummary
    from ..search.index import IndexReport
    from ..search.results import SearchResponse, SearchResult

Mark = Callable[[str], str]

FLAG_LABELS = {"emergency": "EMERGENCY", "urgent": "URGENT", "routine": "Routine"}
STATE_WARNINGS = {
    "overdue": "REVIEW OVERDUE (next review was {next_review}): check with a clinician before "
    "reading this answer out",
    "changed": "CHANGED SINCE SIGN-OFF: this text has not been re-approved; check with a "
    "clinician before reading it out",
    "draft": "DRAFT: never signed off by a clinician; do not read it out to callers",
}


def _plain(text: str) -> str:
    return text


def highlighted(text: str, spans: list[tuple[int, int]], mark: Mark) -> str:
    out, cursor = [], 0
    for start, end in spans:
        out += [text[cursor:start], mark(text[start:end])]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def response_lines(
    response: SearchResponse, *, logged: bool = False, mark: Mark = _plain
) -> list[str]:
    """The whole answer to one query, best result first."""
    lines = []
    if response.corrected:
        lines.append(f"Showing results for {response.corrected}  (you typed: {response.query})")
    if not response.results:
        lines.append(
            f"No entries found for \u201c{response.query}\u201d. Try fewer words, "
            "the everyday name, or pinyin."
        )
        if logged:
            lines.append("(Recorded as a possible missing answer for the authors: kbtool gaps)")
        return lines
    if not response.results[0].all_words:
        lines.append("No entry matches all your words; closest matches:")
    partial_shown = False
    for number, result in enumerate(response.results, 1):
        if response.results[0].all_words and not result.all_words and not partial_shown:
            lines.append("-- entries matching only some of your words --")
            partial_shown = True
        lines += result_lines(number, result, mark)
    if logged:
        lines.append(
            "(Few of your words matched: recorded as a possible missing answer: kbtool gaps)"
        )
    return lines


def batch_lines(response: SearchResponse, mark: Mark = _plain) -> list[str]:
    """One query of `kbtool search --batch`: a heading, the answer, a blank line."""
    return [f"## {response.query}", *response_lines(response, mark=mark), ""]


def result_lines(number: int, result: SearchResult, mark: Mark = _plain) -> list[str]:
    """One result: title, warnings, urgent red flags, the approved answer, routine flags, review."""
    about = " · ".join(part for part in (result.type, result.lang, result.specialty or "") if part)
    title = highlighted(result.title, result.highlights.get("title", []), mark)
    lines = [f"{number}. {title}   [{about}]  {result.id}"]
    warning = STATE_WARNINGS.get(result.review_state)
    if warning:
        lines.append("   !! " + warning.format(next_review=result.next_review or "not set"))
    for problem in result.problems:
        lines.append(f"   !! This entry has an error (run kbtool check): {problem}")
    routine = []
    for flag in result.red_flags:
        label = FLAG_LABELS.get(flag.get("urgency", ""), flag.get("urgency", "") or "Note")
        text = f"{label}: {flag.get('when', '')} -> {flag.get('action', '')}"
        if flag.get("urgency") in ("emergency", "urgent"):
            lines.append(f"   {'!!' if flag.get('urgency') == 'emergency' else '! '} {text}")
        else:
            routine.append(f"   {text}")
    lines.append(
        "   Answer: " + highlighted(result.summary, result.highlights.get("summary", []), mark)
    )
    lines += routine
    reviewer = result.reviewed_by
    if isinstance(reviewer, list):
        reviewer = ", ".join(str(name) for name in reviewer)
    review = f"   Review: {result.review_state}"
    if result.next_review:
        review += f", next review {result.next_review}"
    if reviewer:
        review += f" ({reviewer})"
    lines.append(review)
    if result.matched:
        lines.append("   Matched: " + ", ".join(result.matched))
    return lines


@dataclass(frozen=True)
class IndexSummary:
    """What `kbtool index` did, and where the index is (`location`: the generation folder)."""

    report: IndexReport
    cache: str
    location: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.report.as_dict(), "cache": self.cache}


def index_lines(summary: IndexSummary) -> list[str]:
    """What `kbtool index` did, then every entry that is not (cleanly) searchable."""
    report = summary.report
    if report.rebuilt:
        head = f"Index rebuilt: {report.entries} entries searchable"
    elif report.updated:
        head = (
            f"Index updated: {len(report.added)} added, {len(report.changed)} changed, "
            f"{len(report.removed)} removed; {len(report.reindexed)} re-indexed; "
            f"{report.entries} entries searchable"
        )
    else:
        head = f"Index up to date: {report.entries} entries searchable"
    lines = [f"{head} ({summary.location}, {report.seconds:.2f} s)"]
    if report.repaired:
        lines.insert(0, f"The search index was damaged and has been repaired: {report.repaired}")
    for problem in report.skipped:
        lines.append(f"{problem.file}: not searchable until fixed: {problem.message}")
    for problem in report.flagged:
        lines.append(f"{problem.file}: searchable, shown with a warning: {problem.message}")
    return lines


@dataclass(frozen=True)
class GapsReport:
    """The content gaps recorded since a day (or ever), most frequent first."""

    since: dt.date | None
    gaps: list[GapSummary]

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "searches": sum(gap.count for gap in self.gaps),
            "gaps": [gap.as_dict() for gap in self.gaps],
        }


def gap_lines(report: GapsReport) -> list[str]:
    gaps = report.gaps
    if not gaps:
        return ["No content gaps recorded."]
    width = max(len(str(gap.count)) for gap in gaps)
    lines = [f"{'count':>{max(width, 5)}}  query  (last searched)"]
    lines += [f"{gap.count:>{max(width, 5)}}  {gap.query}  ({gap.last_seen})" for gap in gaps]
    return lines
