"""Chinese word segmentation at query time, the same way jieba cuts text at index time.

This is jieba's own algorithm for `cut(HMM=False)` and `cut_for_search` (a word graph built
with its prefix dictionary, then the most probable path), over a dictionary that is fast to
load. jieba itself needs about a second to load its dictionary, too slow for a search typed
during a call; a test checks that this gives the same words as jieba for the same dictionary."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Segmenter:
    """Cuts Chinese runs into words. `freq` maps words to counts and their prefixes to 0."""

    freq: dict[str, int]
    total: int

    def cut(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each word of a Chinese run, left to right (jieba.cut, HMM=False)."""
        size = len(text)
        freq = self.freq
        dag: list[list[int]] = []
        for start in range(size):
            ends = []
            end = start + 1
            piece = text[start]
            while end <= size and piece in freq:
                if freq[piece]:
                    ends.append(end)
                end += 1
                piece = text[start:end]
            dag.append(ends or [start + 1])
        log_total = math.log(self.total or 1)
        route: list[tuple[float, int]] = [(0.0, 0)] * (size + 1)
        for start in range(size - 1, -1, -1):
            route[start] = max(
                (math.log(freq.get(text[start:end]) or 1) - log_total + route[end][0], end)
                for end in dag[start]
            )
        spans = []
        start = 0
        while start < size:
            end = route[start][1]
            spans.append((start, end))
            start = end
        return spans

    def words(self, text: str) -> list[str]:
        return [text[start:end] for start, end in self.cut(text)]

    def subwords(self, word: str) -> list[str]:
        """The two- and three-character dictionary words inside a longer word (as cut_for_search)."""
        found = []
        for width in (2, 3):
            if len(word) > width:
                found += [
                    word[i : i + width]
                    for i in range(len(word) - width + 1)
                    if self.freq.get(word[i : i + width])
                ]
        return found
