"""Ranking: run a QueryPlan against the index and order what it finds.

Every plan term adds its BM25F score (times its boost) to each entry containing it, so an
entry matching only some of the words is still found. Entries matching all of the query's
words come first (multi-word queries narrow the list), then the rest by score scaled by the
share of words they matched (the graceful fallback). Entries in the query's language (pinyin
counts as Chinese) get a bonus.

Only as many entries as needed are examined closely: candidates are taken in order of their
raw score, and the walk stops once no remaining entry could beat the ones already chosen
(scaling never raises a score above raw score times the language bonus)."""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Any

from .query import PlanTerm, QueryPlan
from .scoring import TermScores

LANGUAGE_BONUS = 1.2
PARTIAL_FLOOR = 0.4
"""An entry matching none of the words keeps this share of its score; all of them, the whole."""
WEAK_SHARE = 0.5
"""A query word matched only in part (a shorter word inside it, its characters, its sounds)
counts as half a word."""


@dataclass
class Ranked:
    """One entry found, before it is turned into a result."""

    docnum: int
    score: float
    coverage: float
    """Share of the query's words this entry matches as whole words (0..1)."""
    topical: float
    """Share of the query's words matched in the entry's names or approved answer."""
    all_words: bool
    terms: list[PlanTerm]


@dataclass
class _Evidence:
    """Which documents match each query word, and how."""

    any: dict[int, set[int]]
    whole: dict[int, set[int]]
    topical: dict[int, set[int]]


def rank(
    reader: Any,
    scores: TermScores,
    plan: QueryPlan,
    *,
    limit: int,
    allowed: frozenset[int] | None = None,
    language_docs: frozenset[int] = frozenset(),
) -> list[Ranked]:
    """The best `limit` entries for the plan among the documents in `allowed` (None: all)."""
    totals, evidence = _accumulate(reader, scores, plan)
    candidates = set(totals) if allowed is None else totals.keys() & allowed
    major = plan.major_units
    complete = (
        set.intersection(*(evidence.whole[u] for u in major)) & candidates if major else set()
    )
    counts = _Counts(evidence, major)
    chosen = _best(complete, limit, totals, counts, language_docs, most_share=1.0)
    if len(chosen) < limit:
        most = (len(major) - 1 + WEAK_SHARE) / len(major) if major else 1.0
        chosen += _best(
            candidates - complete, limit - len(chosen), totals, counts, language_docs, most
        )
    return [
        Ranked(
            doc,
            score,
            coverage,
            about,
            bool(major) and doc in complete,
            [t for t in plan.terms if doc in scores.get(reader, t.field, t.text)],
        )
        for score, doc, coverage, about in chosen
    ]


def _accumulate(
    reader: Any, scores: TermScores, plan: QueryPlan
) -> tuple[dict[int, float], _Evidence]:
    totals: dict[int, float] = {}
    units = range(len(plan.units))
    evidence = _Evidence(
        {u: set() for u in units}, {u: set() for u in units}, {u: set() for u in units}
    )
    for term in plan.terms:
        postings = scores.get(reader, term.field, term.text)
        boost = term.boost
        if not totals:
            totals = {doc: boost * value for doc, value in postings.items()}
        else:
            get = totals.get
            for doc, value in postings.items():
                totals[doc] = get(doc, 0.0) + boost * value
        for unit in term.units:
            evidence.any[unit].update(postings.keys())
        for unit in term.strong:
            evidence.whole[unit].update(postings.keys())
            if term.topical:
                evidence.topical[unit].update(postings.keys())
    return totals, evidence


class _Counts:
    """How many of the query's words each document matches: whole, at all, and topically."""

    def __init__(self, evidence: _Evidence, major: list[int]) -> None:
        self.wanted = len(major)
        self.whole = Counter(chain.from_iterable(evidence.whole[u] for u in major))
        self.any = Counter(chain.from_iterable(evidence.any[u] for u in major))
        self.topical = Counter(chain.from_iterable(evidence.topical[u] for u in major))


def _best(
    candidates: set[int],
    need: int,
    totals: dict[int, float],
    counts: _Counts,
    language_docs: frozenset[int],
    most_share: float,
) -> list[tuple[float, int, float, float]]:
    """The `need` best (score, docnum, coverage, topical) among candidates, best first.

    Candidates are walked by raw score; the walk stops when even the best possible scaling
    (`most_share` of the words, the language bonus) cannot lift one above the chosen ones."""
    if need <= 0 or not candidates:
        return []
    wanted = counts.wanted
    ceiling = (LANGUAGE_BONUS if language_docs else 1.0) * (
        PARTIAL_FLOOR + (1 - PARTIAL_FLOOR) * most_share
    )
    whole_of, any_of, topical_of = counts.whole.get, counts.any.get, counts.topical.get
    heap: list[tuple[float, int, float, float]] = []
    for doc in sorted(
        sorted(candidates), key=totals.__getitem__, reverse=True
    ):  # ties: lower docnum
        raw = totals[doc]
        if len(heap) == need and raw * ceiling <= heap[0][0]:
            break
        whole = whole_of(doc, 0)
        share = (whole + WEAK_SHARE * (any_of(doc, 0) - whole)) / wanted if wanted else 1.0
        score = raw * (LANGUAGE_BONUS if doc in language_docs else 1.0)
        score *= PARTIAL_FLOOR + (1 - PARTIAL_FLOOR) * share
        item = (
            score,
            -doc,
            whole / wanted if wanted else 1.0,
            topical_of(doc, 0) / wanted if wanted else 1.0,
        )
        if len(heap) < need:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    return [
        (score, -negdoc, coverage, about)
        for score, negdoc, coverage, about in sorted(heap, reverse=True)
    ]
