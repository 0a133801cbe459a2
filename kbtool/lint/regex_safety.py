"""Refuse rule patterns that can backtrack catastrophically.

A knowledge base may add its own wording rules and word sets, and Python's regular expressions
can take hours on one sentence when a pattern can match the same text in many ways. The staff
app re-checks the KB in a background thread after every change, where nothing can interrupt a
match, so such a pattern would freeze it. The check reads the parsed pattern (so inline flags
such as `(?x)` count) and is conservative; it refuses:

- a group repeated more than twice whose pieces can split the same text in more than one way: a piece of
  varying length (`x*`, `x+`, `x?`, `x{0,6}`) that can take characters that could also start
  what follows it (`(\\w+\\s?)+`, `(?:\\w\\w?)+`, `(.*a){3}`), a group that can match nothing,
  or alternatives that can match the same text (`(a|ab|b)+`);
- three or more unlimited repeats in a row that can take the same characters (`\\w*\\w*\\w*`,
  `.*a.*b.*c`), which cost the sentence length to the power of their number;
- counted gaps in a row that can take the same characters whose widths multiply past a budget
  (`[^.]{0,60}a` four times).

Character classes are compared as exact sets of code points. The built-in rules pass (a test
checks)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from functools import cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from .text import MAX_SENTENCE

Item = tuple[Any, Any]
Chars = tuple[tuple[int, int], ...]
"""A set of code points as sorted, disjoint, inclusive ranges."""

RESET = "reset"
Link = tuple[float, Chars, Chars] | str | None
"""How a repeat weighs in a run: (ways it tries, characters it starts with, characters it
takes), RESET when it ends any run, or None to walk its body instead."""

NOTHING: Chars = ()
EVERYTHING: Chars = ((0, 0x10FFFF),)
REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
ONE_CHAR = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
GAP_BUDGET = 1_000_000
"""Tries at one position that counted gaps in a row may cost. The built-in rules' gaps
(`[^。]{0,20}`, `{0,12}`, `{0,8}` around words) stay under a quarter of this; `[^.]{0,60}a`
four times is 14 million (17 s on 1,200 characters)."""
UNLIMITED_FROM = 100
"""A repeat allowed this many times or more counts as unlimited."""
MAX_IN_A_ROW = 2
"""Unlimited overlapping repeats in a row that are still cheap: `.*x.*` costs the square of a
sentence's length at most."""


def backtracking_risk(source: str, flags: int = re.IGNORECASE) -> str | None:
    """Why `source` may backtrack catastrophically (naming the kind of part), or None."""
    try:
        parsed = sre_parse.parse(source, flags)
    except re.error:
        return None  # reported as invalid by the caller
    ignore_case = bool(parsed.state.flags & re.IGNORECASE)
    dotall = bool(parsed.state.flags & re.DOTALL)
    reader = _Reader(ignore_case, dotall)
    items = list(parsed)
    return reader.repeated_groups(items) or reader.repeats_in_a_row(items)


class _Reader:
    def __init__(self, ignore_case: bool, dotall: bool) -> None:
        self.ignore_case, self.dotall = ignore_case, dotall

    # --- one repeated group splitting text many ways ---------------------------------------

    def repeated_groups(self, items: list[Item]) -> str | None:
        for op, av in items:
            for inner in _children(op, av):
                found = self.repeated_groups(inner)
                if found:
                    return found
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[1] > MAX_IN_A_ROW:
                body = list(av[2])
                if self.nullable(body):
                    return "a repeated group that can match nothing"
                found = self.ambiguous(body, self.first(body))
                if found:
                    return found
        return None

    def ambiguous(self, items: list[Item], after: Chars) -> str | None:
        """A place in `items` where a match can end or go on in two ways (`after`: what may
        follow the whole of `items`)."""
        for index, (op, av) in enumerate(items):
            rest = items[index + 1 :]
            following = self.first(rest)
            if self.nullable(rest):
                following = _union(following, after)
            if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                body = list(av[2])
                starts = self.first(body)
                if av[0] != av[1] and _meet(starts, following):
                    return (
                        "a part of varying length that can take the characters of what follows it"
                    )
                found = self.ambiguous(body, _union(following, starts))
                if found:
                    return found
            elif op == sre.SUBPATTERN:
                found = self.ambiguous(list(av[3]), following)
                if found:
                    return found
            elif op == sre.BRANCH:
                branches = [list(branch) for branch in av[1]]
                if self.alternatives_overlap(branches, following):
                    return "alternatives that can match the same text"
                for branch in branches:
                    found = self.ambiguous(branch, following)
                    if found:
                        return found
        return None

    def alternatives_overlap(self, branches: list[list[Item]], following: Chars) -> bool:
        words = [self.word(branch) for branch in branches]
        if all(word is not None for word in words):  # plain words: a prefix code is unambiguous
            texts = sorted(w.casefold() if self.ignore_case else w for w in words if w is not None)
            return any(b.startswith(a) for a, b in itertools.pairwise(texts))
        seen: Chars = NOTHING
        for branch in branches:
            starts = self.first(branch)
            if self.nullable(branch):
                starts = _union(starts, following)
            if _meet(starts, seen):
                return True
            seen = _union(seen, starts)
        return False

    def word(self, items: list[Item]) -> str | None:
        """The fixed text `items` match, if they are plain letters."""
        if not all(op == sre.LITERAL for op, _ in items):
            return None
        return "".join(chr(av) for _, av in items)

    # --- repeats in a row whose choices multiply ------------------------------------------

    def repeats_in_a_row(self, items: list[Item]) -> str | None:
        tries = self.run(items, NOTHING, 1.0, self.unlimited_link)[2]
        if tries > MAX_SENTENCE**MAX_IN_A_ROW:
            return (
                f"{round(math.log(tries, MAX_SENTENCE))} unlimited repeats in a row that can take the "
                "same characters (the work grows with the sentence length to that power)"
            )
        tries = self.run(items, NOTHING, 1.0, self.gap_link)[2]
        if tries > GAP_BUDGET:
            return (
                "counted gaps in a row that can take the same characters, so their choices "
                f"multiply (about {tries:,.0f} tries at every position of a sentence)"
            )
        return None

    def unlimited_link(self, op: Any, low: int, high: int, body: list[Item]) -> Link:
        """An unlimited repeat tries as many ways as a sentence is long; a possessive one none."""
        if op == sre.POSSESSIVE_REPEAT:
            return RESET
        if high >= UNLIMITED_FROM or high == sre.MAXREPEAT:
            return float(MAX_SENTENCE), self.first(body), self.all_chars(body)
        return None

    def gap_link(self, op: Any, low: int, high: int, body: list[Item]) -> Link:
        """A counted gap (`[^.]{0,60}`) tries as many ways as its width; unlimited repeats are
        the other walk's business."""
        if op == sre.POSSESSIVE_REPEAT or high >= UNLIMITED_FROM or high == sre.MAXREPEAT:
            return RESET
        if len(body) == 1 and body[0][0] in ONE_CHAR:
            taken = self.one_char(*body[0])
            return float(high - low + 1), taken, taken
        return None

    def run(
        self, items: list[Item], chars: Chars, tries: float, link: Callable[..., Link]
    ) -> tuple[Chars, float, float]:
        """Walk `items` keeping the current run of repeats that can take the same characters
        (those characters, and the product of the ways each tries, as `link` weighs a repeat),
        and the largest product seen. A repeat `link` does not weigh has its body walked as
        often as it repeats (up to 4 times)."""
        worst = tries
        for op, av in items:
            if op in ZERO_WIDTH:
                if op in (sre.ASSERT, sre.ASSERT_NOT):  # a look-ahead runs at every position too
                    worst = max(worst, self.run(list(av[1]), NOTHING, 1.0, link)[2])
                continue
            if op in REPEATS:
                low, high, body = av[0], av[1], list(av[2])
                weighed = link(op, low, high, body)
                if weighed is None:
                    for _ in range(min(high, 4)):
                        chars, tries, seen = self.run(body, chars, tries, link)
                        worst = max(worst, seen)
                    continue
                nested = self.run(body, NOTHING, 1.0, link)[2]
                if isinstance(weighed, str):  # RESET
                    chars, tries = NOTHING, 1.0
                else:
                    ways, starts, takes = weighed
                    tries = tries * ways if _meet(chars, starts) else ways
                    chars = takes
                worst = max(worst, tries, nested)
                continue
            if op == sre.SUBPATTERN:
                chars, tries, seen = self.run(list(av[3]), chars, tries, link)
            elif op == sre.ATOMIC_GROUP:
                seen = self.run(list(av), NOTHING, 1.0, link)[2]
                chars, tries = NOTHING, 1.0
            elif op == sre.BRANCH:
                results = [self.run(list(branch), chars, tries, link) for branch in av[1]]
                seen = max(result[2] for result in results)
                tries = max(result[1] for result in results)
                chars = _union(*(result[0] for result in results))
            else:
                if tries > 1.0 and not _meet(chars, self.one_char(op, av)):
                    chars, tries = NOTHING, 1.0
                seen = tries
            worst = max(worst, seen)
        return chars, tries, worst

    # --- what parts can match -------------------------------------------------------------

    def first(self, items: list[Item]) -> Chars:
        """The characters a match of `items` can start with."""
        found: Chars = NOTHING
        for op, av in items:
            if op in ZERO_WIDTH:
                continue
            if op in REPEATS:
                found = _union(found, self.first(list(av[2])))
                if av[0] > 0 and not self.nullable(list(av[2])):
                    return found
            elif op in (sre.SUBPATTERN, sre.ATOMIC_GROUP):
                inner = list(av[3] if op == sre.SUBPATTERN else av)
                found = _union(found, self.first(inner))
                if not self.nullable(inner):
                    return found
            elif op == sre.BRANCH:
                branches = [list(branch) for branch in av[1]]
                found = _union(found, *(self.first(branch) for branch in branches))
                if not any(self.nullable(branch) for branch in branches):
                    return found
            else:
                return _union(found, self.one_char(op, av))
        return found

    def all_chars(self, items: list[Item]) -> Chars:
        """Every character a match of `items` can take, anywhere in it."""
        found: Chars = NOTHING
        for op, av in items:
            if op in ZERO_WIDTH:
                continue
            inner = _children(op, av)
            if inner:
                found = _union(found, *(self.all_chars(part) for part in inner))
            else:
                found = _union(found, self.one_char(op, av))
        return found

    def nullable(self, items: list[Item]) -> bool:
        for op, av in items:
            if op in ZERO_WIDTH:
                continue
            if op in REPEATS:
                if av[0] > 0 and not self.nullable(list(av[2])):
                    return False
            elif op == sre.SUBPATTERN:
                if not self.nullable(list(av[3])):
                    return False
            elif op == sre.ATOMIC_GROUP:
                if not self.nullable(list(av)):
                    return False
            elif op == sre.BRANCH:
                if not any(self.nullable(list(branch)) for branch in av[1]):
                    return False
            else:
                return False
        return True

    def one_char(self, op: Any, av: Any) -> Chars:
        """The characters one single-character item matches (anything else: all of them)."""
        key = (op, tuple(av) if isinstance(av, list) else av, self.ignore_case, self.dotall)
        found = _ONE_CHAR.get(key)
        if found is None:
            found = _ONE_CHAR[key] = self._one_char(op, av)
        return found

    def _one_char(self, op: Any, av: Any) -> Chars:
        if op == sre.LITERAL:
            return self.cased(((av, av),))
        if op == sre.NOT_LITERAL:
            return _complement(self.cased(((av, av),)))
        if op == sre.ANY:
            return EVERYTHING if self.dotall else _complement(((10, 10),))
        if op == sre.IN:
            negate = any(kind == sre.NEGATE for kind, _ in av)
            parts: list[Chars] = []
            for kind, value in av:
                if kind == sre.LITERAL:
                    parts.append(self.cased(((value, value),)))
                elif kind == sre.RANGE:
                    parts.append(self.cased((value,)))
                elif kind == sre.CATEGORY:
                    parts.append(_category(str(value)))
                elif kind != sre.NEGATE:
                    parts.append(EVERYTHING)
            chars = _union(*parts)
            return _complement(chars) if negate else chars
        return EVERYTHING  # a back-reference or anything unknown

    def cased(self, chars: Chars) -> Chars:
        """With IGNORECASE, the other case too (generously: whole cased scripts)."""
        if not self.ignore_case:
            return chars
        extra = [
            other
            for block, other in _CASED_BLOCKS
            for start, end in chars
            if start <= block[1] and block[0] <= end
        ]
        return _union(chars, *((pair,) for pair in extra))


_ONE_CHAR: dict[tuple[Any, ...], Chars] = {}

_CASED_BLOCKS = (
    ((0x41, 0x5A), (0x61, 0x7A)),
    ((0x61, 0x7A), (0x41, 0x5A)),
    ((0x4B, 0x4B), (0x212A, 0x212A)),  # K and the Kelvin sign
    ((0x6B, 0x6B), (0x212A, 0x212A)),
    ((0x53, 0x53), (0x17F, 0x17F)),  # S and the long s
    ((0x73, 0x73), (0x17F, 0x17F)),
    ((0x49, 0x49), (0x130, 0x131)),
    ((0x69, 0x69), (0x130, 0x131)),
    ((0xC0, 0x24F), (0xB5, 0x24F)),  # Latin letters with accents, and the micro sign
    ((0x370, 0x52F), (0x370, 0x52F)),  # Greek and Cyrillic
    ((0x10A0, 0x1FFF), (0x10A0, 0x1FFF)),
    ((0x2C00, 0x2D2F), (0x2C00, 0x2D2F)),
    ((0xA640, 0xA7FF), (0xA640, 0xA7FF)),
    ((0xFF21, 0xFF5A), (0xFF21, 0xFF5A)),  # full-width Latin
    ((0x10400, 0x1E943), (0x10400, 0x1E943)),
)


@cache
def _category(name: str) -> Chars:
    """The exact code points of `\\w`, `\\d`, `\\s` and their opposites, read from `re` itself
    once (a few milliseconds) when a pattern that uses them is first checked."""
    code = {
        "CATEGORY_WORD": r"\w",
        "CATEGORY_NOT_WORD": r"\W",
        "CATEGORY_DIGIT": r"\d",
        "CATEGORY_NOT_DIGIT": r"\D",
        "CATEGORY_SPACE": r"\s",
        "CATEGORY_NOT_SPACE": r"\S",
    }.get(name.upper())
    if code is None:
        return EVERYTHING
    return tuple(
        (match.start(), match.end() - 1) for match in re.finditer(code + "+", _every_character())
    )


@cache
def _every_character() -> str:
    return "".join(map(chr, range(0x110000)))


def _union(*sets: Chars) -> Chars:
    ranges = sorted(pair for chars in sets for pair in chars)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def _complement(chars: Chars) -> Chars:
    gaps, at = [], 0
    for start, end in chars:
        if start > at:
            gaps.append((at, start - 1))
        at = end + 1
    if at <= 0x10FFFF:
        gaps.append((at, 0x10FFFF))
    return tuple(gaps)


def _meet(left: Chars, right: Chars) -> bool:
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i][1] < right[j][0]:
            i += 1
        elif right[j][1] < left[i][0]:
            j += 1
        else:
            return True
    return False


def _children(op: Any, av: Any) -> list[list[Item]]:
    if op in REPEATS:
        return [list(av[2])]
    if op == sre.SUBPATTERN:
        return [list(av[3])]
    if op == sre.BRANCH:
        return [list(branch) for branch in av[1]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [list(av[1])]
    if op == sre.ATOMIC_GROUP:
        return [list(av)]
    return []
