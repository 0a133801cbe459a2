"""Speed: decide, per text, which patterns of which rules can match and in which sentences.

Every pattern has literals one of which occurs in every match (literals.py). Per rule set and
language, all of them go into one Aho–Corasick automaton (pyahocorasick, in C), so a text is
scanned once, whatever the number of rules and word sets, and each literal found points at the
patterns that need it and the sentence it sits in. The cost per text stays flat as rules grow:
a clean text costs one scan, not a lookup per rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import ahocorasick

from .rule import Rule
from .text import Sentences

Places = list[tuple[int, int]] | None
"""Sentence spans to scan for one pattern; None means every sentence."""
Plan = dict[int, dict[int, Places]]
"""Rule position -> pattern position -> where to scan."""
_second = itemgetter(1)


@dataclass
class PatternIndex:
    """For one rule set, language and text form (raw or masked): literal -> patterns needing it."""

    always: list[tuple[int, int]] = field(default_factory=list)
    """Patterns with no certain literal: run in every sentence."""
    by_literal: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    automaton: Any = None

    @classmethod
    def build(cls, rules: Sequence[Rule], lang: str, raw: bool) -> PatternIndex:
        index = cls()
        for rule_pos, rule in enumerate(rules):
            compiled = rule.compiled.get(lang)
            if compiled is None or rule.raw != raw:
                continue
            for pattern_pos, pattern in enumerate(compiled.patterns):
                if pattern.prefilter is None or any(
                    not lit.strip() for lit in pattern.prefilter.literals
                ):
                    index.always.append((rule_pos, pattern_pos))
                    continue
                for literal in pattern.prefilter.literals:
                    index.by_literal.setdefault(literal, []).append((rule_pos, pattern_pos))
        if index.by_literal:
            automaton = ahocorasick.Automaton()
            for literal, pairs in index.by_literal.items():
                automaton.add_word(literal, tuple(pairs))
            automaton.make_automaton()
            index.automaton = automaton
        return index

    def empty(self) -> bool:
        return not (self.always or self.by_literal)


class TextIndex:
    """Facts about one text shared by every rule: its lowercase form and its sentences."""

    def __init__(self, text: str, sentences: Sentences) -> None:
        self.text = text.lower()
        self.sentences = sentences
        self.lowered: str | None = self.text if len(self.text) == len(text) else None


def make_plan(index: PatternIndex, text: TextIndex) -> Plan:
    """Which patterns to run and where, for one text."""
    plan: Plan = {}
    if text.lowered is None:  # lowercasing moved offsets (rare scripts): run everything
        for rule_pos, pattern_pos in index.always + [
            pair for pairs in index.by_literal.values() for pair in pairs
        ]:
            plan.setdefault(rule_pos, {})[pattern_pos] = None
        return plan
    for rule_pos, pattern_pos in index.always:
        plan.setdefault(rule_pos, {})[pattern_pos] = None
    if index.automaton is None:
        return plan
    # Per sentence, the distinct pattern groups whose literals occur in it (collected in C). A
    # match lies within one sentence and holds one of its pattern's literals, so a pattern need
    # only run in the sentences that hold one of its literals.
    found: dict[tuple[int, int], list[tuple[int, int]]] = {}
    scan, lowered = index.automaton.iter, text.text
    if next(scan(lowered), None) is None:  # no literal anywhere (most texts, for link rules)
        return plan
    for span in text.sentences.spans:
        for pairs in set(map(_second, scan(lowered, span[0], span[1]))):
            for pair in pairs:
                places = found.get(pair)
                if places is None:
                    found[pair] = [span]
                elif places[-1] != span:
                    places.append(span)
    for (rule_pos, pattern_pos), spans in found.items():
        slot = plan.setdefault(rule_pos, {})
        if pattern_pos not in slot:
            slot[pattern_pos] = spans
    return plan


_cache: dict[tuple[int, int], tuple[Sequence[Rule], dict[tuple[str, bool], PatternIndex]]] = {}


def pattern_index(rules: Sequence[Rule], lang: str, raw: bool) -> PatternIndex:
    """The (cached) index for this rule set; rebuilt when a different sequence is passed.

    The cache keeps the sequence itself, so its id cannot be reused by another object while
    cached; a sequence changed in place must be passed as a new list (load_rules does)."""
    key = (id(rules), len(rules))
    entry = _cache.get(key)
    if entry is None or entry[0] is not rules:
        if len(_cache) > 16:
            _cache.clear()
        entry = _cache[key] = (rules, {})
    indexes = entry[1]
    if (lang, raw) not in indexes:
        indexes[(lang, raw)] = PatternIndex.build(rules, lang, raw)
    return indexes[(lang, raw)]
