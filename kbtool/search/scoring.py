"""BM25F scoring over whoosh postings, with a per-generation cache of each term's scores.

whoosh's own matcher tree walks every posting through several layers of Python objects, which
for a query of thirty terms over a 10,000-entry index takes 50-200 ms. Here each term's
postings are read once, block by block, into `{docnum: score}` (whoosh's BM25F formula and
statistics, before the query's boost), and kept: an index generation never changes, so the
scores stay valid for as long as the generation is open. A query then only adds numbers up."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from .schema import FIELD_B

K1 = 1.2
DEFAULT_B = 0.75
CACHE_TERMS = 20_000
"""Most terms kept in the score cache (least recently used ones are dropped first)."""


def term_postings(
    reader: Any, field: str, text: str
) -> list[tuple[Any, int, list[tuple[int, float]]]]:
    """For each segment holding the term: (segment reader, docnum offset, [(local docnum,
    term frequency)]) of every live document containing it."""
    found = []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        deleted = getattr(leaf, "deleted_docs_set", None) or frozenset()
        child = getattr(matcher, "child", None)
        if child is not None and deleted:
            matcher = child
        found.append(
            (
                leaf,
                offset,
                [(doc, weight) for doc, weight in _read_all(matcher) if doc not in deleted],
            )
        )
    return found


def _read_all(matcher: Any) -> Iterable[tuple[int, float]]:
    """Every (id, weight) of a matcher: a block at a time for whoosh's W3 leaf matcher."""
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids, weights = matcher._ids, matcher._weights
            yield from zip(ids[matcher._i :], weights[matcher._i :])
            matcher._next_block()
        return
    while matcher.is_active():  # any other matcher: one posting at a time
        yield matcher.id(), matcher.weight()
        matcher.next()


def bm25(idf: float, tf: float, length: float, average: float, b: float) -> float:
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - b) + b * length / average)))


class TermScores:
    """(field, term) -> {docnum: BM25F score}, computed on first use and cached (thread-safe)."""

    def __init__(self, max_terms: int = CACHE_TERMS) -> None:
        self.max_terms = max_terms
        self._cache: OrderedDict[tuple[str, str], dict[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, reader: Any, field: str, text: str) -> dict[int, float]:
        key = (field, text)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = self._compute(reader, field, text)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > self.max_terms:
                self._cache.popitem(last=False)
        return found

    def docs(self, reader: Any, field: str, text: str) -> frozenset[int]:
        """Documents containing the term (for filters)."""
        return frozenset(self.get(reader, field, text))

    @staticmethod
    def _compute(reader: Any, field: str, text: str) -> dict[int, float]:
        segments = term_postings(reader, field, text)
        if not reader.schema[field].scorable:  # filter fields (type, lang, ...): presence only
            return {offset + doc: 1.0 for _, offset, postings in segments for doc, _ in postings}
        count = reader.doc_count_all() or 1
        idf = math.log(count / (reader.doc_frequency(field, text) + 1)) + 1.0
        average = (reader.field_length(field) / count) or 1.0
        b = FIELD_B.get(f"{field}_B", DEFAULT_B)
        found: dict[int, float] = {}
        for leaf, offset, postings in segments:
            length = leaf.doc_field_length
            found.update(
                (offset + doc, bm25(idf, tf, length(doc, field, 1) or 1, average, b))
                for doc, tf in postings
            )
        return found
