"""`kbtool review ...`: sign-offs, the review queue, changes since sign-off, and the review
report as text or as Markdown (to post on a pull or merge request). JSON is each result's
`as_dict()`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import plural, problem_line

if TYPE_CHECKING:
    from ..review.approve import Approval
    from ..review.diff import SignoffDiff
    from ..review.queue import Queue
    from ..review.report import ReportEntry, ReviewReport

QUEUE_LABELS = {
    "changed": "CHANGED since sign-off",
    "overdue": "OVERDUE",
    "due-soon": "due soon",
    "draft": "draft",
    "current": "current",
}

STATE_WORDS = {
    "changed": "changed since sign-off",
    "overdue": "overdue",
    "due-soon": "due soon",
    "draft": "draft (not published)",
    "current": "signed off",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md(text: str) -> str:
    """Text from an entry, shown literally: no Markdown, links or HTML of its own."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _fence(lines: list[str]) -> str:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return "\n".join([f"{fence}diff", *lines, fence])


def _summary(report: ReviewReport) -> str:
    counts = report.counts()
    return (
        f"{plural(len(report.entries), 'entry')} changed since "
        f"{report.base} ({report.base_commit[:10]}): {plural(counts['error'], 'error')}, "
        f"{plural(counts['warning'], 'warning')}"
    )


def _state(entry: ReportEntry) -> str:
    if entry.status == "deleted":
        return "deleted"
    return STATE_WORDS.get(entry.state or "", "cannot be read")


def report_markdown(report: ReviewReport) -> list[str]:
    """The review report to post on a pull or merge request."""
    out = ["## Knowledge-base review report", "", _summary(report) + ".", ""]
    if report.entries:
        out += [
            "| entry | change | review state | signed off by | problems |",
            "|---|---|---|---|---|",
        ]
        for entry in report.entries:
            problems = (
                ", ".join(
                    plural(n, severity)
                    for severity in ("error", "warning", "suggestion")
                    if (n := sum(1 for p in entry.problems if p.severity == severity))
                )
                or "none"
            )
            signed = _md("; ".join(entry.reviewed_by)) + (
                f" on {entry.reviewed_on}" if entry.reviewed_on else ""
            )
            out.append(
                f"| `{entry.id}` {_md(entry.title)} | {entry.status} | {_state(entry)} | "
                f"{signed or '—'} | {problems} |"
            )
        out.append("")
    for name in report.settings_changed:
        out.append(f"- Settings changed: `{name}` (affects every entry)")
    for problem in report.kb_problems:
        out.append(f"- {_md(problem_line(problem))}")
    for entry in report.entries:
        out += [
            "",
            f"### `{entry.id}` {_md(entry.title)}",
            "",
            f"`{entry.file}`, {entry.status}; review state: **{_state(entry)}**",
        ]
        for note in entry.notes:
            out.append(f"\n> **Note:** {_md(note)}")
        if entry.problems:
            out += ["", "Problems found by `kbtool check`:", ""]
            out += [
                f"- {p.severity} line {p.line or '?'}: {_md(p.message)} \\[{p.code}\\]"
                for p in entry.problems
            ]
        if entry.changes:
            out += ["", f"Changes compared with {_md(entry.compared_with)}:"]
            for change in entry.changes:
                out += ["", f"**{change.field}** ({change.kind})", "", _fence(change.diff)]
        elif entry.status != "deleted":
            out += ["", f"No content changes compared with {_md(entry.compared_with)}."]
    return "\n".join(out).split("\n")


def report_lines(report: ReviewReport) -> list[str]:
    """The review report as plain text."""
    out = [_summary(report)]
    for name in report.settings_changed:
        out.append(f"settings changed: {name} (affects every entry)")
    out += [problem_line(p) for p in report.kb_problems]
    for entry in report.entries:
        out += ["", f"[{_state(entry)}] {entry.id}: {entry.title} ({entry.file}, {entry.status})"]
        if entry.reviewed_by:
            out.append(f"    signed off by {'; '.join(entry.reviewed_by)} on {entry.reviewed_on}")
        out += [f"    note: {note}" for note in entry.notes]
        out += [f"    {problem_line(p)}" for p in entry.problems]
        if entry.changes:
            out.append(f"    changes compared with {entry.compared_with}:")
            for change in entry.changes:
                out.append(f"    == {change.field} ({change.kind}) ==")
                out += [f"    {line}" for line in change.diff]
    return out


def approval_lines(approval: Approval) -> list[str]:
    return [
        (
            f"signed off {approval.entry_id} ({approval.file}): reviewed on "
            f"{approval.review['reviewed_on']}, next review {approval.review['next_review']}"
        )
    ]


@dataclass(frozen=True)
class StatusReport:
    """The review queue as `kbtool review status` shows it."""

    queue: Queue
    stale: int
    """How many entries are translation-stale."""
    unreadable: int
    """How many files could not be read (and so are not in the queue)."""

    def as_dict(self) -> dict[str, Any]:
        return self.queue.as_dict()


def status_lines(status: StatusReport) -> list[str]:
    """Counts per state and specialty, then each entry, most urgent first."""
    queue = status.queue
    counts = ", ".join(f"{n} {state}" for state, n in queue.counts.items())
    if status.stale:
        counts += f"; {status.stale} translation-stale"
    lines = [f"review queue on {queue.today}: {counts}"]
    for name, per_state in queue.by_specialty.items():
        waiting = {s: n for s, n in per_state.items() if n and s != "current"}
        if waiting:
            lines.append(f"  {name}: " + ", ".join(f"{n} {s}" for s, n in waiting.items()))
    if not queue.items:
        lines.append("no entries match")
    for item in queue.items:
        reviewer = (
            item.reviewed_by
            if isinstance(item.reviewed_by, str)
            else "; ".join(item.reviewed_by or [])
        )
        dates = (
            f"reviewed {item.reviewed_on} by {reviewer or '?'}, next review {item.next_review or '?'}"
            if item.reviewed_on
            else "never signed off"
        )
        lines += [
            "",
            f"[{QUEUE_LABELS[item.state]}] {item.id}: {item.title}",
            f"    {dates}",
            f"    {item.file}",
        ]
        if item.translation_stale:
            stale_info = item.translation_stale
            lines.append(
                f"    translation-stale: '{stale_info['partner']}' was changed and signed off "
                f"again on {stale_info['partner_signed_on']}: update this translation to match"
            )
        for exception in item.wording_exceptions:
            lines.append(
                f"    wording exception {exception['rule']}: "
                f"{exception['reason'] or '(no reason given)'}"
            )
    if status.unreadable:
        lines += [
            "",
            f"{plural(status.unreadable, 'file')} could not be read: run 'kbtool check' for details",
        ]
    return lines


@dataclass(frozen=True)
class CallbackGaps:
    """Aftercare entries (in queue order) whose follow-up call script is incomplete."""

    entries: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"count": len(self.entries), "entries": self.entries}


def callback_gap_lines(gaps: CallbackGaps) -> list[str]:
    if not gaps.entries:
        return [
            "every aftercare entry has a follow-up question for each warning sign and call days"
        ]
    lines = [
        f"{plural(len(gaps.entries), 'aftercare entry')} with an incomplete follow-up call script:"
    ]
    for gap in gaps.entries:
        lines += [
            "",
            f"[{QUEUE_LABELS[gap['state']]}] {gap['id']}: {gap['title']}",
            f"    {gap['file']}",
        ]
        if not gap["days"]:
            lines.append(
                "    no call days: add 'callback:' with 'days:', the days after the procedure "
                "when calls are due, e.g. [1, 7, 30]"
            )
        lines += [f"    no 'ask' for the warning sign: {when}" for when in gap["missing_ask"]]
    return lines


def diff_lines(diff: SignoffDiff) -> list[str]:
    """What changed since sign-off, field by field."""
    lines = [f"{diff.file}: signed-off version is commit {diff.commit[:10]} ({diff.date})"]
    if not diff.changes:
        lines.append("no changes to the content since sign-off")
    for change in diff.changes:
        lines += ["", f"== {change.field} ({change.kind}) ==", *change.diff]
    return lines
