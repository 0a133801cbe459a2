"""Rule patterns that could backtrack for hours are told apart from ordinary ones."""

from __future__ import annotations

import pytest

from kbtool.lint.regex_safety import backtracking_risk


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a+)+$",
        r"(\w+\s?)+$",
        r"(a|aa)+$",
        r"(?:a|ab|b)*c",
        r"(.*a){12}",
        r"([a-z]+)*x",
        r"(x+x+)+y",
        r"(\d+)*,",
        r"(?:[^,]{0,6}?某)+",
        r"(?:都|很|都很)*好",
        r"^(([a-z])+.)+[A-Z]([a-z])+$",
        r"(?:(?:a|b)?)*c",
        r"((ab)*)+c",
    ],
)
def test_patterns_that_can_split_text_many_ways_are_risky(pattern: str) -> None:
    assert backtracking_risk(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"(?:保证|包)(?:您|你)?[^,\uff0c。]{0,6}?(?:治愈|治好|根治)",
        r"(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b",
        r"\b(?:[\w-]+\s+){1,3}?in\b",
        r"(?:\w+\s)+done",
        r"(?:a|b|c)+",
        r"(?:效果|疗效)(?:都|很|非常)*(?:明显|好)",
        r"(x+){2}y",  # twice at most: a few ways, never many
        r"\d+(?:\.\d+)?%",
    ],
)
def test_ordinary_patterns_pass(pattern: str) -> None:
    assert backtracking_risk(pattern) is None
