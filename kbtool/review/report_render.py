"""The review report as Markdown (to post on a pull or merge request) or as plain text."""

from __future__ import annotations

import re

from ..report import plural, problem_line
from .report import ReportEntry, ReviewReport

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
        f"{plural(len(report.entries), 'entry').replace('entrys', 'entries')} changed since "
        f"{report.base} ({report.base_commit[:10]}): {plural(counts['error'], 'error')}, "
        f"{plural(counts['warning'], 'warning')}"
    )


def _state(entry: ReportEntry) -> str:
    if entry.status == "deleted":
        return "deleted"
    return STATE_WORDS.get(entry.state or "", "cannot be read")


def render_markdown(report: ReviewReport) -> str:
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
    return "\n".join(out) + "\n"


def render_text(report: ReviewReport) -> str:
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
    return "\n".join(out) + "\n"
