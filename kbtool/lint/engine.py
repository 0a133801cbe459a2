"""Run the wording rules over one text and return findings with offsets into that text.

Pure: no files, no printing. Chinese is matched with character-level regexes whose context
(negation, hedging, emergency advice) is judged in the clause and sentence around each
match, so jieba's one-second dictionary load is never paid (see rules/README.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .classifier import MIN_CHARS, RULE_PREFIX, load_model, sentence_verdicts
from .config import WordingConfig
from .finding import TextFinding
from .load import load_categories
from .plain import CATEGORY as PLAIN
from .plain import plain_findings
from .plan import TextIndex, make_plan, pattern_index
from .rule import Rule
from .text import Sentences, clause_spans, has_cjk, mask_markdown, split_sentences

_DEFAULT_CONFIG = WordingConfig()


def guess_lang(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if has_cjk(text) else "en"


def lint_text(
    text: str,
    lang: str,
    rules: Sequence[Rule],
    *,
    field: str = "body",
    config: WordingConfig | None = None,
    entry_type: str | None = None,
) -> list[TextFinding]:
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
        if index.empty():
            continue
        if raw and masked != text:  # rules that read the Markdown source (links)
            text_index = TextIndex(text, sentences)
        plan = make_plan(index, text_index)
        for rule_pos in sorted(plan):
            rule = rules[rule_pos]
            if not rule.applies(lang, field, entry_type) or rule.id in config.disabled:
                continue
            last_end = -1
            for start, end in rule.find(
                text, masked, sentences, lang, plan[rule_pos], text_index.lowered
            ):
                if start < last_end:  # overlapping matches of one rule: report the phrase once
                    continue
                last_end = end
                found.append(
                    TextFinding(
                        rule.id,
                        rule.category,
                        rule.level,
                        start,
                        end,
                        text[start:end],
                        rule.message,
                    )
                )
                generic[rule.id] = rule.generic
    found = _one_per_claim(found, generic)
    found += _model_findings(text, masked, sentences, lang, found, config)
    found += plain_findings(masked, sentences, lang, field, config)
    return sorted(found, key=lambda f: (f.start, f.end, f.rule_id))


def prepare(rules: Sequence[Rule]) -> None:
    """Build now what checking many texts in both languages builds on the way: the rules' literal
    automata and the model's tables (`Model.prepare`). Called before forking workers, so they
    share one copy instead of each building its own; findings are the same either way."""
    for lang in ("zh", "en"):
        for raw in (False, True):
            pattern_index(rules, lang, raw)
    load_categories()
    model = load_model()
    if model is not None:
        for lang in ("zh", "en"):
            model.prepare(lang)


def _one_per_claim(found: list[TextFinding], generic: dict[str, bool]) -> list[TextFinding]:
    """Drop a frames-only rule's finding where a rule with patterns already flags an overlapping
    phrase in the same category: its message is the more specific one, and one claim should not
    be reported twice."""
    specific = [f for f in found if not generic[f.rule_id]]
    return specific + [
        f
        for f in found
        if generic[f.rule_id]
        and not any(
            k.category == f.category and k.start < f.end and f.start < k.end for k in specific
        )
    ]


MODEL = "model"
"""`wording: disabled: [model]` switches the classifier off; `model-<category>` one category."""
_QUESTION_END = ("?", "\uff1f", "吗", "吗。")


def _model_findings(
    text: str,
    masked: str,
    sentences: Sentences,
    lang: str,
    found: list[TextFinding],
    config: WordingConfig,
) -> list[TextFinding]:
    """Warnings from the classifier for sentences no rule flagged.

    A patient's question is never a claim, so questions are not scored. A sentence a rule already
    flagged is not scored either: out of fold, the model's extra category there was mostly wrong
    (`python -m kbtool.lint.train --check --compare` measures both ways)."""
    model = None if MODEL in config.disabled else load_model()
    if model is None:
        return []
    skip = [(f.category, f.start, f.end) for f in found if f.category != PLAIN]
    spans = [
        span
        for s, e in sentences.spans
        if not any(fs < e and s < fe for _, fs, fe in skip)
        and (span := _statement_part(masked, s, e, lang))
    ]
    categories = load_categories()
    findings: list[TextFinding] = []
    for category, start, end, _score in sentence_verdicts(model, masked, lang, spans, skip):
        rule_id = RULE_PREFIX + category
        info = categories.get(category)
        if rule_id in config.disabled or info is None:
            continue
        findings.append(
            TextFinding(
                rule_id, category, "warning", start, end, text[start:end], model_message(info, lang)
            )
        )
    return findings


def _statement_part(text: str, start: int, end: int, lang: str) -> tuple[int, int] | None:
    """The part of a sentence the model scores: all of it, or, for a question, the clauses before
    the asking one ("这个季节做手术效果特别好，您最近有没有发热？" still carries a claim)."""
    if text[start:end].rstrip().endswith(_QUESTION_END):
        clauses = clause_spans(text, (start, end))
        if len(clauses) < 2:
            return None
        end = clauses[-2][1]
    return (start, end) if end - start >= MIN_CHARS.get(lang, 4) else None


def model_message(info: dict[str, Any], lang: str) -> str:
    """What a classifier finding says: which kind of claim it looks like, the law, and the fix."""
    law = (info.get("law") or {}).get(lang, "")
    instead = (info.get("instead") or {}).get(lang, "")
    return (
        f"reads like {info.get('what', 'a misleading claim')} ({law}); found by the wording "
        f"check's statistical model, so judge it: if it is such a claim, write instead e.g. "
        f"{instead}; if it is accurate, add a wording exception with the reason"
    )
