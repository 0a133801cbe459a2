"""The statistical half of the wording check: a per-category score for sentences no rule caught.

Rules catch the phrasings someone wrote a pattern for; real scripts keep finding new ones. A
linear model over the sentence's character or word n-grams, and over which shared word sets
(`_lexicon.yaml`, `_contexts.yaml`) its words belong to, scores each category. It is trained
on the labelled sentences the project ships (`python -m kbtool.lint.train`) and stored as
plain JSON (`classifier.json`): nothing executable is read, and no library is needed to use it.

Its findings are warnings, named `model-<category>`, that quote the sentence, say which kind
of claim it looks like, cite the rule of law and say what to write instead (`_categories.yaml`).
A reviewer accepts one like any other finding (`wording_exceptions`), and a KB can switch the
model off with `wording: disabled: [model]`."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter, truediv
from pathlib import Path
from typing import Any

import ahocorasick

MODEL_FILE = Path(__file__).parent / "classifier.json"
RULE_PREFIX = "model-"
MIN_CHARS = {"zh": 6, "en": 4}
"""Sentences shorter than this (headings, list labels) are not scored: too little to judge."""

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+|[a-z]+|[0-9]+|[%\uff05?\uff1f!\uff01]")
_LATIN_TOKEN = re.compile(r"[a-z]+|[0-9]+|[%\uff05?\uff1f!\uff01]")
"""The tokens of a Chinese sentence that are not Chinese characters (as _CJK_RUN cuts them)."""
_EN_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|[0-9]+|[%?!£$]")
_DIGITS = re.compile(r"[0-9]+")


def features(text: str, lang: str, word_sets: dict[str, list[str]], finder: Any = None) -> set[str]:
    """The sentence's features: n-grams (zh characters 1–3, en words 1–2) and `@set` names of
    the shared word sets its words belong to (`finder`: an automaton over those words, faster
    than looking each n-gram up; the result is the same)."""
    low = _DIGITS.sub("0", text.lower())
    found: set[str] = set()
    if lang == "zh":
        for run in _CJK_RUN.findall(low):
            if run[0] >= "\u3400":
                found.update(run)
                found.update(
                    map(run.__getitem__, map(slice, range(len(run) - 1), range(2, len(run) + 1)))
                )
                found.update(
                    map(run.__getitem__, map(slice, range(len(run) - 2), range(3, len(run) + 1)))
                )
            else:
                found.add(run)
        if finder is not None:
            for _, names in finder.iter(low):
                found.update(names)
        else:
            for size in (2, 3, 4):
                for i in range(len(low) - size + 1):
                    for name in word_sets.get(low[i : i + size], ()):
                        found.add("@" + name)
    else:
        tokens = _EN_TOKEN.findall(low)
        found.update(tokens)
        found.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
        for i, token in enumerate(tokens):
            for gram in (token, " ".join(tokens[i : i + 2]), " ".join(tokens[i : i + 3])):
                for name in word_sets.get(gram, ()):
                    found.add("@" + name)
    return found


WARM_UP = 200
"""Sentences scored (per language) before the full n-gram automaton is worth building."""


@dataclass
class _Table:
    """One language's weights turned around, for scoring."""

    categories: list[str]
    table: dict[str, list[float]]
    """feature -> one weight per category"""
    names: frozenset[str]
    """the weighted features (a frozenset intersects fast)"""
    words: dict[str, list[str]]
    """word-set word as scanned -> the weighted `@set` features it gives"""
    word_finder: Any
    """automaton over `words`"""
    need: list[float] | None
    """per category, threshold minus bias (None: a category has no bias)"""
    finder: Any = None
    """automaton over every weighted n-gram and word, built after WARM_UP sentences"""
    reach: dict[str, float] | None = None
    """feature -> the largest share of any category's `need` it can cover, built with `finder`
    (None before, or when some category passes without any feature: nothing can be skipped)"""
    scored: int = 0
    prepared: bool = False
    """whether `finder` and `reach` were built (`Model.prepare`)"""


_second = itemgetter(1)
_REACHABLE = 1.0 - 1e-9
"""A sentence whose features' reach sums below this passes no threshold; the margin is far
wider than the rounding of any sum of weights, so skipping never changes a verdict."""


def _reach(
    categories: list[str], table: dict[str, list[float]], need: list[float]
) -> dict[str, float] | None:
    """Per feature, max(0, weight / need) over the categories, where `need` is a category's
    threshold minus its bias. A sentence passes category c only if its weights for c sum to
    at least need[c], so only if the sum of its features' reach is at least 1."""
    if not categories or min(need) <= 0:
        return None
    return {f: max(0.0, *map(truediv, row, need)) for f, row in table.items()}


def _sums(tables: _Table, found: set[str]) -> Iterable[float]:
    """Per category, in order, the sum of the found features' weights."""
    vectors = list(map(tables.table.__getitem__, found))
    return map(sum, zip(*vectors)) if vectors else (0.0 for _ in tables.categories)


def _finder(keys: dict[str, list[str]]) -> Any:
    """An automaton over `keys`, each found with its features (None when there are none)."""
    if not keys:
        return None
    finder = ahocorasick.Automaton()
    for key, found in keys.items():
        finder.add_word(key, tuple(found))
    finder.make_automaton()
    return finder


@dataclass(frozen=True)
class Model:
    """Per language and category: bias, weights and the score above which a sentence is flagged."""

    weights: dict[str, dict[str, dict[str, float]]]
    bias: dict[str, dict[str, float]]
    thresholds: dict[str, dict[str, float]]
    word_sets: dict[str, dict[str, list[str]]]
    _tables: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _table(self, lang: str) -> _Table:
        """Weights turned around (feature -> one weight per category) in one pass, and an
        automaton over the shared word sets' words (-> the weighted `@set` features each gives)."""
        if lang not in self._tables:
            categories = sorted(self.weights.get(lang, {}))
            table: dict[str, list[float]] = {}
            for position, category in enumerate(categories):
                for feature, weight in self.weights[lang][category].items():
                    row = table.get(feature)
                    if row is None:
                        row = table[feature] = [0.0] * len(categories)
                    row[position] = weight
            words: dict[str, list[str]] = {}
            for word, sets in self.word_sets.get(lang, {}).items():
                named = [f"@{name}" for name in sets if f"@{name}" in table]
                if named:
                    words.setdefault(_key(word, lang), []).extend(named)
            limits = self.thresholds.get(lang, {})
            bias = self.bias.get(lang, {})
            need = (
                [limits.get(c, 1e9) - bias[c] for c in categories]
                if set(bias) >= set(categories)
                else None
            )
            self._tables[lang] = _Table(
                categories, table, frozenset(table), words, _finder(words), need
            )
        return self._tables[lang]  # type: ignore[no-any-return]

    def prepare(self, lang: str) -> None:
        """Build what scoring a whole knowledge base uses (otherwise built after WARM_UP
        sentences): one automaton over every weighted n-gram and word, and each feature's reach.
        Forked workers then share them instead of each building its own."""
        tables = self._table(lang)
        if tables.prepared:
            return
        keys = {
            _key(feature, lang): [feature]
            for feature in tables.table
            if not feature.startswith("@") and _scannable(feature, lang)
        }
        for key, named in tables.words.items():
            keys.setdefault(key, []).extend(named)
        tables.reach = _reach(tables.categories, tables.table, tables.need) if tables.need else None
        tables.finder = _finder(keys)
        tables.prepared = True
        tables.scored = max(tables.scored, WARM_UP)

    def feature_set(self, text: str, lang: str) -> set[str]:
        """`features(text, lang, ...)` restricted to the features that carry a weight.

        Two ways to the same set: the sentence's n-grams intersected with the weighted ones
        (nothing to build: a one-file check or `lint-text` starts fast), and, once WARM_UP
        sentences were scored, one automaton over every weighted n-gram and word (a tenth of a
        second to build, then faster per sentence for a whole knowledge base)."""
        tables = self._table(lang)
        tables.scored += 1
        if tables.scored > WARM_UP:
            return self._scan(text, lang, tables)
        low = _DIGITS.sub("0", text.lower())
        grams: set[str] = set()
        if lang == "zh":
            for run in _CJK_RUN.findall(low):
                if run[0] >= "\u3400":
                    pairs = list(map(str.__add__, run, run[1:]))
                    grams.update(run, pairs, map(str.__add__, pairs, run[2:]))
                else:
                    grams.add(run)
            scanned = low
        else:
            tokens = _EN_TOKEN.findall(low)
            grams.update(tokens, map(" ".join, itertools.pairwise(tokens)))
            scanned = " " + " ".join(tokens) + " "
        found = set(tables.names.intersection(grams))
        if tables.word_finder is not None:
            for _, features_here in tables.word_finder.iter(scanned):
                found.update(features_here)
        return found

    def _scan(self, text: str, lang: str, tables: _Table) -> set[str]:
        """The same set as feature_set, from one automaton scan (built on first use)."""
        self.prepare(lang)
        low = _DIGITS.sub("0", text.lower())
        found: set[str] = set()
        if lang == "zh":
            found.update(t for t in _LATIN_TOKEN.findall(low) if t in tables.table)
            scanned = low
        else:
            scanned = " " + " ".join(_EN_TOKEN.findall(low)) + " "
        if tables.finder is not None:  # each distinct group of features found, then their union
            found.update(
                itertools.chain.from_iterable(set(map(_second, tables.finder.iter(scanned))))
            )
        return found

    def scores(self, text: str, lang: str) -> dict[str, float]:
        """Bias plus the sum of the found features' weights, per category."""
        tables = self._table(lang)
        sums = _sums(tables, self.feature_set(text, lang))
        return {c: self.bias[lang][c] + total for c, total in zip(tables.categories, sums)}

    def categories(self, text: str, lang: str) -> list[tuple[str, float]]:
        """Categories whose score passes their threshold, highest first.

        Most sentences are clean: when their features' reach (`_reach`) cannot bring any
        category to its threshold, the scores are not worked out at all."""
        tables = self._table(lang)
        if not tables.categories:
            return []
        found = self.feature_set(text, lang)
        if tables.reach is not None and sum(map(tables.reach.__getitem__, found)) < _REACHABLE:
            return []
        sums = _sums(tables, found)
        bias, limits = self.bias[lang], self.thresholds.get(lang, {})
        passed = [
            (c, score)
            for c, total in zip(tables.categories, sums)
            if (score := bias[c] + total) >= limits.get(c, 1e9)
        ]
        return sorted(passed, key=lambda pair: -pair[1]) if len(passed) > 1 else passed


def _scannable(feature: str, lang: str) -> bool:
    """Whether the automaton can find this n-gram: Chinese n-grams are runs of characters;
    other Chinese-text tokens (numbers, latin words, %) are matched as whole tokens instead."""
    return all(ch >= "\u3400" for ch in feature) if lang == "zh" else True


def _key(feature: str, lang: str) -> str:
    """How an n-gram appears in the scanned text: as is in Chinese, between spaces in English."""
    return feature if lang == "zh" else f" {feature} "


def from_mapping(data: Any) -> Model | None:
    """A Model from parsed JSON, or None when the data is not a model of this shape."""
    try:
        return Model(
            weights={
                lang: {cat: {str(k): float(v) for k, v in w.items()} for cat, w in cats.items()}
                for lang, cats in data["weights"].items()
            },
            bias={
                lang: {cat: float(v) for cat, v in cats.items()}
                for lang, cats in data["bias"].items()
            },
            thresholds={
                lang: {cat: float(v) for cat, v in cats.items()}
                for lang, cats in data["thresholds"].items()
            },
            word_sets={
                lang: {str(k): [str(n) for n in v] for k, v in sets.items()}
                for lang, sets in data["word_sets"].items()
            },
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_FILE) -> Model | None:
    """The shipped model; None (the check then runs on rules alone) if it is missing or damaged."""
    try:
        return from_mapping(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def sentence_verdicts(
    model: Model,
    text: str,
    lang: str,
    spans: Iterable[tuple[int, int]],
    skip: Sequence[tuple[str, int, int]],
) -> list[tuple[str, int, int, float]]:
    """(category, start, end, score) for each sentence the model flags, leaving out categories a
    rule already flagged in that sentence (`skip`: category, start, end of rule findings)."""
    found: list[tuple[str, int, int, float]] = []
    for start, end in spans:
        sentence = text[start:end]
        if len(sentence.strip()) < MIN_CHARS.get(lang, 4):
            continue
        caught = {c for c, s, e in skip if s < end and start < e}
        for category, score in model.categories(sentence, lang):
            if category not in caught:
                found.append((category, start, end, score))
    return found
