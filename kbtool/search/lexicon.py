"""The small dictionaries a search needs, saved beside each index generation.

Per generation:
- `query-words.bin`: the KB's own terms (from titles and aliases) with the counts they were
  given when they were added to jieba's dictionary;
- `query.json`: jieba's total, words known only as aliases, pinyin key -> Chinese word
  (to show 'showing results for 宫外孕'), and the names of the shared files below.
Shared (in the folder holding the generations, named by library version):
- `zh-dict-*.bin`: jieba's dictionary (see `dictionary`); `pinyin-chars-*.txt`: readings of
  every character.

Queries are cut with jieba's full dictionary plus the KB's own terms, exactly as the index
was; opening all of it takes well under a tenth of a second, which keeps a cold search fast."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .dictionary import read_table, shared_table, with_prefixes, write_table

QUERY_WORDS = "query-words.bin"
QUERY_META = "query.json"


@dataclass(frozen=True)
class Lexicon:
    """What query analysis needs to know about the words in the index."""

    segdict: dict[str, int]
    total: int
    alias_only: frozenset[str]
    sounds: dict[str, str]
    chars: dict[str, tuple[str, ...]]

    def is_known_word(self, word: str) -> bool:
        """A real word (in jieba's dictionary or the entries' text), not only an alias spelling."""
        return bool(self.segdict.get(word)) and word not in self.alias_only


def write_text(path: Path, text: str) -> None:
    """Write atomically (temporary file, then rename)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_chars(path: Path, table: dict[str, tuple[str, ...]]) -> None:
    """Character readings as text: the characters on line one, then one line of readings each."""
    chars = sorted(table)
    write_text(path, "\n".join(["".join(chars)] + [",".join(table[c]) for c in chars]))


def read_chars(path: Path) -> dict[str, tuple[str, ...]]:
    """The readings file, read once per process: like the dictionary it never changes once written."""
    stat = path.stat()
    return _read_chars(path, (stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _read_chars(path: Path, stamp: tuple[int, int]) -> dict[str, tuple[str, ...]]:
    lines = path.read_text("utf-8").split("\n")
    return {char: tuple(readings.split(",")) for char, readings in zip(lines[0], lines[1:])}


def save_query_lexicon(
    generation: Path,
    words: dict[str, int],
    total: int,
    alias_only: set[str],
    sounds: dict[str, str],
    shared: dict[str, str],
) -> None:
    """Save the per-generation dictionaries; `shared` names the shared files (in the folder
    holding the generations) to use with them."""
    write_table(generation / QUERY_WORDS, with_prefixes(words))
    write_text(
        generation / QUERY_META,
        json.dumps(
            {"total": total, "alias_only": sorted(alias_only), "sounds": sounds, "shared": shared},
            ensure_ascii=False,
            sort_keys=True,
        ),
    )


def load_lexicon(generation: Path) -> Lexicon:
    """Load a generation's dictionaries together with the shared ones they name."""
    meta = json.loads((generation / QUERY_META).read_text("utf-8"))
    shared = meta["shared"]
    segdict = shared_table(generation.parent / shared["dict"])
    for word, count in read_table(generation / QUERY_WORDS).items():
        if count or word not in segdict:
            segdict[word] = count
    return Lexicon(
        segdict=segdict,
        total=meta["total"],
        alias_only=frozenset(meta["alias_only"]),
        sounds=meta["sounds"],
        chars=read_chars(generation.parent / shared["chars"]),
    )
