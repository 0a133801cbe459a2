"""One wording rule: what it matches, the context that excuses a match, and what to say.

Rules are data (YAML, see rules/README.md). This module turns one parsed rule file into a
`Rule` whose regexes are compiled once, per language, with the shared word sets expanded:
`@name` in `unless`/`requires` stands for a whole set, `{name}` inside any pattern for one of
its words. A rule matches either by `patterns` (a regex read left to right) or by `frames`
(parts of a claim that must all occur in one clause or sentence, in any order: who or what it
speaks of, what it says, how certain it is). `Rule.find` yields the spans that count."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..fields import wording_names
from ..model import ENTRY_TYPES, Severity
from . import pattern_cache
from .literals import Prefilter, prefilter
from .regex_safety import backtracking_risk
from .text import Sentences, clause_around, clause_spans

LANGUAGES = ("zh", "en")
LEVELS: tuple[Severity, ...] = ("error", "warning", "suggestion")
SCOPES = ("before", "after", "clause", "sentence")
DEFAULT_WINDOW = {"zh": 20, "en": 60}
"""Characters looked at before/after a match: about ten Chinese words or ten English words."""

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KEYS = {
    "id",
    "category",
    "level",
    "languages",
    "patterns",
    "frames",
    "unless",
    "requires",
    "window",
    "markdown",
    "fields",
    "types",
    "warnings_excuse",
    "message",
    "examples",
    "description",
}
FRAME_SCOPES = ("clause", "sentence")
_MACRO = re.compile(r"\{([a-z][a-z0-9-]*)\}")
"""`{name}` inside a pattern: one word of the shared set `name` (quantifiers such as {2,3} are
digits, so they never look like one)."""
_MACRO_DEPTH = 4
_FLAGS = re.IGNORECASE | re.MULTILINE

ContextSets = Mapping[str, Mapping[str, Sequence[str]]]
"""Word or context set name -> language -> regexes, from the rules folders' `_*.yaml` files."""


class RuleError(ValueError):
    """A rule file that cannot be used; `where` is the key path of the bad value, for its line."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


class _Pattern:
    """One pattern: `fast` runs without IGNORECASE on lowercased text (several times faster);
    patterns with capitals or `(?-i:...)` only have `slow`, run on the text as written.

    `fast` is compiled on first use: most patterns never run in a given check (the prefilter
    skips them), and compiling every one up front doubled the start-up time."""

    __slots__ = ("_cased", "_fast", "_slow", "_source", "parts", "prefilter", "scope")

    def __init__(
        self,
        source: str,
        prefilter: Prefilter | None,
        slow: re.Pattern[str] | None = None,
        parts: tuple[_Pattern, ...] = (),
        scope: str = "",
    ) -> None:
        self._source = source
        self._cased = bool(_CASED.search(source))  # needs case: no fast form
        self._slow = slow
        self._fast: re.Pattern[str] | None = None
        self.prefilter = prefilter
        self.parts = parts
        """For a frame: the parts that must all match in one clause (or sentence)."""
        self.scope = scope

    @property
    def slow(self) -> re.Pattern[str]:
        if self._slow is None:
            self._slow = re.compile(self._source, _FLAGS)
        return self._slow

    @property
    def fast(self) -> re.Pattern[str] | None:
        if self._fast is None and not self._cased:
            self._fast = re.compile(self._source, re.MULTILINE)
        return self._fast


class _Context:
    """The `unless`/`requires` patterns of one scope joined into one regex, compiled on first
    use: a rule's context is only read where one of its patterns matched, and compiling every
    rule's context up front was half of a cold one-file check."""

    __slots__ = ("_regex", "source")

    def __init__(self, source: str, regex: re.Pattern[str] | None = None) -> None:
        self.source = source
        self._regex = regex

    def search(self, text: str) -> re.Match[str] | None:
        if self._regex is None:
            self._regex = re.compile(self.source, _FLAGS)
        return self._regex.search(text)


@dataclass(frozen=True)
class _Compiled:
    patterns: tuple[_Pattern, ...]
    unless: dict[str, _Context]
    requires: dict[str, _Context]


@dataclass(frozen=True)
class Rule:
    """A wording rule ready to run; `source` is the file it came from."""

    id: str
    category: str
    level: Severity
    languages: tuple[str, ...]
    message: str
    patterns: tuple[str, ...]
    window: dict[str, int]
    raw: bool = False
    fields: tuple[str, ...] = ()
    """Fields the rule reads (empty: every wording-checked field of the registry)."""
    types: tuple[str, ...] = ()
    """Entry types the rule reads (empty: all). Contact details are the answer in a service FAQ
    but an advertisement in a page about a condition."""
    flag_examples: tuple[str, ...] = ()
    pass_examples: tuple[str, ...] = ()
    source: str = ""
    generic: bool = False
    """A rule that matches by frames only: where it and a rule with patterns flag the same phrase
    in the same category, the pattern rule's more specific message is the one shown."""
    compiled: dict[str, _Compiled] = field(default_factory=dict, repr=False, compare=False)

    def applies(self, lang: str, field_name: str, entry_type: str | None = None) -> bool:
        """Whether the rule reads this field; `entry_type` None (a loose sentence) counts as any type."""
        if entry_type is not None and self.types and entry_type not in self.types:
            return False
        return lang in self.compiled and (not self.fields or _field_root(field_name) in self.fields)

    def find(
        self,
        text: str,
        masked: str,
        sentences: Sentences,
        lang: str,
        places: Mapping[int, list[tuple[int, int]] | None] | None = None,
        lowered: str | None = None,
    ) -> Iterator[tuple[int, int]]:
        """Spans of `text` this rule flags: pattern matches, each within one sentence, that are
        not excused by their context.

        `places` (from plan.py) limits which patterns run and in which sentences (None in it:
        every sentence); without it every pattern runs everywhere. `lowered` is the text the
        rule reads, lowercased with the same offsets, for the faster case-free patterns."""
        compiled = self.compiled[lang]
        window = self.window[lang]
        target = text if self.raw else masked
        todo = places if places is not None else dict.fromkeys(range(len(compiled.patterns)))
        spans: list[tuple[int, int]] = []
        for pattern_pos, where in todo.items():
            pattern = compiled.patterns[pattern_pos]
            scanned: Sequence[tuple[int, int]] = sentences.spans if where is None else where
            if pattern.parts:
                spans.extend(_frame_spans(pattern, target, lowered, scanned))
                continue
            regex, searched = _chosen(pattern, target, lowered)
            for place_start, place_end in scanned:
                spans.extend(
                    m.span()
                    for m in regex.finditer(searched, place_start, place_end)
                    if m.end() > m.start()
                )
        if len(todo) > 1:
            spans.sort(key=lambda span: (span[0], -span[1]))
        for start, end in spans:
            sentence = sentences.around(start)
            scopes = _Scopes(target, sentence, start, end, window)
            if compiled.requires and not _any_found(compiled.requires, scopes):
                continue
            if compiled.unless and _any_found(compiled.unless, scopes):
                continue
            yield start, end


def _chosen(pattern: _Pattern, target: str, lowered: str | None) -> tuple[re.Pattern[str], str]:
    if pattern.fast is not None and lowered is not None:
        return pattern.fast, lowered
    return pattern.slow, target


def _frame_spans(
    frame: _Pattern, target: str, lowered: str | None, places: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    """One span per clause (or sentence) where every part of the frame matches: from the
    first part's start to the last part's end, so the finding quotes the whole claim."""
    for place in places:
        units = clause_spans(target, place) if frame.scope == "clause" else [place]
        for unit_start, unit_end in units:
            start, end = unit_end, unit_start
            for part in frame.parts:
                regex, searched = _chosen(part, target, lowered)
                found = next(
                    (
                        m
                        for m in regex.finditer(searched, unit_start, unit_end)
                        if m.end() > m.start()
                    ),
                    None,
                )
                if found is None:
                    break
                start, end = min(start, found.start()), max(end, found.end())
            else:
                yield start, end


class _Scopes:
    """The pieces of text around one match that context patterns are searched in (built lazily)."""

    def __init__(
        self, text: str, sentence: tuple[int, int], start: int, end: int, window: int
    ) -> None:
        self.text, self.sentence, self.start, self.end, self.window = (
            text,
            sentence,
            start,
            end,
            window,
        )

    def get(self, scope: str) -> str:
        s_start, s_end = self.sentence
        s_start, s_end = min(s_start, self.start), max(s_end, self.end)
        if scope == "before":
            return self.text[max(s_start, self.start - self.window) : self.start]
        if scope == "after":
            return self.text[self.end : min(s_end, self.end + self.window)]
        if scope == "clause":
            c_start, c_end = clause_around(self.text, (s_start, s_end), self.start, self.end)
            return self.text[c_start:c_end]
        return self.text[s_start:s_end]


def _any_found(patterns: dict[str, _Context], scopes: _Scopes) -> bool:
    return any(regex.search(scopes.get(scope)) for scope, regex in patterns.items())


def _field_root(field_name: str) -> str:
    return field_name.split(".", 1)[0].split("[", 1)[0]


def build_rule(data: Any, contexts: ContextSets, source: str = "") -> Rule:
    """Check one parsed rule file and compile it; raise RuleError saying what to fix."""
    if not isinstance(data, dict):
        raise RuleError("a rule file must be a set of 'key: value' lines starting with 'id:'")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise RuleError(
            f"unknown key '{unknown[0]}' (known: {', '.join(sorted(_KEYS))})", (unknown[0],)
        )
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise RuleError("'id' is required: a lowercase slug such as zh-guarantee-cure", ("id",))
    category = data.get("category")
    if not isinstance(category, str) or not _ID.match(category):
        raise RuleError("'category' is required: a lowercase word such as guarantee", ("category",))
    level = data.get("level")
    if level not in LEVELS:
        raise RuleError(f"'level' must be one of {', '.join(LEVELS)}", ("level",))
    languages = _strings(data, "languages", allowed=LANGUAGES)
    if "patterns" not in data and "frames" not in data:
        raise RuleError(
            "a rule needs 'patterns' (regexes) or 'frames' (parts of a claim), or both",
            ("patterns",),
        )
    patterns = _strings(data, "patterns") if "patterns" in data else []
    frames = _frames(data.get("frames"))
    message = data.get("message")
    if not isinstance(message, str) or not message.strip():
        raise RuleError(
            "'message' is required: say why the wording misleads and what to write instead",
            ("message",),
        )
    fields_ = tuple(_strings(data, "fields", allowed=wording_names())) if "fields" in data else ()
    types = tuple(_strings(data, "types", allowed=tuple(ENTRY_TYPES))) if "types" in data else ()
    markdown = data.get("markdown", "masked")
    if markdown not in ("masked", "raw"):
        raise RuleError("'markdown' must be 'masked' (default) or 'raw'", ("markdown",))
    window = data.get("window")
    if window is not None and (
        not isinstance(window, int) or isinstance(window, bool) or window < 1
    ):
        raise RuleError("'window' must be a whole number of characters, e.g. 20", ("window",))
    flag_examples, pass_examples = _examples(data.get("examples"))
    compiled = {
        lang: _Compiled(
            patterns=tuple(
                _pattern(_expand(source, contexts, lang, ("patterns", index)), ("patterns", index))
                for index, source in enumerate(patterns)
            )
            + tuple(
                _frame(frame, scope, contexts, lang, ("frames", index))
                for index, (scope, frame) in enumerate(frames)
            ),
            unless=_compile_scopes(
                _with_defaults(data.get("unless"), contexts)
                if data.get("warnings_excuse", True)
                else data.get("unless"),
                "unless",
                contexts,
                lang,
            ),
            requires=_compile_scopes(data.get("requires"), "requires", contexts, lang),
        )
        for lang in languages
    }
    return Rule(
        id=rule_id,
        category=category,
        level=level,
        languages=tuple(languages),
        message=" ".join(message.split()),
        patterns=tuple(patterns),
        window={lang: window or DEFAULT_WINDOW[lang] for lang in languages},
        raw=markdown == "raw",
        fields=fields_,
        types=types,
        flag_examples=flag_examples,
        pass_examples=pass_examples,
        source=source,
        generic=not patterns,
        compiled=compiled,
    )


def _strings(data: dict[str, Any], key: str, allowed: Sequence[str] | None = None) -> list[str]:
    value = data.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise RuleError(f"'{key}' must be a list of one or more texts", (key,))
    if allowed is not None:
        for index, item in enumerate(value):
            if item not in allowed:
                raise RuleError(
                    f"'{key}' may only hold {', '.join(allowed)}, not '{item}'", (key, index)
                )
    return value


def _frames(value: Any) -> list[tuple[str, list[str]]]:
    """`frames:` as (scope, parts): each frame a list of parts, or {scope: ..., all: [...]}."""
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        raise RuleError(
            "'frames' must be a list of frames, each a list of two or more patterns", ("frames",)
        )
    found: list[tuple[str, list[str]]] = []
    for index, frame in enumerate(value):
        scope = "clause"
        if isinstance(frame, dict):
            scope = frame.get("scope", "clause")
            if scope not in FRAME_SCOPES or set(frame) - {"scope", "all"}:
                raise RuleError(
                    f"a frame is a list of patterns, or 'scope:' ({' or '.join(FRAME_SCOPES)}) "
                    "with 'all:' patterns",
                    ("frames", index),
                )
            frame = frame.get("all")
        if (
            not isinstance(frame, list)
            or len(frame) < 2
            or not all(isinstance(p, str) and p for p in frame)
        ):
            raise RuleError(
                "each frame must list two or more patterns that must all be found",
                ("frames", index),
            )
        found.append((scope, frame))
    return found


def _expand(source: str, sets: ContextSets, lang: str, where: tuple[str | int, ...]) -> str:
    """Replace each `{name}` with a group of the words of set `name` for this language."""
    for _ in range(_MACRO_DEPTH):
        if "{" not in source:
            return source

        def word_group(match: re.Match[str]) -> str:
            words = sets.get(match.group(1))
            if words is None:
                raise RuleError(
                    f"unknown word set '{{{match.group(1)}}}' (known: {', '.join(sorted(sets))})",
                    where,
                )
            listed = words.get(lang) or []
            return "(?:" + "|".join(listed) + ")" if listed else "(?!)"

        expanded = _MACRO.sub(word_group, source)
        if expanded == source:
            return source
        source = expanded
    raise RuleError("word sets refer to each other in a loop", where)


def _frame(
    parts: list[str], scope: str, sets: ContextSets, lang: str, where: tuple[str | int, ...]
) -> _Pattern:
    compiled = tuple(
        _pattern(_expand(part, sets, lang, (*where, i)), (*where, i))
        for i, part in enumerate(parts)
    )
    # Every part must match, so any part's prefilter is one for the frame: take the most selective.
    filters = [p.prefilter for p in compiled if p.prefilter is not None]
    best = (
        min(
            filters,
            key=lambda f: (any(len(lit.strip()) < 2 for lit in f.literals), len(f.literals)),
        )
        if filters
        else None
    )
    return _Pattern(compiled[0]._source, best, parts=compiled, scope=scope)


def _examples(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if value is None:
        return (), ()
    if not isinstance(value, dict) or set(value) - {"flag", "pass"}:
        raise RuleError(
            "'examples' must have 'flag:' and 'pass:' lists of sentences", ("examples",)
        )
    found: list[tuple[str, ...]] = []
    for key in ("flag", "pass"):
        items = value.get(key) or []
        if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
            raise RuleError(f"'examples.{key}' must be a list of sentences", ("examples", key))
        found.append(tuple(items))
    return found[0], found[1]


_CASED = re.compile(r"\(\?[a-zA-Z]*-[a-zA-Z]*i|(?<!\\)[A-Z]")
"""A capital letter (not an escape such as \\S) or a `(?-i:` group: the pattern needs case."""


def _pattern(source: str, where: tuple[str | int, ...]) -> _Pattern:
    """A pattern, checked and its literals read; both are remembered (pattern_cache), so on
    later runs the pattern is only compiled when a text could match it."""
    known, literals = pattern_cache.lookup(source, _FLAGS)
    if known:
        return _Pattern(source, Prefilter(literals) if literals else None)
    try:
        slow = re.compile(source, _FLAGS)
    except re.error as error:
        raise RuleError(
            f"pattern {source!r} is not a valid regular expression: {error}", where
        ) from None
    _refuse_backtracking(source, where)
    found = prefilter(source, _FLAGS)
    pattern_cache.record(source, _FLAGS, found.literals if found else None)
    return _Pattern(source, found, slow)


def _refuse_backtracking(source: str, where: tuple[str | int, ...]) -> None:
    """A pattern that could take hours on one sentence would freeze every check and the staff
    app's reloads: refuse it when the rule is loaded (regex_safety)."""
    risk = backtracking_risk(source, _FLAGS)
    if risk:
        raise RuleError(
            f"pattern {source!r} could make the check run for hours on one sentence: it has "
            f"{risk}. Rewrite it so a piece of text can be matched in only one way: e.g. "
            "'(?:\\w+\\s)+' (every word ends at a space) rather than '(?:\\w+\\s?)+', one "
            "character class rather than alternatives that start alike, a plain count such as "
            "'[^,]{0,6}' rather than a repeated group, or a possessive '*+' that never gives back "
            "what it took (kbtool/lint/rules/README.md)",
            where,
        )


ALWAYS_UNLESS = {"sentence": "@warned"}
"""Context every rule is excused by when the set exists: a sentence that warns the reader
against the claim ("有人保证包治，不要相信") repeats it in order to refute it. A rule whose claim
is itself a warning (running down other clinics) says `warnings_excuse: false`."""


def _compile_scopes(value: Any, key: str, contexts: ContextSets, lang: str) -> dict[str, _Context]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RuleError(
            f"'{key}' must map scopes ({', '.join(SCOPES)}) to lists of patterns", (key,)
        )
    compiled: dict[str, _Context] = {}
    for scope, items in value.items():
        if scope not in SCOPES:
            raise RuleError(
                f"'{key}.{scope}' is not a scope: use {', '.join(SCOPES)}", (key, scope)
            )
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
            raise RuleError(
                f"'{key}.{scope}' must be a list of patterns or @context names", (key, scope)
            )
        expanded: list[str] = []
        for index, item in enumerate(items):
            if item.startswith("@"):
                sets = contexts.get(item[1:])
                if sets is None:
                    raise RuleError(
                        f"unknown context set '{item}' (known: "
                        f"{', '.join('@' + n for n in sorted(contexts))})",
                        (key, scope, index),
                    )
                expanded.extend(
                    _expand(p, contexts, lang, (key, scope, index)) for p in sets.get(lang, ())
                )
            else:
                expanded.append(_expand(item, contexts, lang, (key, scope, index)))
        if expanded:
            compiled[scope] = _compile_list(expanded, (key, scope))
    return compiled


def _with_defaults(value: Any, contexts: ContextSets) -> Any:
    if not isinstance(value, (dict, type(None))):
        return value  # reported as malformed by the caller
    merged = dict(value or {})
    for scope, name in ALWAYS_UNLESS.items():
        if name[1:] in contexts:
            items = merged.get(scope) or []
            items = (
                [items]
                if isinstance(items, str)
                else list(items)
                if isinstance(items, list)
                else items
            )
            if isinstance(items, list) and name not in items:
                merged[scope] = [*items, name]
    return merged or None


def _compile_list(sources: Sequence[str], where: tuple[str | int, ...]) -> _Context:
    """The patterns joined into one; checked by compiling them only when this exact joined
    pattern has not compiled before (pattern_cache), else compiled on first use."""
    joined = "|".join(f"(?:{source})" for source in sources)
    if pattern_cache.lookup(joined, _FLAGS)[0]:
        return _Context(joined)
    for index, source in enumerate(sources):
        try:
            re.compile(source, _FLAGS)
        except re.error as error:
            raise RuleError(
                f"pattern {source!r} is not a valid regular expression: {error}", (*where, index)
            ) from None
        _refuse_backtracking(source, (*where, index))
    try:
        regex = re.compile(joined, _FLAGS)
    except re.error as error:  # e.g. the same group name in two patterns
        raise RuleError(f"the patterns cannot be combined: {error}", where) from None
    pattern_cache.record(joined, _FLAGS, None)
    return _Context(joined, regex)
