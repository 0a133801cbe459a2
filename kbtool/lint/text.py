"""Prepare text for the wording rules: hide Markdown syntax and find sentences and clauses.

Everything keeps character offsets: masking replaces syntax with spaces of the same length,
so a finding's offsets point into the text exactly as the author wrote it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_LINE_MARKERS = re.compile(
    r"^[ \t]{0,3}(?:\#{1,6}[ \t]+|>[ \t]?|(?:[-*+]|\d{1,3}[.)])[ \t]+)+"  # heading, quote, bullet
    r"|^[ \t]*(?:```|~~~)[^\n]*"  # code fence line
    r"|^[ \t]*(?:[-*_][ \t]*){3,}$",  # horizontal rule
    re.MULTILINE,
)
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_URL = re.compile(r"<?(?:https?://|www\.)[^\s)<>\]]+>?")
_SYMBOLS = str.maketrans({"*": " ", "`": " ", "|": " ", "[": " ", "]": " "})
_MAYBE_LINE_MARKER = re.compile(r"(?:^|\n)[ \t]*(?:[#>*+`~_]|-|\d{1,3}[.)])")

_SENTENCE_END = re.compile(
    r"[。\uff01\uff1f…]+[\"'”’」』)\uff09]*(?![ \t]*[—–])|[.!?]+[\"'”’)]*(?=\s|$)(?![ \t]*[—–-])"
)
"""Sentence punctuation, with closing quotes; not before a dash that attributes a quote."""
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "no",
        "vs",
        "etc",
        "approx",
        "prof",
        "fig",
        "jr",
        "sr",
        "mt",
        "ft",
    ]
)
_BLOCK_BREAK = re.compile(
    r"\n(?=[ \t]*(?:\n|$|\#|>|[-*+][ \t]|\d{1,3}[.)][ \t]|\||```|~~~))"  # before a block
    r"|^[ \t]{0,3}(?:\#|\||>)[^\n]*\n",  # after a heading, row, quote
    re.MULTILINE,
)
"""Line breaks that end a sentence: blank lines, headings, list items, quotes, tables, fences."""
_CLAUSE_MARK = re.compile(r"[,\uff0c;\uff1b:\uff1a]|\s[—–-]{1,2}\s|——")


def has_cjk(text: str) -> bool:
    """True when the text holds Chinese characters (used to guess the language)."""
    return _CJK.search(text) is not None


def mask_markdown(text: str) -> str:
    """The text with Markdown syntax (markers, link targets, URLs) replaced by spaces."""
    masked = text
    if "](" in masked:
        masked = _LINK_TARGET.sub(_blank, masked)
    if "://" in masked or "www." in masked:
        masked = _URL.sub(_blank, masked)
    if _MAYBE_LINE_MARKER.search(masked):
        masked = _LINE_MARKERS.sub(_blank, masked)
    return masked.translate(_SYMBOLS)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


@dataclass(frozen=True)
class Sentences:
    """Sentence spans of one text (start, end offsets, whitespace trimmed), searchable by offset."""

    spans: tuple[tuple[int, int], ...]
    starts: tuple[int, ...]

    def around(self, offset: int) -> tuple[int, int]:
        """The span of the sentence that contains `offset`."""
        index = bisect.bisect_right(self.starts, offset) - 1
        if index < 0:
            return self.spans[0] if self.spans else (0, 0)
        return self.spans[index]


def split_sentences(text: str) -> Sentences:
    """Split at sentence punctuation and at Markdown block breaks (blank line, heading, list item).

    A single line break inside a paragraph does not end a sentence: English authors often wrap
    lines in the middle of one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _boundaries(text):
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return Sentences(tuple(spans), tuple(s for s, _ in spans))


def _boundaries(text: str) -> list[int]:
    cuts = [
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if not (m.group(0)[0] == "." and _is_abbreviation(text, m.start()))
    ]
    if "\n" in text:
        cuts += [m.end() for m in _BLOCK_BREAK.finditer(text)]
    return sorted(set(cuts))


def _is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


MAX_SENTENCE = 600
"""Characters read as one sentence at most. Real sentences stay far below (the longest in the
labelled sets is under 300); a longer run without punctuation is read in pieces, cut at the
last clause mark or space before the limit, so no pattern ever searches more than this at once
and even a pattern that backtracks badly on hostile text stays fast."""


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = _piece_end(text, start, start + MAX_SENTENCE)
        _add(spans, text, start, cut)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))


def _piece_end(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long sentence: after the last clause mark or space in its second
    half, else at the limit."""
    found = None
    for found in _CLAUSE_MARK.finditer(text, start + MAX_SENTENCE // 2, limit):
        pass
    if found is not None:
        return found.end()
    space = max(text.rfind(" ", start + MAX_SENTENCE // 2, limit), -1)
    return space + 1 if space > 0 else limit


def clause_around(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The clause (between commas, semicolons, colons or dashes) holding text[start:end]."""
    s_start, s_end = sentence
    clause_start = s_start
    for mark in _CLAUSE_MARK.finditer(text, s_start, start):
        clause_start = mark.end()
    found = _CLAUSE_MARK.search(text, end, s_end)
    return clause_start, found.start() if found else s_end


def clause_spans(text: str, sentence: tuple[int, int]) -> list[tuple[int, int]]:
    """The clauses of one sentence, in order (the sentence itself when it has no clause marks)."""
    s_start, s_end = sentence
    spans: list[tuple[int, int]] = []
    start = s_start
    for mark in _CLAUSE_MARK.finditer(text, s_start, s_end):
        if mark.start() > start:
            spans.append((start, mark.start()))
        start = mark.end()
    if s_end > start:
        spans.append((start, s_end))
    return spans
