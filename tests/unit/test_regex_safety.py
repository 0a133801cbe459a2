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
        r"(?:\w\w?)+$",  # an optional piece splits a word in Fibonacci-many ways
        r"(?x)(\w+\s?) +$",  # verbose mode: the quantifier is read after the space
        r"\w*\w*\w*\w*\w*\w*\w*\w*\d",  # no group, but the 8th power of the length
        r"(?:(?:(?:(?:\w*){2}){2}){2}){2}\d",  # small counts nested into 16 in a row
        r"(?:[\u4e2e-\u533a]+)+$",  # a class of Chinese characters, compared exactly
        r".*a.*b.*c",
        r"x(?=.*a.*b.*c)",  # inside a look-ahead too
        r"(?:\s*,\s*)+$",
        r"[^.]{0,60}a[^.]{0,60}a[^.]{0,60}a[^.]{0,60}b",  # 61 to the 4th tries at each place
        r"\d{0,60}\d{0,60}\d{0,60}\d{0,60}x",
        r"\[[^\]\n]*\]\((?:[^)\s]*(?:book|consult)[^)\s]*)[^)\n]*\)",  # cubic in a long link
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
        r"(?:非常|非凡|特别){1,3}有效",  # words that start alike but never match the same text
        r"(?:\d{2})+年",  # a fixed count cannot split text two ways
        r"(?:\.{3})+",
        r".*x.*",  # two in a row: the square of a sentence's length at most
        r"\[[^\]\n]*+\]\((?:[^)\s]*(?:book|consult)[^)\s]*+)[^)\n]*+\)",  # possessive
    ],
)
def test_ordinary_patterns_pass(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


def test_the_booking_link_pattern_kept_its_matches_when_made_safe() -> None:
    """The check made us rewrite the built-in booking-link pattern: its greedy form costs the
    cube of a broken link's length (11 s at 3 KB); the possessive form finds the same links."""
    import re

    greedy = r"\[[^\]\n]*\]\((?:[^)\s]*(?:book|consult)[^)\s]*)[^)\n]*\)"
    possessive = r"\[[^\]\n]*+\]\((?:[^)\s]*(?:book|consult)[^)\s]*+)[^)\n]*+\)"
    assert backtracking_risk(greedy) and not backtracking_risk(possessive)
    for text in (
        "[预约](https://h.example/book)",
        '[a](https://h.example/consult?x=1 "title") b',
        "[a](https://h.example/about) [b](https://h.example/booking)",
        "[x](" + "book" * 40,
    ):
        found = [m.group(0) for m in re.finditer(greedy, text)]
        assert found == [m.group(0) for m in re.finditer(possessive, text)]
