"""`kbtool check` as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Problem
from . import plural, problem_line, severity_counts


@dataclass(frozen=True)
class CheckReport:
    """What one check run found, as the command reports it."""

    ok: bool
    entries: int
    problems: list[Problem]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "problems": [p.as_dict() for p in self.problems],
        }


def check_summary(files: int, problems: list[Problem]) -> str:
    counts = severity_counts(problems)
    text = (
        f"checked {plural(files, 'entry')}: "
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}"
    )
    if counts["suggestion"]:
        text += f", {plural(counts['suggestion'], 'suggestion')}"
    return text


def check_lines(report: CheckReport) -> list[str]:
    """One line per problem, then the summary."""
    return [
        *(problem_line(p) for p in report.problems),
        check_summary(report.entries, report.problems),
    ]


GITHUB_LEVELS = {"error": "error", "warning": "warning", "suggestion": "notice"}


def _github_escape(text: str, *, property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command, so the problem shows on the changed line of a pull request."""
    parts = [f"file={_github_escape(problem.file, property=True)}"]
    if problem.line is not None:
        parts.append(f"line={problem.line}")
        if problem.column is not None:
            parts.append(f"col={problem.column}")
    parts.append(f"title={_github_escape(f'kbtool {problem.code}', property=True)}")
    return (
        f"::{GITHUB_LEVELS[problem.severity]} {','.join(parts)}::{_github_escape(problem.message)}"
    )


def github_lines(report: CheckReport) -> list[str]:
    """One annotation per problem, then the summary."""
    return [
        *(github_annotation(p) for p in report.problems),
        check_summary(report.entries, report.problems),
    ]
