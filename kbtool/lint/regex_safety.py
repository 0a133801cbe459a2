"""Refuse rule patterns that can backtrack catastrophically.

A knowledge base may add its own wording rules, and Python's regular expressions can take
hours on one sentence when a repeated group can split the same text in many ways (`(a+)+`,
`(\\w+\\s?)*`, `(x|xy)+`, `(.*a){10}`). The staff app re-checks the KB in a background thread
after every change, where nothing can interrupt a match, so such a pattern would freeze it. The
check here is structural and conservative: inside a group repeated more than twice, a repeat
must not be able to take characters that could equally start what follows it, and no two
alternatives may start with the same character. The built-in rules pass it (a test checks)."""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

Item = tuple[Any, Any]
REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
ONE_CHAR = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}
ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
SAFE_TIMES = 2
"""A group repeated at most this often splits a sentence in at most quadratically many ways."""

_GROUP_REPEAT = re.compile(r"\)(?:[*+]|\{\d*,\d*\}|\{\d*[3-9]\d*\}|\{\d{2,}\})")
"""A group followed by a quantifier that may repeat it more than twice: the only place the
check below can find anything."""

PROBES = [chr(c) for c in range(32, 127)] + list(
    "\t\n\u3000。，、！？：；“”（）一中的不是我您医院治"
)
"""Characters tried to see whether two character classes overlap, with every literal of the
pattern added: a class matching none of them is not found to overlap."""


def backtracking_risk(source: str, flags: int = re.IGNORECASE) -> str | None:
    """Why `source` may backtrack catastrophically (naming the part), or None when it cannot."""
    if not _GROUP_REPEAT.search(source):
        return None  # only a repeated group can split text in more than one way
    try:
        parsed = sre_parse.parse(source, flags)
    except re.error:
        return None  # reported as invalid by the caller
    probes = PROBES + sorted(_literals(list(parsed)))
    return _check(list(parsed), flags, probes)


def _check(items: list[Item], flags: int, probes: list[str]) -> str | None:
    for op, av in items:
        for inner in _children(op, av):
            found = _check(inner, flags, probes)
            if found:
                return found
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and _times(av[1]) > SAFE_TIMES:
            body = list(av[2])
            found = _ambiguous(body, flags, probes)
            if found:
                return found
    return None


def _ambiguous(body: list[Item], flags: int, probes: list[str]) -> str | None:
    """Whether one pass of a repeated group can end in more than one place."""
    if _nullable(body):
        return "a repeated group that can match nothing"
    starts = _first(body, flags, probes)
    return _overlaps(body, starts, flags, probes)


def _overlaps(items: list[Item], after: set[str], flags: int, probes: list[str]) -> str | None:
    """Look for a repeat whose characters could also begin what follows it (`after` is what
    may follow the whole of `items`), or a choice whose alternatives start alike."""
    for index, (op, av) in enumerate(items):
        rest = items[index + 1 :]
        following = _first(rest, flags, probes) | (after if _nullable(rest) else set())
        if op in REPEATS and op != sre.POSSESSIVE_REPEAT:
            body = list(av[2])
            if _times(av[1]) > 1 and _first(body, flags, probes) & following:
                return "a repeat that can take the same characters as what follows it"
            found = _overlaps(body, following | _first(body, flags, probes), flags, probes)
            if found:
                return found
        elif op == sre.SUBPATTERN:
            found = _overlaps(list(av[3]), following, flags, probes)
            if found:
                return found
        elif op == sre.BRANCH:
            seen: set[str] = set()
            for branch in av[1]:
                starts = _first(list(branch), flags, probes)
                if _nullable(list(branch)):
                    starts |= following
                if starts & seen:
                    return "two alternatives that can start with the same characters"
                seen |= starts
                found = _overlaps(list(branch), following, flags, probes)
                if found:
                    return found
    return None


def _first(items: list[Item], flags: int, probes: list[str]) -> set[str]:
    """The probe characters a match of `items` can start with."""
    found: set[str] = set()
    for op, av in items:
        if op in ZERO_WIDTH:
            continue
        if op in ONE_CHAR:
            found |= _matching((op, av), flags, probes)
            return found
        if op in REPEATS:
            found |= _first(list(av[2]), flags, probes)
            if av[0] > 0 and not _nullable(list(av[2])):
                return found
        elif op == sre.SUBPATTERN:
            found |= _first(list(av[3]), flags, probes)
            if not _nullable(list(av[3])):
                return found
        elif op == sre.ATOMIC_GROUP:
            found |= _first(list(av), flags, probes)
            if not _nullable(list(av)):
                return found
        elif op == sre.BRANCH:
            for branch in av[1]:
                found |= _first(list(branch), flags, probes)
            if not any(_nullable(list(branch)) for branch in av[1]):
                return found
        else:  # a back-reference or anything unknown: it may start with anything
            return set(probes)
    return found


def _nullable(items: list[Item]) -> bool:
    for op, av in items:
        if op in ZERO_WIDTH:
            continue
        if op in REPEATS:
            if av[0] > 0 and not _nullable(list(av[2])):
                return False
        elif op == sre.SUBPATTERN:
            if not _nullable(list(av[3])):
                return False
        elif op == sre.ATOMIC_GROUP:
            if not _nullable(list(av)):
                return False
        elif op == sre.BRANCH:
            if not any(_nullable(list(branch)) for branch in av[1]):
                return False
        else:
            return False
    return True


def _matching(item: Item, flags: int, probes: list[str]) -> set[str]:
    """The probe characters one character-matching item accepts."""
    from re import _compiler  # type: ignore[attr-defined]

    key = (repr(item), flags, len(probes))
    if key not in _MATCHING:
        state = sre_parse.State()
        state.flags = flags
        regex = _compiler.compile(sre_parse.SubPattern(state, [item]), flags)
        _MATCHING[key] = frozenset(probe for probe in probes if regex.match(probe))
    return set(_MATCHING[key])


_MATCHING: dict[tuple[str, int, int], frozenset[str]] = {}


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


def _times(most: int) -> float:
    return float("inf") if most == sre.MAXREPEAT else float(most)


def _literals(items: list[Item]) -> set[str]:
    found: set[str] = set()
    for op, av in items:
        if op == sre.LITERAL:
            found.add(chr(av))
        elif op == sre.IN:
            found |= {chr(value) for kind, value in av if kind == sre.LITERAL}
        for inner in _children(op, av):
            found |= _literals(inner)
    return found
