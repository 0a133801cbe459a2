"""Every command's result as text for people or JSON for programs, by one mechanism.

A result is a plain object whose `as_dict()` is its documented JSON shape; its text form is
a function from the result to lines, kept in this package beside the others (`check`,
`search`, `build`, `review`, `callback`, `lint_text`, `users`). `render` picks one; the
command prints what comes back and sets the exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from ..model import SEVERITIES, Problem


class Result(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Result)
Lines = Callable[[R], Iterable[str]]


def render(result: R, fmt: str, text: Lines[R], **others: Lines[R]) -> list[str]:
    """The result as lines: `json` is its `as_dict()` for every result, `text` (and any other
    format the command offers, such as `github` or `markdown`) a function from this package;
    `json-line` is the JSON on one line, for one result in a stream of them."""
    if fmt == "json":
        return [to_json(result.as_dict())]
    if fmt == "json-line":
        return [to_json_line(result.as_dict())]
    return list(text(result) if fmt == "text" else others[fmt](result))


def to_json(data: Any) -> str:
    """Stable, readable JSON (sorted keys are not used: field order is part of the documented shape)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def to_json_line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def plural(count: int, word: str) -> str:
    """'1 entry', '2 entries', '0 errors': the count and the word, in the number it needs."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return f"{count} {word[:-1]}ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return f"{count} {word}es"
    return f"{count} {word}s"


def location(file: str, line: int | None, column: int | None) -> str:
    """`file:line:col`, leaving out what is unknown (and the file when there is none)."""
    parts = [file] if file else []
    if line is not None:
        parts.append(str(line))
        if column is not None:
            parts.append(str(column))
    return ":".join(parts)


def problem_line(problem: Problem) -> str:
    """`path:line:col: severity: message [code]`, leaving out what is unknown."""
    place = location(problem.file, problem.line, problem.column)
    return f"{place}: {problem.severity}: {problem.message} [{problem.code}]"


def severity_counts(problems: Iterable[Problem]) -> dict[str, int]:
    """How many errors, warnings and suggestions, in that order."""
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for problem in problems:
        counts[problem.severity] += 1
    return counts
