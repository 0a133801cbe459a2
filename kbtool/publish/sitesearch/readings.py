"""Pinyin readings of Chinese characters for the browser, so that a query typed in pinyin
(gongwaiyun, gwy) or with a homophone typo (宫外运) finds the word it sounds like.

The table covers the 3,755 common characters of GB 2312 level 1 plus every character of the
index's words. It is grouped by syllable (syllable -> characters), which is about a third of
the size of character -> readings: `p` holds each character's main reading, `s` a second one
for characters read two ways (血 xue/xie)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ...search.pinyin import char_table


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """GB 2312 level 1: the 3,755 most common simplified characters."""
    found = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                found.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(found)


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    return char_table()


def reading_table(words: Iterable[str]) -> dict[str, dict[str, str]]:
    """{"p": syllable -> characters (main reading), "s": syllable -> characters (second one)}."""
    table = _table()
    chars = set(common_chars())
    for word in words:
        chars.update(char for char in word if char in table)
    groups: dict[str, dict[str, list[str]]] = {"p": {}, "s": {}}
    for char in sorted(chars):
        readings = table.get(char, ())
        for key, reading in zip(("p", "s"), readings[:2]):
            groups[key].setdefault(reading, []).append(char)
    return {
        key: {syllable: "".join(chars) for syllable, chars in sorted(group.items())}
        for key, group in groups.items()
    }
