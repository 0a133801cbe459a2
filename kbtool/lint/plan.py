"""Speed: decide, per text, which patterns of which rules can match and in which sentences.

Every rule set gets an inverted index, per language, from prefilter keys (see literals.py)
to the patterns that need them. A text's keys (its characters, words, word starts and ends,
and three-character slices when some pattern needs them) are intersected with the index in
one set operation, so a typical clean text costs a few set lookups, not a scan per pattern."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .literals import PREFIX, SLICE, SUFFIX, TRIGRAM, is_pair

PAIRS = "pairs"
from .rule import Rule
from .text import Sentences

Places = list[tuple[int, int]] | None
"""Sentence spans to scan for one pattern; None means every sentence."""
Plan = dict[int, dict[int, Places]]
"""Rule position -> pattern position -> where to scan."""

_WORDS = re.compile(r"[a-z0-9]+")


@dataclass
class PatternIndex:
    """For one rule set, language and text form (raw or masked): key -> patterns needing it."""

    always: list[tuple[int, int]] = field(default_factory=list)
    by_key: dict[str, list[tuple[int, int, tuple[str, ...]]]] = field(default_factory=dict)
    direct: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)
    """Literals with no cheap key (e.g. "400"): tested directly, one substring search each."""
    keys: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    @classmethod
    def build(cls, rules: Sequence[Rule], lang: str, raw: bool) -> PatternIndex:
        index = cls()
        for rule_pos, rule in enumerate(rules):
            compiled = rule.compiled.get(lang)
            if compiled is None or rule.raw != raw:
                continue
            for pattern_pos, pattern in enumerate(compiled.patterns):
                if pattern.prefilter is None:
                    index.always.append((rule_pos, pattern_pos))
                    continue
                for key, literals in pattern.prefilter.by_key.items():
                    if key.startswith(TRIGRAM):
                        index.direct.append((rule_pos, pattern_pos, literals))
                    else:
                        index.by_key.setdefault(key, []).append((rule_pos, pattern_pos, literals))
        index.keys = frozenset(index.by_key)
        kinds = {key[0] for key in index.keys if key[0] in (PREFIX, SUFFIX)}
        if any(is_pair(key) for key in index.keys):
            kinds.add(PAIRS)
        index.kinds = frozenset(kinds)
        return index


class TextIndex:
    """Facts about one text shared by every rule: its lowercase form, its keys, and the
    sentences where each literal occurs."""

    def __init__(self, text: str, sentences: Sentences) -> None:
        self.text = text.lower()
        self.sentences = sentences
        self.lowered: str | None = self.text if len(self.text) == len(text) else None
        self._keys: set[str] | None = None
        self._kinds: set[str] = set()
        self._seen: dict[str, list[tuple[int, int]]] = {}

    def keys(self, kinds: frozenset[str]) -> set[str]:
        low = self.text
        if self._keys is None:
            self._keys = set(low)
            self._words = _WORDS.findall(low)
            self._keys.update(self._words)
        for kind in kinds - self._kinds:
            self._kinds.add(kind)
            if kind == PREFIX:
                self._keys.update(PREFIX + w[:SLICE] for w in self._words if len(w) >= SLICE)
            elif kind == SUFFIX:
                self._keys.update(SUFFIX + w[-SLICE:] for w in self._words if len(w) >= SLICE)
            elif kind == PAIRS and not low.isascii():
                self._keys.update(map(low.__getitem__, map(slice, range(len(low) - 1), range(2, len(low) + 1))))
        return self._keys

    def places(self, literal: str) -> list[tuple[int, int]]:
        """The sentences in which `literal` occurs (empty when it does not)."""
        found = self._seen.get(literal)
        if found is None:
            start = self.text.find(literal)
            if start == -1:  # the usual case: absent
                found = self._seen[literal] = []
                return found
            spans: set[tuple[int, int]] = set()
            while start != -1:
                spans.add(self.sentences.around(start))
                start = self.text.find(literal, start + 1)
            found = self._seen[literal] = sorted(spans)
        return found


def make_plan(index: PatternIndex, text: TextIndex) -> Plan:
    """Which patterns to run and where, for one text."""
    plan: Plan = {}
    if text.lowered is None:  # lowercasing moved offsets (rare scripts): run everything
        for rule_pos, pattern_pos in index.always + [
                (r, p) for entries in index.by_key.values() for r, p, _ in entries]:
            plan.setdefault(rule_pos, {})[pattern_pos] = None
        return plan
    for rule_pos, pattern_pos in index.always:
        plan.setdefault(rule_pos, {})[pattern_pos] = None
    found: dict[tuple[int, int], set[tuple[int, int]]] = {}
    hits = index.keys.intersection(text.keys(index.kinds))
    for rule_pos, pattern_pos, literals in itertools.chain(
            index.direct, *(index.by_key[key] for key in hits)):
        for literal in literals:
            places = text.places(literal)
            if places:
                found.setdefault((rule_pos, pattern_pos), set()).update(places)
    for (rule_pos, pattern_pos), spans in found.items():
        slot = plan.setdefault(rule_pos, {})
        if pattern_pos not in slot:
            slot[pattern_pos] = sorted(spans)
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
