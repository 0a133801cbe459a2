"""Query analysis: what staff typed -> words, index terms, and any correction to show.

A query is cut into *units* (Chinese words, English or pinyin words). Each unit becomes index
terms in several fields (the word, the shorter words inside it, stems); Chinese runs also give
character pairs, and the whole query is read as pinyin so a pinyin key can match a title or
alias by sound. When a span was matched by sound rather than by spelling (宫外运, gongwaiyun)
or an English word was respelled (pregancy), the correction is applied and reported.

Only terms that exist in the index are kept, so any text at all gives a small, valid query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from . import pinyin
from .lexicon import Lexicon
from .schema import FIELD_WEIGHTS, NAME_FIELDS, WORD_FIELDS
from .segment import Segmenter
from .tokens import (
    EN_STOPWORDS,
    MAX_QUERY_CHARS,
    ZH_STOPWORDS,
    english_terms,
    normalize_mapped,
    runs,
)

TOPICAL_FIELDS = frozenset({"title", "alias", "question", "summary", "py", "pyi"})
SUBWORD_FACTOR = 0.6
"""Shorter words inside a query word count this much of the whole word."""
KNOWN_SOUND_FACTOR = 0.3
"""A match by sound counts this much when the words typed were already real words."""
CORRECTED_FACTOR = 0.9
SINGLE_CHAR_FACTOR = 0.5
"""A one-character Chinese word is weak evidence (个, 痛, 下 occur everywhere): half weight."""
MAX_SYLLABLES = 30
MAX_SPELLED = 24
"""Longer 'words' (a held-down key) are not respelled."""
MAX_VARIANTS = 4


class TermIndex(Protocol):
    """What query analysis asks of the index: does a term exist, and close spellings."""

    def __contains__(self, term: tuple[str, str]) -> bool: ...

    def terms_within(self, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> Any: ...

    def doc_frequency(self, fieldname: str, text: str) -> int: ...


@dataclass(frozen=True)
class Unit:
    """One word of the query, with its place in the normalised query text."""

    text: str
    start: int
    end: int
    kind: str  # "han" or "latin"

    @property
    def stopword(self) -> bool:
        return self.text in (ZH_STOPWORDS if self.kind == "han" else EN_STOPWORDS)

    @property
    def major(self) -> bool:
        """Counts as one of the query's words ('all words matched'); single characters and
        numbers (39 度, 72 小时) do not."""
        return not self.stopword and len(self.text) >= 2 and not self.text.isdigit()


@dataclass(frozen=True)
class PlanTerm:
    """One index term to look for, which query units it stands for, and what to highlight."""

    field: str
    text: str
    boost: float
    units: frozenset[int]
    show: str = ""
    """Text to highlight in results ('' for none); English stems are prefixed with '~'."""
    word: str = ""
    """The query word this term stands for, as listed in a result's `matched` ('' to leave out)."""
    strong: frozenset[int] = frozenset()
    """Units this term matches as whole words (the word itself, its corrected form, its pinyin);
    for the others it is partial evidence (a shorter word inside, a character pair, a sound pair)."""

    @property
    def topical(self) -> bool:
        """A match in an entry's names or approved answer, not a passing mention in its body."""
        return self.field in TOPICAL_FIELDS


@dataclass
class QueryPlan:
    """The analysed query: units, the terms to search, and the correction shown to staff."""

    text: str
    units: list[Unit] = field(default_factory=list)
    terms: list[PlanTerm] = field(default_factory=list)
    corrected: str | None = None
    lang_hint: str | None = None

    @property
    def major_units(self) -> list[int]:
        """Indexes of the units that count as the query's words (every content word if all are short)."""
        major = [i for i, unit in enumerate(self.units) if unit.major]
        if major:
            return major
        return [i for i, unit in enumerate(self.units) if not unit.stopword]


@dataclass(frozen=True)
class _Syllable:
    readings: tuple[str, ...]
    start: int
    end: int
    unit: int
    opens: bool = True
    """First syllable of what was typed as one word (always true for a Chinese character)."""
    closes: bool = True


class QueryAnalyzer:
    """Turns query text into a QueryPlan using a generation's lexicon and index."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.segmenter = Segmenter(lexicon.segdict, lexicon.total)

    def plan(self, query: str, index: TermIndex) -> QueryPlan:
        text, origin = normalize_mapped(query[: MAX_QUERY_CHARS * 2])
        text = text[:MAX_QUERY_CHARS]
        plan = QueryPlan(text=text, units=self._units(text))
        terms: dict[tuple[str, str], PlanTerm] = {}
        found = {
            position
            for position, unit in enumerate(plan.units)
            if not unit.stopword and self._word_terms(unit, position, index, terms)
        }
        self._gram_terms(plan, index, terms, found)
        replacements = self._sound_terms(plan, index, terms, found)
        replacements += self._spelling(plan, index, terms, replacements)
        plan.terms = sorted(terms.values(), key=lambda t: (t.field, t.text))
        plan.corrected = _apply(
            query, [(origin[s], origin[e], word) for s, e, word in replacements]
        )
        plan.lang_hint = _language(plan, terms)
        return plan

    def _units(self, text: str) -> list[Unit]:
        units = []
        for run in runs(text):
            if run.kind == "latin":
                units.append(Unit(run.text, run.start, run.end, "latin"))
                continue
            for start, end in self.segmenter.cut(run.text):
                units.append(Unit(run.text[start:end], run.start + start, run.start + end, "han"))
        return units

    def _word_terms(
        self,
        unit: Unit,
        position: int,
        index: TermIndex,
        terms: dict[tuple[str, str], PlanTerm],
        factor: float = 1.0,
    ) -> bool:
        """Terms for one query word; True when the word itself is in the index.

        The shorter words inside a Chinese word are searched only where the word itself was not
        found (in names, or anywhere): they add little where the whole word matched, and cost time."""
        owners = frozenset([position])
        if unit.kind == "han" and len(unit.text) == 1:
            factor *= SINGLE_CHAR_FACTOR
        if unit.kind == "latin":
            whole = [(t, "~" + t) for t in english_terms(unit.text)]
            if 2 <= len(unit.text) <= pinyin.MAX_KEY_SYLLABLES and ("pyi", unit.text) in index:
                _add(
                    terms,
                    PlanTerm(
                        "pyi",
                        unit.text,
                        FIELD_WEIGHTS["pyi"] * factor,
                        owners,
                        "",
                        unit.text,
                        owners,
                    ),
                )
        else:
            whole = [(unit.text, unit.text)]
        fields_found = set()
        for term, show in whole:
            for name in WORD_FIELDS:
                if (name, term) in index:
                    fields_found.add(name)
                    _add(
                        terms,
                        PlanTerm(
                            name,
                            term,
                            FIELD_WEIGHTS[name] * factor,
                            owners,
                            show,
                            unit.text,
                            owners,
                        ),
                    )
        if unit.kind == "han" and not fields_found & set(NAME_FIELDS):
            # a word found nowhere (发高烧) is matched by the words inside it (高烧) as a whole
            where, strong = (NAME_FIELDS, frozenset()) if fields_found else (WORD_FIELDS, owners)
            for sub in self.segmenter.subwords(unit.text):
                for name in where:
                    if (name, sub) in index:
                        _add(
                            terms,
                            PlanTerm(
                                name,
                                sub,
                                FIELD_WEIGHTS[name] * SUBWORD_FACTOR * factor,
                                owners,
                                sub,
                                "",
                                strong,
                            ),
                        )
        return bool(fields_found)

    def _gram_terms(
        self,
        plan: QueryPlan,
        index: TermIndex,
        terms: dict[tuple[str, str], PlanTerm],
        found: set[int],
    ) -> None:
        """Character pairs around query words that are not in the index as words."""
        for run in runs(plan.text):
            if run.kind != "han":
                continue
            size = 1 if len(run.text) == 1 else 2
            for offset in range(max(1, len(run.text) - 1)):
                gram = run.text[offset : offset + size]
                owners = _owners(plan, run.start + offset, run.start + offset + size)
                if owners - found and ("gram", gram) in index:
                    _add(terms, PlanTerm("gram", gram, FIELD_WEIGHTS["gram"], owners, gram))

    def _syllables(self, plan: QueryPlan) -> list[list[_Syllable]]:
        """The query read as pinyin, in stretches (a non-pinyin word ends a stretch)."""
        stretches: list[list[_Syllable]] = [[]]
        for position, unit in enumerate(plan.units):
            if unit.kind == "han":
                for offset, char in enumerate(unit.text):
                    readings = self.lexicon.chars.get(char)
                    if readings is None:
                        stretches.append([])
                        continue
                    at = unit.start + offset
                    stretches[-1].append(_Syllable(readings[:2], at, at + 1, position))
            else:
                parts = pinyin.split_latin(unit.text)
                if parts is None:
                    stretches.append([])
                    continue
                stretches[-1] += [
                    _Syllable((part,), unit.start, unit.end, position, i == 0, i == len(parts) - 1)
                    for i, part in enumerate(parts)
                ]
        budget, kept = MAX_SYLLABLES, []
        for stretch in stretches:
            if len(stretch) >= 2 and budget > 0:
                kept.append(stretch[:budget])
                budget -= len(kept[-1])
        return kept

    def _sound_terms(
        self,
        plan: QueryPlan,
        index: TermIndex,
        terms: dict[tuple[str, str], PlanTerm],
        found: set[int],
    ) -> list[tuple[int, int, str]]:
        """Pinyin keys and syllable pairs; returns spans matched by sound as (start, end, word)."""
        replacements: list[tuple[int, int, str]] = []
        for stretch in self._syllables(plan):
            for first in range(len(stretch) - 1):
                pair = stretch[first : first + 2]
                owners = _significant(plan, {s.unit for s in pair})
                for variant in (
                    pinyin.variants([s.readings for s in pair], MAX_VARIANTS)
                    if owners - found
                    else ()
                ):
                    gram = pinyin.bigrams(list(variant))[0]
                    if ("py2", gram) in index:
                        _add(terms, PlanTerm("py2", gram, FIELD_WEIGHTS["py2"], owners))
                for size in range(2, pinyin.MAX_KEY_SYLLABLES + 1):
                    piece = stretch[first : first + size]
                    if len(piece) < size:
                        break
                    match = self._sound_match(plan, piece, index, terms, found)
                    if match:
                        replacements.append(match)
        return replacements

    def _sound_match(
        self,
        plan: QueryPlan,
        piece: list[_Syllable],
        index: TermIndex,
        terms: dict[tuple[str, str], PlanTerm],
        found: set[int],
    ) -> tuple[int, int, str] | None:
        start, end = piece[0].start, piece[-1].end
        if (
            not (piece[0].opens and piece[-1].closes)
            or plan.units[piece[0].unit].start != start
            or plan.units[piece[-1].unit].end != end
        ):
            return None  # sounds are matched over whole words: not 'gongwai' of 'gongwaiyun',
            # nor 石后 of 碎石|后
        typed = plan.text[start:end]
        units = {s.unit for s in piece}
        known = self.lexicon.is_known_word(typed)
        if known and units <= found:
            return None  # real words, found as typed: their sound adds nothing
        owners = _significant(plan, units) or frozenset(units)
        for variant in pinyin.variants([s.readings for s in piece], MAX_VARIANTS):
            key = pinyin.key(variant)
            if ("py", key) not in index:
                continue
            word = self.lexicon.sounds.get(key, "")
            boost = FIELD_WEIGHTS["py"] * (KNOWN_SOUND_FACTOR if known else 1.0)
            _add(terms, PlanTerm("py", key, boost, owners, word, word or typed, owners))
            if word and word != typed and not known:
                self._corrected_terms(word, owners, index, terms)
                return start, end, word
            return None
        return None

    def _corrected_terms(
        self,
        word: str,
        owners: frozenset[int],
        index: TermIndex,
        terms: dict[tuple[str, str], PlanTerm],
    ) -> None:
        """Search for the word a sound match stands for, as if it had been typed."""
        for name in WORD_FIELDS:
            if (name, word) in index:
                _add(
                    terms,
                    PlanTerm(
                        name,
                        word,
                        FIELD_WEIGHTS[name] * CORRECTED_FACTOR,
                        owners,
                        word,
                        word,
                        owners,
                    ),
                )

    def _spelling(
        self,
        plan: QueryPlan,
        index: TermIndex,
        terms: dict[tuple[str, str], PlanTerm],
        taken: list[tuple[int, int, str]],
    ) -> list[tuple[int, int, str]]:
        """English words that match nothing, respelled to the closest word in the entries."""
        covered = {t for term in terms.values() for t in term.units}
        replacements = []
        for position, unit in enumerate(plan.units):
            if (
                unit.kind != "latin"
                or unit.stopword
                or position in covered
                or not 4 <= len(unit.text) <= MAX_SPELLED
                or not unit.text.isalpha()
                or any(s <= unit.start < e for s, e, _ in taken)
            ):
                continue
            best = _closest(index, unit.text)
            if best is None:
                continue
            replacements.append((unit.start, unit.end, best))
            corrected = Unit(best, unit.start, unit.end, "latin")
            self._word_terms(corrected, position, index, terms, CORRECTED_FACTOR)
        return replacements


def _closest(index: TermIndex, word: str) -> str | None:
    """The spelling in the entries closest to `word` (ties: the more common word)."""
    for distance in (1, 2) if len(word) >= 6 else (1,):
        candidates = [c for c in index.terms_within("spell", word, distance, prefix=1) if c != word]
        if candidates:
            return max(sorted(candidates), key=lambda c: index.doc_frequency("spell", c))
    return None


def _add(terms: dict[tuple[str, str], PlanTerm], term: PlanTerm) -> None:
    """Keep one PlanTerm per index term: the highest boost, standing for every unit seen."""
    key = (term.field, term.text)
    old = terms.get(key)
    if old is None:
        terms[key] = term
        return
    terms[key] = PlanTerm(
        term.field,
        term.text,
        max(old.boost, term.boost),
        old.units | term.units,
        old.show or term.show,
        old.word or term.word,
        old.strong | term.strong,
    )


def _owners(plan: QueryPlan, start: int, end: int) -> frozenset[int]:
    """Non-stopword units overlapping [start, end)."""
    return frozenset(
        i
        for i, unit in enumerate(plan.units)
        if unit.start < end and start < unit.end and not unit.stopword
    )


def _significant(plan: QueryPlan, units: set[int]) -> frozenset[int]:
    return frozenset(i for i in units if not plan.units[i].stopword)


def _apply(text: str, replacements: list[tuple[int, int, str]]) -> str | None:
    """The query with corrections applied (longest first, never overlapping), or None."""
    chosen: list[tuple[int, int, str]] = []
    for start, end, word in sorted(replacements, key=lambda r: (-(r[1] - r[0]), r[0])):
        if all(end <= s or e <= start for s, e, _ in chosen):
            chosen.append((start, end, word))
    if not chosen:
        return None
    out, cursor = [], 0
    for start, end, word in sorted(chosen):
        out += [text[cursor:start], word]
        cursor = end
    out.append(text[cursor:])
    corrected = "".join(out)
    return corrected if corrected != text else None


def _language(plan: QueryPlan, terms: dict[tuple[str, str], PlanTerm]) -> str | None:
    """'zh' for queries with Chinese or only pinyin, 'en' for English ones, None for no words."""
    content = [
        i for i, unit in enumerate(plan.units) if not unit.stopword and not unit.text.isdigit()
    ]
    if not content:
        return None
    if any(plan.units[i].kind == "han" for i in content):
        return "zh"
    sounded = {i for term in terms.values() if term.field in ("py", "pyi") for i in term.units}
    return "zh" if all(i in sounded for i in content) else "en"
