"""Build the search index, or bring it up to date by re-indexing only the entries that changed.

`ensure_index(kb, cache_dir)` is the whole story: scan the entry files -> compare with the
manifest of the current generation -> (nothing changed: done) -> load the changed entries ->
analyse -> write a new generation (a copy of the current one with those documents replaced,
or a full build) -> save its dictionaries and manifest -> swap it in atomically (see `store`).

Which entries are searchable: an entry that cannot be read or does not match the schema is
left out of the index (it cannot be shown safely) and reported; an entry with other errors
(review dates, id/file name, markup) is indexed and its results carry those problems so staff
see a warning. Cross-entry checks (duplicate ids, broken links) are left to `kbtool check`."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Entry, Problem
from .manifest import (
    MANIFEST,
    Changes,
    Manifest,
    diff,
    file_hash,
    read_manifest,
    scan,
    write_manifest,
)
from .schema import build_schema
from .seal import Damaged, seal, verify
from .store import IndexStore
from .tokens import normalize

WHOOSH_DIR = "whoosh"
FEW_CHANGES = 50
"""Up to this many changed entries, jieba's dictionary is opened for quick lookups, not loaded."""
META = "meta.json"


@dataclass
class IndexReport:
    """What `ensure_index` did, and which entries are not (or not cleanly) searchable."""

    generation: Path | None
    entries: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reindexed: list[str] = field(default_factory=list)
    rebuilt: bool = False
    skipped: list[Problem] = field(default_factory=list)
    flagged: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    repaired: str | None = None
    """Why the index found on disk was not used (damaged or not kbtool's), when it was replaced."""

    @property
    def updated(self) -> bool:
        """True when a new generation was written and swapped in."""
        return self.rebuilt or bool(self.reindexed or self.removed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation.name if self.generation else None,
            "entries": self.entries,
            "rebuilt": self.rebuilt,
            "updated": self.updated,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "reindexed": len(self.reindexed),
            "seconds": round(self.seconds, 3),
            "skipped": [p.as_dict() for p in self.skipped],
            "flagged": [p.as_dict() for p in self.flagged],
            "repaired": self.repaired,
        }


def ensure_index(
    kb: Path, cache_dir: Path, *, rebuild: bool = False, lock_timeout: float = 60.0
) -> IndexReport:
    """Make the index in `cache_dir` match the entries in `kb` (a full build with `rebuild`)."""
    started = time.perf_counter()
    store = IndexStore.in_cache(cache_dir)
    with store.lock(lock_timeout):
        report = _ensure(kb, store, rebuild)
        store.cleanup()
    report.seconds = time.perf_counter() - started
    return report


def _ensure(kb: Path, store: IndexStore, rebuild: bool) -> IndexReport:
    files = scan(kb)
    if rebuild:
        return _Build(kb, store).full(files)
    current = store.current()
    damage = None
    if current is not None:
        found = _trusted(current, kb)
        if isinstance(found, Manifest):
            return _update(kb, store, files, current, found)
        damage = found
        previous = store.previous()
        fallback = _trusted(previous, kb) if previous is not None else None
        if previous is not None and isinstance(fallback, Manifest):
            report = _update(kb, store, files, previous, fallback, repair=True)
            report.repaired = f"{damage}; rebuilt from the previous index"
            return report
        store.discard_shared()
    report = _Build(kb, store).full(files)
    if damage is not None:
        report.repaired = f"{damage}; rebuilt from the entries"
    return report


def _trusted(generation: Path, kb: Path) -> Manifest | str:
    """The generation's manifest when the generation passes its seal, else why it does not."""
    try:
        verify(generation)
    except Damaged as error:
        return str(error)
    manifest = read_manifest(generation, kb)
    if manifest is None:
        return f"{generation / MANIFEST} is missing, damaged or from another version"
    return manifest


def _update(
    kb: Path,
    store: IndexStore,
    files: dict[str, tuple[int, int]],
    base: Path,
    manifest: Manifest,
    *,
    repair: bool = False,
) -> IndexReport:
    changes = diff(kb, files, manifest)
    if not changes and not repair:
        if changes.touched:
            for relative, (size, mtime) in changes.touched.items():
                manifest.entries[relative].update(size=size, mtime_ns=mtime)
            write_manifest(base, manifest)
        return _report(base, manifest, changes)
    few = len(changes.added) + len(changes.changed) <= FEW_CHANGES
    return _Build(kb, store, few=few).incremental(files, base, manifest, changes, repair=repair)


def _report(generation: Path, manifest: Manifest, changes: Changes | None = None) -> IndexReport:
    report = IndexReport(generation)
    for record in manifest.entries.values():
        problems = [Problem(**p) for p in record.get("problems", [])]
        if record.get("indexed"):
            report.entries += 1
            report.flagged += problems
        else:
            report.skipped += problems
    if changes is not None:
        report.added, report.changed, report.removed = (
            changes.added,
            changes.changed,
            changes.removed,
        )
    return report


class _Build:
    """One index build: loads entries, analyses them and writes a new generation."""

    def __init__(self, kb: Path, store: IndexStore, *, few: bool = False) -> None:
        from .analysis import DocumentAnalyzer

        self.kb, self.store = kb, store
        self.analyzer = DocumentAnalyzer(store.root, few=few)
        self.loaded: dict[str, Entry] = {}

    def full(self, files: dict[str, tuple[int, int]]) -> IndexReport:
        manifest = Manifest(kb=str(self.kb.resolve()))
        for relative, stat in files.items():
            manifest.entries[relative] = self._load(relative, stat, file_hash(self.kb / relative))
        self.analyzer.add_user_words(manifest.user_words())
        generation = self.store.new_generation()
        from whoosh import index as whoosh_index

        (generation / WHOOSH_DIR).mkdir()
        ix = whoosh_index.create_in(str(generation / WHOOSH_DIR), build_schema())
        writer = ix.writer(limitmb=64)
        for relative in sorted(self.loaded):
            writer.add_document(**self._document(relative, manifest))
        writer.commit()
        report = self._finish(generation, ix, manifest, Changes(added=sorted(files)))
        report.rebuilt, report.reindexed = True, sorted(self.loaded)
        return report

    def incremental(
        self,
        files: dict[str, tuple[int, int]],
        current: Path,
        old: Manifest,
        changes: Changes,
        *,
        repair: bool = False,
    ) -> IndexReport:
        manifest = Manifest(
            kb=old.kb,
            entries={k: dict(v) for k, v in old.entries.items() if k not in changes.removed},
        )
        for relative, (size, mtime) in changes.touched.items():
            manifest.entries[relative].update(size=size, mtime_ns=mtime)
        for relative in changes.added + changes.changed:
            digest = changes.hashes.get(relative) or file_hash(self.kb / relative)
            manifest.entries[relative] = self._load(relative, files[relative], digest)
        affected = self._dictionary_affected(old, manifest, changes)
        for relative in affected:
            record = manifest.entries[relative]
            manifest.entries[relative] = self._load(relative, files[relative], record["sha256"])
        self.analyzer.add_user_words(manifest.user_words())
        generation = self.store.new_generation()
        shutil.copytree(current / WHOOSH_DIR, generation / WHOOSH_DIR)
        from whoosh import index as whoosh_index

        ix = whoosh_index.open_dir(str(generation / WHOOSH_DIR))
        writer = ix.writer(limitmb=64)
        for relative in changes.removed + changes.changed + affected:
            writer.delete_by_term("path", relative)
        for relative in sorted(self.loaded):
            writer.add_document(**self._document(relative, manifest))
        writer.commit()
        report = self._finish(
            generation, ix, manifest, changes, previous=current.name if repair else None
        )
        report.reindexed = sorted(self.loaded)
        report.rebuilt = repair
        return report

    def _dictionary_affected(self, old: Manifest, new: Manifest, changes: Changes) -> list[str]:
        """Unchanged entries whose text contains a word that joined or left the KB's dictionary:
        they were cut into words differently, so they are re-indexed too."""
        delta = old.user_words() ^ new.user_words()
        if not delta:
            return []
        skip = set(changes.added) | set(changes.changed)
        affected = []
        for relative, record in sorted(new.entries.items()):
            if relative in skip or not record.get("indexed"):
                continue
            try:
                text = normalize((self.kb / relative).read_text("utf-8", errors="replace"))
            except OSError:
                continue
            if any(word in text for word in delta):
                affected.append(relative)
        return affected

    def _load(self, relative: str, stat: tuple[int, int], digest: str) -> dict[str, Any]:
        """Read and check one entry file; return its manifest record (entry kept if indexable)."""
        from ..consistency import entry_problems
        from ..loader import display_path, load_entry
        from ..validate import schema_problems

        path = self.kb / relative
        folder = relative.split("/", 1)[0]
        entry, problems = load_entry(
            path, folder=folder, shown=os.path.join(display_path(self.kb), relative), root=self.kb
        )
        indexed = False
        terms: list[str] = []
        if entry is not None:
            problems = [p for p in schema_problems(entry) if p.severity == "error"]
            if not problems:
                indexed = True
                problems = [p for p in entry_problems(entry, None) if p.severity == "error"]
                terms = self.analyzer.term_candidates(entry.data)
                # keep only what indexing needs: the source text and positions are dropped
                self.loaded[relative] = Entry(
                    path=entry.path,
                    file=entry.file,
                    folder=entry.folder,
                    data=entry.data,
                    source="",
                )
        return {
            "sha256": digest,
            "size": stat[0],
            "mtime_ns": stat[1],
            "id": entry.id if entry else Path(relative).stem,
            "indexed": indexed,
            "terms": terms,
            "sounds": [],
            "problems": [p.as_dict() for p in problems],
        }

    def _document(self, relative: str, manifest: Manifest) -> dict[str, Any]:
        from .documents import document

        entry = self.loaded[relative]
        record = manifest.entries[relative]
        analysed = self.analyzer.analyse(entry.data)
        record["sounds"] = [list(sound) for sound in analysed.sounds]
        messages = [p["message"] for p in record["problems"]]
        return document(entry, relative, analysed, messages)

    def _finish(
        self,
        generation: Path,
        ix: Any,
        manifest: Manifest,
        changes: Changes,
        previous: str | None = None,
    ) -> IndexReport:
        """Save dictionaries, manifest and meta beside the index, seal it, then swap it in."""
        from .lexicon import save_query_lexicon

        frequencies = self.analyzer.frequencies(self.analyzer.user_words)
        sounds, alias_only = _sound_map(manifest)
        shared = self._shared_files()
        save_query_lexicon(generation, frequencies, self.analyzer.total, alias_only, sounds, shared)
        write_manifest(generation, manifest)
        indexed = sum(1 for record in manifest.entries.values() if record.get("indexed"))
        (generation / META).write_text(json.dumps({"kb": manifest.kb, "entries": indexed}), "utf-8")
        seal(generation, shared)
        self.store.publish(generation, previous)
        return _report(generation, manifest, changes)

    def _shared_files(self) -> dict[str, str]:
        """The shared dictionaries (written once per library version)."""
        self.analyzer.save()
        return {"dict": self.analyzer.dictionary_file.name, "chars": self.analyzer.chars_file.name}


def _sound_map(manifest: Manifest) -> tuple[dict[str, str], set[str]]:
    """Pinyin key -> the Chinese word to show for it, and the words known only as aliases.

    For a key, a word from an entry's own text beats an alias-only spelling, a title word
    beats an alias, then the word most entries use, then the first in sort order."""
    votes: dict[str, dict[str, tuple[bool, int, int]]] = {}
    careful_words: set[str] = set()
    alias_words: set[str] = set()
    for record in manifest.entries.values():
        for key, word, priority, careful in record.get("sounds", []):
            (careful_words if careful else alias_words).add(word)
            was_careful, best, count = votes.setdefault(key, {}).get(word, (False, 0, 0))
            votes[key][word] = (was_careful or careful, max(best, priority), count + 1)
    chosen = {
        key: min(
            words.items(), key=lambda item: (not item[1][0], -item[1][1], -item[1][2], item[0])
        )[0]
        for key, words in votes.items()
    }
    return chosen, alias_words - careful_words
