"""jieba's dictionary in a file format that opens fast.

jieba's dictionary (349,000 words plus their prefixes) loads from jieba's own cache in about a
second. Here it is one sorted UTF-8 text of words plus an array of counts, written once from
jieba's `dict.txt` into the cache folder as `zh-dict-<jieba version>.bin`. Loaded as a dict
(`read_table`, for full index builds) it takes about a third of a second; opened as a
`SortedTable` (binary search, for queries and small updates) well under a tenth."""

from __future__ import annotations

import array
import bisect
import functools
import importlib.util
import os
from importlib import metadata
from pathlib import Path
from typing import Any


def write_table(path: Path, table: dict[str, int]) -> None:
    """Save word -> count: [count of words][int32 counts][words joined by newlines]. Atomic."""
    words = sorted(table)
    counts = array.array("i", (min(table[w], 2**31 - 1) for w in words))
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(len(words).to_bytes(4, "little"))
        handle.write(counts.tobytes())
        handle.write("\n".join(words).encode("utf-8"))
    os.replace(temporary, path)


def _read_columns(path: Path) -> tuple[list[str], array.array[int]]:
    data = path.read_bytes()
    size = int.from_bytes(data[:4], "little")
    counts = array.array("i")
    counts.frombytes(data[4 : 4 + 4 * size])
    words = data[4 + 4 * size :].decode("utf-8").split("\n") if size else []
    return words, counts


@functools.lru_cache(maxsize=4)
def _shared_columns(path: Path, stamp: tuple[int, int]) -> tuple[list[str], array.array[int]]:
    return _read_columns(path)


def shared_table(path: Path) -> SortedTable:
    """A SortedTable over a file that never changes once written (named by jieba's version): its
    columns are read once per process and shared, so opening a new index generation stays cheap."""
    stat = path.stat()
    return SortedTable(path, _shared_columns(path, (stat.st_size, stat.st_mtime_ns)))


def read_table(path: Path) -> dict[str, int]:
    """The whole table as a dict (about 0.3 s for jieba's dictionary: for full builds)."""
    words, counts = _read_columns(path)
    return dict(zip(words, counts))


class SortedTable(dict):  # type: ignore[type-arg]
    """A read-mostly word table looked up by binary search over the sorted file columns.

    Loads in a fraction of the time `read_table` needs, at the price of slower lookups: right
    for re-indexing a handful of entries. Words added later (jieba's add_word) are kept in the
    dict itself, which every lookup checks first."""

    def __init__(
        self, path: Path, columns: tuple[list[str], array.array[int]] | None = None
    ) -> None:
        super().__init__()
        self._words, self._counts = columns if columns is not None else _read_columns(path)

    def _find(self, word: str) -> int | None:
        at = bisect.bisect_left(self._words, word)
        if at < len(self._words) and self._words[at] == word:
            return self._counts[at]
        return None

    def __contains__(self, word: object) -> bool:
        return dict.__contains__(self, word) or (
            isinstance(word, str) and self._find(word) is not None
        )

    def __getitem__(self, word: str) -> int:
        if dict.__contains__(self, word):
            return int(dict.__getitem__(self, word))
        found = self._find(word)
        if found is None:
            raise KeyError(word)
        return found

    def get(self, word: str, default: Any = None) -> Any:  # type: ignore[override]
        if dict.__contains__(self, word):
            return dict.__getitem__(self, word)
        found = self._find(word)
        return default if found is None else found

    def total(self) -> int:
        return sum(self._counts) + sum(dict.values(self))


def with_prefixes(words: dict[str, int]) -> dict[str, int]:
    """The words plus every prefix of each (count 0 unless it is a word): jieba's prefix dictionary."""
    table = dict(words)
    for word in words:
        for end in range(1, len(word)):
            table.setdefault(word[:end], 0)
    return table


def jieba_version() -> str:
    return metadata.version("jieba")


def jieba_dict_file() -> Path:
    """jieba's main dictionary, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed: pip install jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _read_jieba_dict() -> dict[str, int]:
    words: dict[str, int] = {}
    with open(jieba_dict_file(), encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                words[parts[0]] = int(parts[1])
    return words


def dictionary_file(root: Path) -> Path:
    """The dictionary file in `root`, written from jieba's dict.txt if missing."""
    path = root / f"zh-dict-{jieba_version()}.bin"
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        write_table(path, with_prefixes(_read_jieba_dict()))
    return path


def total_of(table: dict[str, int]) -> int:
    """Sum of the counts (prefixes count 0): jieba's `total`."""
    return sum(table.values())
