"""`Searcher`: opened once, answers many searches, safe to share between threads.

It reads whichever generation CURRENT names (see `store`) and, before each search, notices a
newly swapped generation and moves to it; a generation still in use by a running search is
closed only when that search ends. Each thread gets its own whoosh reader (they are not
thread-safe); the dictionaries and the cache of term scores are shared."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Any, Self

from ..config import KbConfig
from .index import META, WHOOSH_DIR
from .lexicon import load_lexicon
from .query import QueryAnalyzer
from .ranking import Ranked, rank
from .results import SearchResponse, SearchResult, build_result
from .scoring import TermScores
from .seal import Damaged, verify
from .store import IndexStore
from .tokens import clean

STORED_CACHE = 20_000
"""Documents per generation kept parsed in memory (a few KB each)."""


class IndexMissing(Exception):
    """There is no search index yet in the cache folder."""


class IndexDamaged(Exception):
    """Neither the current nor the previous index generation passes its check."""


class _Generation:
    """One open index generation, shared by every thread of a Searcher."""

    def __init__(self, path: Path) -> None:
        from whoosh import index as whoosh_index

        self.path = path
        self.index = whoosh_index.open_dir(str(path / WHOOSH_DIR))
        self.analyzer = QueryAnalyzer(load_lexicon(path))
        meta = json.loads((path / META).read_text("utf-8"))
        self.kb = Path(meta.get("kb", ""))
        self.scores = TermScores()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._readers: list[Any] = []
        self._filters: dict[tuple[Any, ...], frozenset[int] | None] = {}
        self._stored: dict[int, tuple[dict[str, Any], bool, str]] = {}
        self._users = 0
        self._retired = False

    def reader(self) -> Any:
        """This thread's whoosh reader of the generation."""
        found = getattr(self._local, "reader", None)
        if found is None:
            found = self.index.reader()
            self._local.reader = found
            with self._lock:
                self._readers.append(found)
        return found

    def allowed(self, key: tuple[Any, ...]) -> frozenset[int] | None:
        """Document numbers passing the filters (drafts, type, lang, specialty); None: all."""
        with self._lock:
            if key in self._filters:
                return self._filters[key]
        kind, lang, specialties, include_drafts = key
        wanted = [
            (name, (value,))
            for name, value in (("type", kind), ("lang", lang))
            if value is not None
        ]
        if specialties is not None:
            wanted.append(("specialty", specialties))  # any of the names for one specialty
        if not include_drafts:
            wanted.append(("reviewed", ("yes",)))
        docs: frozenset[int] | None = None
        for name, values in wanted:
            found = frozenset().union(
                *(self.scores.docs(self.reader(), name, value) for value in values)
            )
            docs = found if docs is None else docs & found
        with self._lock:
            self._filters[key] = docs
        return docs

    def stored(self, reader: Any, docnum: int) -> tuple[dict[str, Any], bool, str]:
        """A document's parsed payload, changed flag and file name. A generation never changes, so
        they are parsed once (profiling showed JSON decoding and path arithmetic per result)."""
        found = self._stored.get(docnum)
        if found is None:
            fields = reader.stored_fields(docnum)
            found = (
                json.loads(fields["data"]),
                bool(fields.get("changed")),
                self.file_of(fields.get("path", "")),
            )
            if len(self._stored) < STORED_CACHE:
                self._stored[docnum] = found
        return found

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self.close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            idle = self._users == 0
        if idle:
            self.close()

    def close(self) -> None:
        with self._lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()

    def file_of(self, relative: str) -> str:
        try:
            return os.path.relpath(self.kb / relative)
        except ValueError:
            return str(self.kb / relative)


class Searcher:
    """Searches the index in a cache folder; create once and reuse (it stays warm)."""

    def __init__(
        self, cache_dir: Path, *, due_soon_days: int = 30, config: KbConfig | None = None
    ) -> None:
        self.store = IndexStore.in_cache(cache_dir)
        self.due_soon_days = due_soon_days
        self.vocabulary = config or KbConfig()  # for --specialty: every name of one specialty
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._stamp: tuple[int, int] | None = None
        if not self.refresh():
            raise IndexMissing(f"no search index in {self.store.root}: run 'kbtool index'")

    def refresh(self) -> bool:
        """Move to a newly swapped index generation if there is one; False if there is no index."""
        stamp = self.store.pointer_stamp()
        if stamp is not None and stamp == self._stamp and self._generation is not None:
            return True
        with self._lock:
            stamp = self.store.pointer_stamp()
            if stamp == self._stamp and self._generation is not None:
                return True
            path = self.store.current()
            if path is None:
                return self._generation is not None
            if self._generation is None or self._generation.path != path:
                old, self._generation = self._generation, self._open(path)
                if old is not None and old is not self._generation:
                    old.retire()
            self._stamp = stamp
            return True

    def _open(self, current: Path) -> _Generation:
        """The current generation if it passes its seal, else the previous one if that does
        (see `seal`: nothing is read from a generation before it is checked)."""
        reasons = []
        for path in (current, self.store.previous()):
            if path is None:
                continue
            if self._generation is not None and self._generation.path == path:
                return self._generation
            try:
                verify(path)
                return _Generation(path)
            except Damaged as error:
                reasons.append(str(error))
            except Exception as error:  # noqa: BLE001 - sealed but unreadable: the same remedy
                reasons.append(f"{path} cannot be opened ({type(error).__name__}: {error})")
        raise IndexDamaged(
            f"the search index is damaged ({reasons[0]}): run 'kbtool index' to rebuild it"
        )

    def problem(self) -> str | None:
        """Why the open generation cannot be trusted any more (a cheap check of its files), or None."""
        generation = self._generation
        if generation is None:
            return "no search index is open"
        try:
            verify(generation.path, deep=False)
        except Damaged as error:
            return str(error)
        return None

    @property
    def generation(self) -> str:
        """Name of the generation searches use now."""
        return self._generation.path.name if self._generation else ""

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        type: str | None = None,
        lang: str | None = None,
        specialty: str | None = None,
        include_drafts: bool = False,
        today: dt.date,
    ) -> SearchResponse:
        """The best entries for `query` (any text is valid), best first."""
        self.refresh()
        generation = self._generation
        assert generation is not None
        generation.enter()
        try:
            return self._search(
                generation,
                clean(query),
                max(1, limit),
                type,
                lang,
                specialty,
                include_drafts,
                today,
            )
        finally:
            generation.leave()

    def _search(
        self,
        generation: _Generation,
        query: str,
        limit: int,
        kind: str | None,
        lang: str | None,
        specialty: str | None,
        include_drafts: bool,
        today: dt.date,
    ) -> SearchResponse:
        from .documents import specialty_key

        reader = generation.reader()
        plan = generation.analyzer.plan(query, reader)
        names = self.vocabulary.specialty_names(specialty) if specialty else None
        key = (
            kind,
            lang,
            tuple(sorted({specialty_key(name) for name in names})) if names else None,
            include_drafts,
        )
        language = (
            generation.scores.docs(reader, "lang", plan.lang_hint)
            if plan.lang_hint
            else frozenset()
        )
        ranked = rank(
            reader,
            generation.scores,
            plan,
            limit=limit,
            allowed=generation.allowed(key),
            language_docs=language,
        )
        results = [self._result(generation, reader, item, today) for item in ranked]
        return SearchResponse(
            query=query,
            corrected=plan.corrected,
            results=results,
            coverage=max((item.coverage for item in ranked), default=0.0),
            topical=max((item.topical for item in ranked), default=0.0),
        )

    def _result(
        self, generation: _Generation, reader: Any, item: Ranked, today: dt.date
    ) -> SearchResult:
        data, changed, file = generation.stored(reader, item.docnum)
        shows = {term.show for term in item.terms if term.show}
        matched = sorted({term.word for term in item.terms if term.word})
        return build_result(
            data,
            changed=changed,
            score=item.score,
            all_words=item.all_words,
            shows=shows,
            matched=matched,
            today=today,
            due_soon_days=self.due_soon_days,
            file=file,
        )

    def close(self) -> None:
        with self._lock:
            if self._generation is not None:
                self._generation.retire()
                self._generation = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
