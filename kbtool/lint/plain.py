"""Plain-language checks: long sentences, English reading grade (SMOG), unexplained terms.

These are warnings, not errors: they ask the author to look again, and a clinician may keep
a long sentence or a term when it is the clearest way to say something."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .config import WordingConfig
from .finding import TextFinding
from .text import Sentences

LONG_SENTENCE = "plain-long-sentence"
SMOG = "plain-smog"
UNEXPLAINED_TERM = "plain-unexplained-term"
PLAIN_RULE_IDS = (LONG_SENTENCE, SMOG, UNEXPLAINED_TERM)
CATEGORY = "plain"

_ZH_UNITS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_EN_WORDS = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SILENT_END = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
_VOWEL_GROUPS = re.compile(r"[aeiouy]{1,2}")
_EXPLAINED_AFTER = re.compile(
    r"\s*(?:[(\uff08:\uff1a—–]|-{1,2}\s|即|也就是|俗称|又称|就是|是|指的是|也叫|意思是"
    r"|,?\s*(?:i\.e\.|meaning|means|refers\s+to|also called|also known as|known as|which is"
    r"|which means|or\b|is\s+(?:a|an|when|where|what|the\s+(?:name|medical\s+name))\b))",
    re.IGNORECASE,
)
_EXPLAINED_BEFORE = re.compile(
    r"(?:[(\uff08]|called|known as|叫做|称为|医学上叫|医学上称)\s*\Z", re.IGNORECASE
)
_term_cache: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def plain_findings(
    text: str, sentences: Sentences, lang: str, field: str, config: WordingConfig
) -> list[TextFinding]:
    """Every plain-language finding for one text (already masked of Markdown syntax)."""
    words = (
        [_EN_WORDS.findall(text, start, end) for start, end in sentences.spans]
        if lang == "en"
        else None
    )
    found = long_sentences(text, sentences, lang, config, words)
    if words is not None and len(sentences.spans) >= config.smog_min_sentences:
        found += smog(text, sentences, config, words)
    if field in config.term_fields:
        found += unexplained_terms(text, config)
    return [f for f in found if f.rule_id not in config.disabled]


def long_sentences(
    text: str,
    sentences: Sentences,
    lang: str,
    config: WordingConfig,
    words: list[list[str]] | None = None,
) -> list[TextFinding]:
    """Sentences over the length limit: characters for Chinese, words for English."""
    found = []
    for number, (start, end) in enumerate(sentences.spans):
        sentence = text[start:end]
        if lang == "zh":
            if end - start <= config.max_sentence_chars_zh:
                continue  # cannot be over the limit: skip counting
            size, limit, unit = (
                len(_ZH_UNITS.findall(sentence)),
                config.max_sentence_chars_zh,
                "characters",
            )
        else:
            size = len(words[number]) if words is not None else len(_EN_WORDS.findall(sentence))
            limit, unit = config.max_sentence_words_en, "words"
        if size > limit:
            found.append(
                TextFinding(
                    LONG_SENTENCE,
                    CATEGORY,
                    "warning",
                    start,
                    end,
                    sentence,
                    f"this sentence has {size} {unit} (limit {limit}), which is hard to follow when read "
                    "out on a call or on a phone: split it into shorter sentences, one idea each",
                )
            )
    return found


@lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Rough English syllable count (vowel groups, silent final e): good enough for SMOG."""
    word = word.lower().strip("'’")
    if len(word) <= 3:
        return 1
    word = _SILENT_END.sub("", word)
    word = word.removeprefix("y")
    return max(1, len(_VOWEL_GROUPS.findall(word)))


def smog_grade(
    text: str, sentences: Sentences, words_by_sentence: list[list[str]] | None = None
) -> tuple[float, int, tuple[int, int] | None]:
    """SMOG grade of the text, the number of sentences counted and the hardest sentence."""
    counted = 0
    polysyllables = 0
    hardest: tuple[int, int] | None = None
    most = -1
    for number, (start, end) in enumerate(sentences.spans):
        words = (
            words_by_sentence[number] if words_by_sentence else _EN_WORDS.findall(text, start, end)
        )
        if len(words) < 3:
            continue
        counted += 1
        poly = sum(
            1 for word in words if len(word) > 4 and word[0].isalpha() and syllables(word) >= 3
        )
        polysyllables += poly
        if poly > most:
            most, hardest = poly, (start, end)
    if not counted:
        return 0.0, 0, None
    return 1.043 * math.sqrt(polysyllables * 30 / counted) + 3.1291, counted, hardest


def smog(
    text: str, sentences: Sentences, config: WordingConfig, words: list[list[str]] | None = None
) -> list[TextFinding]:
    """One finding when the English text's SMOG grade is over the limit, at its hardest sentence."""
    grade, counted, hardest = smog_grade(text, sentences, words)
    if counted < config.smog_min_sentences or grade <= config.smog_limit or hardest is None:
        return []
    start, end = hardest
    return [
        TextFinding(
            SMOG,
            CATEGORY,
            "warning",
            start,
            end,
            text[start:end],
            f"the reading grade (SMOG) of this text is {grade:.1f}, above the limit of "
            f"{config.smog_limit:g}: use shorter, everyday words (this sentence has the most long words)",
        )
    ]


def unexplained_terms(text: str, config: WordingConfig) -> list[TextFinding]:
    """The first use of each listed medical term that has no plain explanation nearby."""
    regex = _term_regex(config)
    if regex is None:
        return []
    lowered = text.lower()
    found: list[TextFinding] = []
    seen: set[str] = set()
    for match in regex.finditer(text):
        term = match.group(0)
        key = next((t for t in config.terms if t.lower() == term.lower()), term)
        if key in seen:
            continue
        seen.add(key)
        plain = config.terms.get(key, ())
        if any(word.lower() in lowered for word in plain):
            continue
        if _EXPLAINED_AFTER.match(text, match.end()) or _EXPLAINED_BEFORE.search(
            text, 0, match.start()
        ):
            continue
        hint = f"'{plain[0]}'" if plain else "everyday words"
        found.append(
            TextFinding(
                UNEXPLAINED_TERM,
                CATEGORY,
                "warning",
                match.start(),
                match.end(),
                term,
                f"medical term without a plain explanation; callers may not know it: add {hint} "
                "next to it, e.g. in brackets",
            )
        )
    return found


def _term_regex(config: WordingConfig) -> re.Pattern[str] | None:
    key = tuple(config.terms)
    if key not in _term_cache:
        if not key:
            _term_cache[key] = None
        else:
            parts = []
            for term in sorted(key, key=len, reverse=True):
                escaped = re.escape(term)
                parts.append(f"(?<![A-Za-z]){escaped}(?![A-Za-z])" if term.isascii() else escaped)
            _term_cache[key] = re.compile("|".join(parts), re.IGNORECASE)
    return _term_cache[key]
