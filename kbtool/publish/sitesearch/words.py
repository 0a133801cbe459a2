"""Index-time words: jieba for Chinese (with the entries' own names kept whole), plain lower-case
words for English. The browser never sees jieba: it gets the resulting vocabulary, with each
Chinese word's dictionary count, and cuts queries over that (`search.js`, `segment`)."""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Iterable
from typing import Any

from ...search.tokens import EN_STOPWORDS, ZH_STOPWORDS, normalize, runs

MAX_NAME_CHARS = 8
"""Longest Chinese piece of a title or alias kept whole as one word (e.g. 异位妊娠, 红眼病)."""


def _jieba() -> Any:
    """jieba, imported without its pkg_resources lookup and its start-up chatter."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # jieba falls back
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


class Words:
    """Cuts text into index words; `add_names` first, so names stay whole."""

    def __init__(self) -> None:
        self._jieba = _jieba().Tokenizer()
        self._jieba.initialize()
        self.names: set[str] = set()
        self._classes: dict[str, int] = {}

    @property
    def total(self) -> int:
        """jieba's total count: the browser needs it to weigh words the same way."""
        return int(self._jieba.total)

    def add_names(self, names: Iterable[str]) -> None:
        """Keep the Chinese pieces of titles and aliases whole (as jieba user words)."""
        found = set()
        for name in names:
            for run in runs(normalize(name)):
                if run.kind != "han" or not 2 <= len(run.text) <= MAX_NAME_CHARS:
                    continue
                pieces = self._jieba.lcut(run.text, HMM=False)
                while pieces and pieces[-1] in ZH_STOPWORDS:  # 药流后 -> 药流
                    pieces.pop()
                while pieces and pieces[0] in ZH_STOPWORDS:
                    pieces.pop(0)
                if len(pieces) > 1 and not any(piece in ZH_STOPWORDS for piece in pieces):
                    found.add("".join(pieces))
        log_total = math.log2(self.total)
        for word in sorted(found - self.names):
            pieces = self._jieba.lcut(word, HMM=False)
            self._jieba.add_word(word)
            # the count class must keep the name whole when the browser cuts a query, despite
            # rounding: above the classes of its pieces, as probabilities (`search.js`)
            split = sum(self.count_class(piece) for piece in pieces) - (len(pieces) - 1) * log_total
            self._classes[word] = min(63, max(self.count_class(word), math.ceil(split) + 1))
        self.names |= found

    def count_class(self, word: str) -> int:
        """A Chinese word's dictionary count as a small number: round(log2(count)), 0..63."""
        if word in self._classes:
            return self._classes[word]
        count = self._jieba.FREQ.get(word) or 0
        return max(0, min(63, round(math.log2(count)))) if count > 0 else 0

    def words(self, text: str) -> list[str]:
        """Index words of a text: jieba search-mode words and English words, no stopwords.

        jieba gets the whole text at once (it splits off punctuation and Latin words itself,
        and one call per text is several times faster than one per Chinese run); its pieces
        are then split by script the way queries are (`runs`)."""
        found: list[str] = []
        for piece in self._jieba.cut_for_search(normalize(text), HMM=False):
            for run in runs(piece):
                if run.kind == "han":
                    if run.text not in ZH_STOPWORDS:
                        found.append(run.text)
                elif run.text not in EN_STOPWORDS and (len(run.text) > 1 or run.text.isdigit()):
                    found.append(run.text)
        return found
