"""Render results as text for people or JSON for programs: one mechanism for every command."""

from __future__ import annotations

import json
from typing import Any

from .model import Problem


def to_json(data: Any) -> str:
    """Stable, readable JSON (sorted keys are not used: field order is part of the documented shape)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def to_json_line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def problem_line(problem: Problem) -> str:
    """`path:line:col: severity: message [code]`, leaving out what is unknown."""
    place = problem.file
    if problem.line is not None:
        place += f":{problem.line}"
        if problem.column is not None:
            place += f":{problem.column}"
    return f"{place}: {problem.severity}: {problem.message} [{problem.code}]"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_summary(files: int, problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = sum(1 for p in problems if p.severity == "warning")
    suggestions = sum(1 for p in problems if p.severity == "suggestion")
    text = (
        f"checked {plural(files, 'entry').replace('entrys', 'entries')}: "
        f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"
    )
    if suggestions:
        text += f", {plural(suggestions, 'suggestion')}"
    return text


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
