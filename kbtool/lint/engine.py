"""Run the wording rules over one text and return findings with offsets into that text.

Pure: no files, no printing. Chinese is matched with character-level regexes whose context
(negation, hedging, emergency advice) is judged in the clause and sentence around each
match, so jieba's one-second dictionary load is never paid (see rules/README.md)."""

from __future__ import annotations

from collections.abc import Sequence

from .config import WordingConfig
from .finding import TextFinding
from .plain import plain_findings
from .plan import TextIndex, make_plan, pattern_index
from .rule import Rule
from .text import has_cjk, mask_markdown, split_sentences

_DEFAULT_CONFIG = WordingConfig()


def guess_lang(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if has_cjk(text) else "en"


def lint_text(text: str, lang: str, rules: Sequence[Rule], *, field: str = "body",
              config: WordingConfig | None = None, entry_type: str | None = None) -> list[TextFinding]:
    """Findings for `text` in language `lang` ('zh' or 'en') as field `field` of an entry of
    type `entry_type` (None: a loose sentence, every rule applies), sorted by place."""
    if not text or not text.strip():
        return []
    config = config or _DEFAULT_CONFIG
    masked = mask_markdown(text)
    sentences = split_sentences(text)
    found: list[TextFinding] = []
    generic: dict[str, bool] = {}
    text_index = TextIndex(masked, sentences)
    for raw in (False, True):
        index = pattern_index(rules, lang, raw)
        if not (index.always or index.keys or index.direct):
            continue
        if raw and masked != text:  # rules that read the Markdown source (links)
            text_index = TextIndex(text, sentences)
        plan = make_plan(index, text_index)
        for rule_pos in sorted(plan):
            rule = rules[rule_pos]
            if not rule.applies(lang, field, entry_type) or rule.id in config.disabled:
                continue
            last_end = -1
            for start, end in rule.find(text, masked, sentences, lang, plan[rule_pos],
                                        text_index.lowered):
                if start < last_end:  # overlapping matches of one rule: report the phrase once
                    continue
                last_end = end
                found.append(TextFinding(rule.id, rule.category, rule.level, start, end,
                                         text[start:end], rule.message))
                generic[rule.id] = rule.generic
    found = _one_per_claim(found, generic)
    found += plain_findings(masked, sentences, lang, field, config)
    return sorted(found, key=lambda f: (f.start, f.end, f.rule_id))


def _one_per_claim(found: list[TextFinding], generic: dict[str, bool]) -> list[TextFinding]:
    """Drop a frames-only rule's finding where a rule with patterns already flags an overlapping
    phrase in the same category: its message is the more specific one, and one claim should not
    be reported twice."""
    specific = [f for f in found if not generic[f.rule_id]]
    return specific + [f for f in found if generic[f.rule_id] and not any(
        k.category == f.category and k.start < f.end and f.start < k.end for k in specific)]
