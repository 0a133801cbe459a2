"""Scores computed when the site is built, so the browser only adds numbers up.

For every (word, entry) pair the BM25F score is worked out here (field weights, field lengths,
the word's rarity) and stored as a 6-bit "impact" on a log scale. Postings are packed into
short ASCII strings: per entry, the gap from the previous entry number as a base-32 varint
(one character per 5 bits, `ALPHABET`), then one impact character. `search.js` decodes them."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .fields import FIELDS, LENGTH_NORM, WEIGHTS

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
"""64 characters that need no escaping in JSON: value v is ALPHABET[v]."""
K1 = 1.2
IMPACT_STEPS = 8
"""Impact q stands for the score (2 ** (q / 8) - 1) / 4: about 9% apart, 0.01 to ~60."""


@dataclass
class DocTerms:
    """One entry's words per field (as counts)."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def length(self, name: str) -> int:
        return sum(self.counts.get(name, Counter()).values())


def impact(score: float) -> int:
    """A score as 1..63 on the log scale `search.js` reads back (`IMPACT`)."""
    return max(1, min(63, round(IMPACT_STEPS * math.log2(1 + 4 * score))))


def varint(value: int) -> str:
    """Base-32 digits, least significant first; every digit but the last has bit 5 set."""
    out = []
    while True:
        digit, value = value & 31, value >> 5
        out.append(ALPHABET[digit | (32 if value else 0)])
        if not value:
            return "".join(out)


def scores(docs: list[DocTerms]) -> dict[str, list[tuple[int, int]]]:
    """Word -> [(entry number, impact)] in entry order: BM25F over the weighted fields."""
    count = len(docs) or 1
    average = {name: (sum(doc.length(name) for doc in docs) / count) or 1.0 for name in FIELDS}
    frequency: Counter[str] = Counter()
    for doc in docs:
        frequency.update({word for counts in doc.counts.values() for word in counts})
    postings: dict[str, list[tuple[int, int]]] = {}
    for number, doc in enumerate(docs):
        weighted: dict[str, float] = {}
        for name, counts in doc.counts.items():
            norm = 1 - LENGTH_NORM[name] + LENGTH_NORM[name] * doc.length(name) / average[name]
            for word, tf in counts.items():
                weighted[word] = weighted.get(word, 0.0) + WEIGHTS[name] * tf / norm
        for word in sorted(weighted):
            df = frequency[word]
            idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
            tfw = weighted[word]
            postings.setdefault(word, []).append(
                (number, impact(idf * tfw * (K1 + 1) / (tfw + K1)))
            )
    return postings


def encode(postings: list[tuple[int, int]]) -> str:
    """Postings (entry numbers ascending) as the packed string `search.js` decodes."""
    out, previous = [], 0
    for number, value in postings:
        out.append(varint(number - previous))
        out.append(ALPHABET[value])
        previous = number
    return "".join(out)
