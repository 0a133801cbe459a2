"""`kbtool lint-text`: the wording check's findings in one sentence, as text or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..lint import TextFinding
from ..model import Problem
from . import location


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


@dataclass(frozen=True)
class LintTextReport:
    """The findings in `text`, and any rule file that could not be read."""

    text: str
    lang: str
    findings: list[TextFinding]
    rule_problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.rule_problems and not any(f.level == "error" for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "lang": self.lang,
            "findings": [self._finding(f) for f in self.findings],
            "rule_problems": [p.as_dict() for p in self.rule_problems],
        }

    def _finding(self, finding: TextFinding) -> dict[str, Any]:
        line, column = position(self.text, finding.start)
        return {
            "line": line,
            "column": column,
            "severity": finding.level,
            "code": finding.rule_id,
            "category": finding.category,
            "phrase": finding.phrase,
            "start": finding.start,
            "end": finding.end,
            "message": finding.describe(),
        }


def finding_lines(report: LintTextReport) -> list[str]:
    """`line:col: level: "phrase": message [rule-id]` per finding, in the problem-line format."""
    lines = [
        f"{location('', *position(report.text, f.start))}: {f.level}: {f.describe()} [{f.rule_id}]"
        for f in report.findings
    ]
    return lines or [f"no findings ({report.lang})"]
