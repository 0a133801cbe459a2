"""Speed: skip a pattern without scanning when the text lacks the words every match needs.

A regex scan costs far more per character than finding literal strings, and most texts
contain none of a rule's key words. From each pattern's parse tree we take literal strings
at least one of which occurs in every match; plan.py puts all of them into one automaton.
The filter only ever answers "cannot match" or "maybe", so findings never change."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

try:  # the parser behind `re` (public as sre_parse before 3.11, which now warns on import)
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python implementations
    _p = _c = None

_EDGE = "\x00"
"""Marks a word boundary (\\b) inside an extracted literal while keys are worked out."""
_START, _END = "\x04", "\x05"
"""Mark a literal that is a whole alternative of its group, so a boundary next to the group
can be carried onto it: in \\b(?:best|most\\s+advanced) the literal "best" is a whole word."""
_MARKS = str.maketrans("", "", _EDGE + _START + _END)
_LIMIT = 24
"""Most strings a product of alternatives may grow to (e.g. [3-9]\\d gives 70 and stops)."""
_UNION_LIMIT = 256
"""Most alternatives kept for one group, e.g. (?:best|finest|leading|...)."""
_CLASS_LIMIT = 16
_COMMON = frozenset(
    [
        "the",
        "and",
        "for",
        "are",
        "you",
        "your",
        "our",
        "was",
        "were",
        "have",
        "has",
        "had",
        "with",
        "that",
        "this",
        "not",
        "but",
        "can",
        "will",
        "all",
        "any",
        "get",
        "out",
        "one",
        "who",
        "may",
        "its",
        "care",
        "doctor",
        "doctors",
        "treatment",
        "treatments",
        "pain",
        "patient",
        "patients",
        "health",
        "hospital",
        "clinic",
        "surgery",
        "medicine",
        "help",
        "team",
        "staff",
        "test",
        "tests",
        "risk",
        "risks",
        "symptoms",
    ]
)
"""Words so common in patient information that testing for them filters nothing."""


@dataclass(frozen=True)
class Prefilter:
    """For one pattern: literals, lowercase, one of which is in every match."""

    literals: frozenset[str]


def prefilter(pattern: str, flags: int = 0) -> Prefilter | None:
    """The prefilter for a pattern, or None when no literal is certain (always scan)."""
    marked = required_literals(pattern, flags)
    if not marked:
        return None
    return Prefilter(frozenset(literal.translate(_MARKS) for literal in marked))


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lowercase strings (word boundaries marked) one of which is in every match; None if unknown."""
    if _p is None:
        return None
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - any parser trouble just disables the prefilter
        return None
    found = _required_seq(list(parsed))
    if not found:
        return None
    return frozenset(f.replace(_START, "").replace(_END, "") for f in found)


def _zero_width(op: Any, av: Any) -> bool:
    return op in (_c.ASSERT, _c.ASSERT_NOT) or (op is _c.AT and av is not _c.AT_BOUNDARY)


def _required_seq(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Strings one of which every match of the sequence contains (the best candidate).

    A literal that starts where the sequence starts (or ends where it ends) is marked, so
    the enclosing sequence can join it to what comes before or after the group."""
    consumed = [(op, av) for op, av in items if not _zero_width(op, av)]
    candidates: list[set[str]] = []
    run: set[str] = {""}
    from_start = True

    def close(at_end: bool = False) -> None:
        marked = {(_START if from_start else "") + s + (_END if at_end else "") for s in run}
        _close(marked, candidates)

    for position, (op, av) in enumerate(consumed):
        spaces = _spaces(op, av)
        if spaces is not None:  # whitespace ends one literal and starts the next
            if spaces:
                run = {s + _EDGE for s in run}
            close()
            run, from_start = ({_EDGE} if spaces else {""}), False
            continue
        exact = _exact(op, av)
        if exact is not None:
            product = _product(run, exact)
            if product is None:
                close()
                run, from_start = exact, False
            else:
                run = product
            continue
        heads = run
        close()
        run, from_start = {""}, False
        required = _required(op, av)
        if required:
            following = consumed[position + 1] if position + 1 < len(consumed) else None
            candidates.append(_anchor(required, heads, position == 0, _tails(following)))
    close(at_end=True)
    return min(candidates, key=_cost) if candidates else None


def _tails(following: tuple[Any, Any] | None) -> set[str] | None:
    """What certainly follows a group: its next element's strings, or None at the end."""
    if following is None:
        return None
    if _spaces(*following):
        return {_EDGE}
    exact = _exact(*following)
    return exact if exact is not None and len(exact) <= _LIMIT else {""}


def _anchor(required: set[str], heads: set[str], first: bool, tails: set[str] | None) -> set[str]:
    """Join whole-alternative literals of a group to the strings just before and after it,
    so that a boundary or a fixed word next to the group narrows the literal."""
    joined: set[str] = set()
    for literal in required:
        front, back = {literal}, set()
        if literal.startswith(_START):
            core = literal[1:]
            if heads != {""} and len(heads) <= _LIMIT:
                front = {h + core for h in heads}
            else:
                front = {(_START if first else "") + core}
        for item in front:
            if item.endswith(_END):
                core = item[:-1]
                if tails is None:
                    back.add(item)
                else:
                    back.update(core + t for t in tails)
            else:
                back.add(item)
        joined |= back
    return joined


def _product(left: set[str], right: set[str]) -> set[str] | None:
    """Every concatenation, unless that multiplies the number of strings past the limit."""
    if len(left) * len(right) > max(_LIMIT, len(left), len(right)):
        return None
    return {a + b for a, b in itertools.product(left, right)}


def _spaces(op: Any, av: Any) -> int | None:
    """For `\\s`, `\\s+`, `\\s*`, `\\s?`: the least number of spaces; None for anything else."""
    if op is _c.IN and list(av) == [(_c.CATEGORY, _c.CATEGORY_SPACE)]:
        return 1
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and len(av[2]) == 1:
        inner_op, inner_av = av[2][0]
        if inner_op is _c.IN and list(inner_av) == [(_c.CATEGORY, _c.CATEGORY_SPACE)]:
            return int(av[0])
    return None


def _close(run: set[str], candidates: list[set[str]]) -> None:
    if all(s.translate(_MARKS) for s in run):
        candidates.append(run)


def _cost(strings: set[str]) -> tuple[int, int]:
    """Lower is better: long, uncommon strings first (Chinese characters count double), then few."""
    weights = []
    for marked in strings:
        plain = marked.translate(_MARKS)
        weights.append(
            1 if plain.strip() in _COMMON else len(plain) * (1 if plain.isascii() else 2)
        )
    return (-min(min(weights), 6), len(strings))


def _required(op: Any, av: Any) -> set[str] | None:
    if op is _c.SUBPATTERN:
        return _required_seq(list(av[-1]))
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _required_seq(list(av))
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            exact = _exact_seq(list(branch))
            if exact is not None and all(e.translate(_MARKS) for e in exact):
                union |= {_START + e + _END for e in exact}  # the whole alternative
                continue
            found = _required_seq(list(branch))
            if not found:
                return None
            union |= found
        return union
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
        found = _required_seq(list(av[2]))
        if found and av[1] != 1:  # a literal of one round is not the whole repeat: unmark it
            found = {f.replace(_START, "").replace(_END, "") for f in found}
        return found
    return None


def _exact(op: Any, av: Any) -> set[str] | None:
    """Every string this element can match (word boundaries as marks), if few; else None."""
    if op is _c.AT:
        return {_EDGE} if av is _c.AT_BOUNDARY else {""}
    if op is _c.LITERAL:
        return {chr(av).lower()}
    if op is _c.IN:
        return _chars(av)
    if op is _c.SUBPATTERN:
        return _exact_seq(list(av[-1]))
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            exact = _exact_seq(list(branch))
            if exact is None:
                return None
            union |= exact
        return union if len(union) <= _UNION_LIMIT else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[1] == 1 and av[0] in (0, 1):
        exact = _exact_seq(list(av[2]))
        if exact is None:
            return None
        return exact | {""} if av[0] == 0 else exact
    return None


def _exact_seq(items: list[tuple[Any, Any]]) -> set[str] | None:
    result: set[str] = {""}
    for op, av in items:
        if _zero_width(op, av):
            continue
        exact = _exact(op, av)
        if exact is None:
            return None
        product = _product(result, exact)
        if product is None:
            return None
        result = product
    return result


def _chars(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.NEGATE:
            return None
        if op is _c.LITERAL:
            chars.add(chr(av).lower())
        elif op is _c.RANGE and av[1] - av[0] < _CLASS_LIMIT:
            chars.update(chr(code).lower() for code in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:
            return None
    return chars if len(chars) <= _CLASS_LIMIT else None
