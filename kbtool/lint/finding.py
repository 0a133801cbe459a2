"""What the wording check reports about one text: a rule, where, the phrase and why."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Severity

PHRASE_LIMIT = 40
"""Longest phrase quoted in a message; longer ones (whole sentences) are cut with '…'."""


@dataclass(frozen=True)
class TextFinding:
    """One finding: `start`/`end` are character offsets into the linted text."""

    rule_id: str
    category: str
    level: Severity
    start: int
    end: int
    phrase: str
    message: str

    def describe(self) -> str:
        """The message with the phrase quoted first, e.g. '"保证治愈": promises a cure ...'."""
        phrase = " ".join(self.phrase.split())
        if len(phrase) > PHRASE_LIMIT:
            phrase = phrase[: PHRASE_LIMIT - 1] + "…"
        return f'"{phrase}": {self.message}'
