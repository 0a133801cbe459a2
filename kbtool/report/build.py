"""`kbtool build`, `preview` and `start`: what was published and what was left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import plural

if TYPE_CHECKING:
    from ..publish import BuildReport

STATE_NOTES = {
    "overdue": "past its review date: the page shows a notice",
    "due-soon": "review due soon",
}


@dataclass(frozen=True)
class BuildSummary:
    """A site build as the command reports it (`strict` decides what counts as failure)."""

    report: BuildReport
    strict: bool = False

    def as_dict(self) -> dict[str, Any]:
        return self.report.as_dict(self.strict)


def build_lines(summary: BuildSummary) -> list[str]:
    """The totals, one line per published page, then what was left out and why."""
    from ..publish.urls import entry_url

    report = summary.report
    langs = ", ".join(
        f"{sum(1 for p in report.published if p.lang == lang)} {lang}" for lang in ("zh", "en")
    )
    lines = [
        (
            f"published {plural(len(report.published), 'entry')} "
            f"({langs}) to {report.out}: {report.pages} pages, {report.files} files, "
            f"{report.bytes / 1_000_000:.1f} MB"
        )
    ]
    width = max((len(item.id) for item in report.published), default=0)
    for item in report.published:
        notes = [STATE_NOTES[item.state]] if item.state in STATE_NOTES else []
        if item.commit:
            notes.append(
                f"edited since sign-off: published the signed-off version from commit "
                f"{item.commit[:10]} ({item.commit_date})"
            )
        if item.banner:
            notes.append(f"preview only: {item.banner}")
        suffix = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(
            f"  {item.state:<9} {item.id:<{width}}  "
            f"{entry_url(item.lang, item.type, item.id)}{suffix}"
        )
    if report.left_out:
        lines.append(f"left out {plural(len(report.left_out), 'entry')}:")
        lines += left_out_lines(report)
    lines += [f"warning: {warning}" for warning in report.warnings]
    blocking = report.blocking()
    if summary.strict and blocking:
        lines.append(
            f"--strict: {plural(len(blocking), 'entry')} left out for errors or unreviewed changes"
        )
    return lines


def left_out_lines(report: BuildReport) -> list[str]:
    return [f"  {left.file}: {left.reason}: {left.message}" for left in report.left_out]


def preview_lines(report: BuildReport) -> list[str]:
    """One rebuild of `kbtool preview`."""
    shown = sum(1 for item in report.published if item.banner)
    return [
        (
            f"built {plural(len(report.published), 'entry')} ({shown} draft or changed, under "
            f"banners), {len(report.left_out)} left out"
        ),
        *left_out_lines(report),
    ]


def start_lines(report: BuildReport) -> list[str]:
    """The site build of `kbtool start`, in one line (details: `kbtool build`)."""
    return [
        (
            f"  published {plural(len(report.published), 'entry')}, left out "
            f"{len(report.left_out)} (drafts, unreviewed changes or errors: see 'kbtool build')"
        )
    ]
