"""Index-time analysis of one entry: jieba words, English stems, character pairs and pinyin keys.

Everything here runs when the index is built, never while a query is answered. The output of
`analyse` is plain text per index field (terms separated by spaces), which whoosh indexes with
its simple space tokenizer, so the index itself holds no custom code."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fields import index_texts
from . import pinyin
from .tokens import ZH_STOPWORDS, english_terms, han_bigrams, normalize, runs

MAX_TERM_CHARS = 8
"""Longest title or alias piece added to jieba's dictionary as one word."""
MAX_READINGS = 4
"""Most pinyin spellings indexed per name word (polyphonic characters give several)."""
MAX_CACHED_RUNS = 200_000
"""Most Chinese runs whose words `DocumentAnalyzer.words` keeps (a few MB); past it, it starts over."""


@dataclass
class Analysed:
    """One entry as index terms, plus what it adds to the knowledge base's dictionaries."""

    fields: dict[str, str]
    sounds: list[tuple[str, str, int, bool]] = field(default_factory=list)
    """(pinyin key, Chinese word, priority, careful) for each name word: lets a pinyin query or
    a homophone typo be shown as the right Chinese word. `careful` is true when the word also
    occurs in the entry's own text (title, question, summary, body): aliases are where authors
    list misspellings (宫外运), so an alias-only word is never offered as a correction."""


def text_of(value: Any) -> str:
    """All strings inside a value (lists and mappings flattened), one per line."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(text_of(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(text_of(item) for item in value.values())
    return "" if value is None else str(value)


def name_texts(data: dict[str, Any]) -> list[str]:
    """The title and every alias: the names an entry is known by."""
    aliases = data.get("aliases")
    names = [text_of(data.get("title"))]
    if isinstance(aliases, list):
        names += [text_of(alias) for alias in aliases]
    return [name for name in names if name.strip()]


def quiet_jieba() -> Any:
    """Import jieba with its 'Building prefix dict...' chatter switched off.

    jieba imports pkg_resources only to locate its own data files, and falls back to plain
    file paths without it; importing pkg_resources costs about 0.3 s (and a deprecation
    warning), so it is hidden for the duration of jieba's import when nothing loaded it yet."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


class DocumentAnalyzer:
    """jieba (its full dictionary plus the KB's own terms) and pinyin, loaded once per index build.

    jieba's dictionary is read from the fast file made by `dictionary` (kept in `root`), and
    pinyin of names is cached in `root` so most updates never import pypinyin."""

    def __init__(self, root: Path, *, few: bool = False) -> None:
        """`few`: only a few entries will be analysed, so load the dictionary as a sorted table
        (fast to open, slower to search) instead of a dict; both give the same words."""
        from .dictionary import dictionary_file, read_table, shared_table, total_of

        jieba = quiet_jieba()
        full = self.dictionary_file = dictionary_file(root)
        self._jieba = jieba.Tokenizer()
        if few:
            table = shared_table(full)
            self._jieba.FREQ, self._jieba.total = table, table.total()
        else:
            self._jieba.FREQ = read_table(full)
            self._jieba.total = total_of(self._jieba.FREQ)
        self._jieba.initialized = True
        self.user_words: set[str] = set()
        self._run_words: dict[str, list[str]] = {}
        self._sounds = _SoundCache(root / f"pinyin-words-{_version('pypinyin')}.json")
        self.chars_file = root / f"pinyin-chars-{_version('pypinyin')}.txt"
        self._chars = _char_table(self.chars_file)

    @property
    def total(self) -> int:
        """jieba's total count (the KB's own terms included): the query side needs the same."""
        return int(self._jieba.total)

    def save(self) -> None:
        """Keep newly seen pinyin for next time."""
        self._sounds.save()

    def term_candidates(self, data: dict[str, Any]) -> list[str]:
        """Pieces of the title and aliases that should stay whole words (e.g. 异位妊娠, 红眼病)."""
        found = set()
        for name in name_texts(data):
            for run in runs(normalize(name)):
                if run.kind != "han" or not 2 <= len(run.text) <= MAX_TERM_CHARS:
                    continue
                pieces = self._jieba.lcut(run.text, HMM=False)
                if len(pieces) > 1 and not any(piece in ZH_STOPWORDS for piece in pieces):
                    found.add(run.text)
        return sorted(found)

    def add_user_words(self, words: Iterable[str]) -> None:
        new = sorted(set(words) - self.user_words)
        for word in new:
            self._jieba.add_word(word)
            self.user_words.add(word)
        if new:  # runs may now be cut differently
            self._run_words.clear()

    def frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """jieba's count for each known word (the KB's own terms included)."""
        freq = self._jieba.FREQ
        return {word: int(freq.get(word)) for word in words if freq.get(word)}

    def words(self, text: str) -> list[str]:
        """Search terms of a text: jieba search-mode words (stopwords dropped) and English stems."""
        terms: list[str] = []
        for run in runs(normalize(text)):
            if run.kind == "latin":
                terms += english_terms(run.text)
            else:
                terms += self._han_words(run.text)
        return terms

    def _han_words(self, run: str) -> list[str]:
        """jieba's search-mode words of one Chinese run, stopwords dropped. Kept per run: the
        same phrases recur across entries (headings, red flags, "立即拨打120"), and cutting is
        most of the cost of a build."""
        found = self._run_words.get(run)
        if found is None:
            if len(self._run_words) >= MAX_CACHED_RUNS:
                self._run_words.clear()
            found = self._run_words[run] = [
                w for w in self._jieba.cut_for_search(run, HMM=False) if w not in ZH_STOPWORDS
            ]
        return found

    def analyse(self, data: dict[str, Any]) -> Analysed:
        """Index-field text for one entry's data."""
        pieces = {
            name: [text for _item, text in texts]
            for name, texts in index_texts(data, "staff_index").items()
        }
        title, question, summary, flag_text, body = (
            "\n".join(pieces.get(name, []))
            for name in ("title", "question", "summary", "flags", "body")
        )
        aliases = pieces.get("alias", [])
        fields = {
            "title": self.words(title),
            "alias": [term for alias in aliases for term in self.words(alias)],
            "question": self.words(question),
            "summary": self.words(summary),
            "flags": self.words(flag_text),
            "body": self.words(body),
            "gram": [],
            "py": [],
            "pyi": [],
            "py2": [],
            "spell": [],
        }
        sounds: list[tuple[str, str, int, bool]] = []
        careful = normalize(f"{title}\n{question}\n{summary}\n{flag_text}\n{body}")
        for priority, name in [(3, title)] + [(2, alias) for alias in aliases] + [(1, question)]:
            self._name_sounds(name, priority, fields, sounds, careful)
        everything = "\n".join([title, *aliases, question, summary, flag_text, body])
        fields["spell"] = sorted(
            {
                run.text
                for run in runs(normalize(everything))
                if run.kind == "latin" and run.text.isalpha() and len(run.text) >= 3
            }
        )
        return Analysed({name: " ".join(terms) for name, terms in fields.items()}, sounds)

    def _name_sounds(
        self,
        name: str,
        priority: int,
        fields: dict[str, list[str]],
        sounds: list[tuple[str, str, int, bool]],
        careful: str,
    ) -> None:
        """Character pairs and pinyin keys of a title, alias or question."""
        for run in runs(normalize(name)):
            if run.kind != "han":
                continue
            fields["gram"] += han_bigrams(run.text)
            readings = self._readings(run.text)
            for first in range(len(readings) - 1):
                for pair in pinyin.variants(readings[first : first + 2], MAX_READINGS):
                    fields["py2"] += pinyin.bigrams(list(pair))
            if priority == 1:  # questions: pairs only, their words are not names
                continue
            words = {w for w in self._jieba.lcut(run.text, HMM=False) if len(w) >= 2}
            if len(run.text) <= pinyin.MAX_KEY_SYLLABLES:
                words.add(run.text)
            for word in sorted(words):
                options = self._readings(word)
                if len(options) != len(word) or not 2 <= len(options) <= pinyin.MAX_KEY_SYLLABLES:
                    continue
                fields["pyi"].append(pinyin.initials([option[0] for option in options]))
                for syllables in pinyin.variants(options, MAX_READINGS):
                    full = pinyin.key(syllables)
                    fields["py"].append(full)
                    sounds.append((full, word, priority, word in careful))

    def _readings(self, text: str) -> list[tuple[str, ...]]:
        """Readings of each character: pypinyin's reading in this word first, then the
        character's other common readings (血: 'xie' in 出血 for pypinyin, but staff type 'xue')."""
        phrase = self._sounds.of(text)
        if len(phrase) != len(text):
            return []
        return [
            tuple(dict.fromkeys((syllable, *self._chars.get(char, ())[:2])))
            for syllable, char in zip(phrase, text)
        ]


def _char_table(path: Path) -> dict[str, tuple[str, ...]]:
    """Character readings from the shared file, written first if missing."""
    from .lexicon import read_chars, write_chars

    if not path.exists():
        write_chars(path, pinyin.char_table())
    return read_chars(path)


def _version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


class _SoundCache:
    """Pinyin of names, remembered between builds (pypinyin is imported only for new words)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.known: dict[str, tuple[str, ...]] = {}
        self.dirty = False
        try:
            self.known = {w: tuple(s) for w, s in json.loads(path.read_text("utf-8")).items()}
        except (OSError, ValueError, AttributeError):
            self.known = {}

    def of(self, word: str) -> tuple[str, ...]:
        found = self.known.get(word)
        if found is None:
            found = self.known[word] = pinyin.word_syllables(word)
            self.dirty = True
        return found

    def save(self) -> None:
        if self.dirty:
            from .lexicon import write_text

            write_text(
                self.path,
                json.dumps({w: list(s) for w, s in sorted(self.known.items())}, ensure_ascii=False),
            )
            self.dirty = False
