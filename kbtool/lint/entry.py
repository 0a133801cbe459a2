"""Lint one entry's patient-facing fields and turn findings into Problems at file lines.

Aliases, staff notes and callback notes are never linted: aliases record what people say,
and the notes are not said to patients. Follow-up call questions (`red_flags[].ask`) and
reminders (`callback.remind`) are said to patients on the phone, so they are linted.
An entry may list `wording_exceptions` (rule + reason) for wording a reviewer accepted;
findings of those rules are dropped, and the review queue shows the exceptions
(`entry_exceptions`)."""

from __future__ import annotations

from collections.abc import Sequence

from ..fields import text_values
from ..model import Entry, FieldPath, Problem
from .classifier import RULE_PREFIX
from .config import WordingConfig
from .engine import guess_lang, lint_text
from .load import load_categories
from .plain import PLAIN_RULE_IDS
from .rule import Rule

EXCEPTIONS = "wording_exceptions"


def text_fields(entry: Entry) -> list[tuple[FieldPath, str, str]]:
    """(path, field name, text) of every text the field registry marks as wording-checked, in
    registry order (a red flag's texts, a callback reminder's items), with the field name
    whose rules apply (`Field.wording_as`)."""
    return [
        (path, item.wording_as or item.name, text)
        for path, item, text in text_values(entry.data, lambda item: item.wording)
    ]


def entry_exceptions(entry: Entry) -> list[tuple[str, str]]:
    """The (rule id, reason) pairs an entry lists under wording_exceptions; '' for a missing reason."""
    pairs: list[tuple[str, str]] = []
    items = entry.data.get(EXCEPTIONS)
    if not isinstance(items, list):
        return pairs
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("rule"), str):
            reason = item.get("reason")
            pairs.append((item["rule"], reason.strip() if isinstance(reason, str) else ""))
    return pairs


def lint_entry(
    entry: Entry, rules: Sequence[Rule], config: WordingConfig | None = None
) -> list[Problem]:
    """Wording problems of one entry, each at the file line and column of the phrase."""
    suppressed, problems = _check_exceptions(entry, rules)
    lang = entry.lang if entry.lang in ("zh", "en") else None
    kind = entry.data.get("type")
    entry_type = kind if isinstance(kind, str) else None
    for path, field_name, text in text_fields(entry):
        for finding in lint_text(
            text,
            lang or guess_lang(text),
            rules,
            field=field_name,
            config=config,
            entry_type=entry_type,
        ):
            if finding.rule_id in suppressed:
                continue
            line, column = entry.locate(path, finding.start, finding.end - finding.start)
            problems.append(
                Problem(
                    entry.file,
                    line,
                    column,
                    finding.level,
                    finding.rule_id,
                    finding.describe(),
                    entry.id,
                )
            )
    return problems


def _check_exceptions(entry: Entry, rules: Sequence[Rule]) -> tuple[set[str], list[Problem]]:
    """Rule ids validly suppressed, and a Problem for each unknown rule or missing reason."""
    suppressed: set[str] = set()
    problems: list[Problem] = []
    items = entry.data.get(EXCEPTIONS)
    if not isinstance(items, list):  # most entries: no set of known rule ids to build
        return suppressed, problems
    known = (
        {rule.id for rule in rules}
        | set(PLAIN_RULE_IDS)
        | {RULE_PREFIX + category for category in load_categories()}
    )  # model-guarantee, ...
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("rule"), str):
            continue  # the schema check reports the shape
        rule_id = item["rule"]
        reason = item.get("reason")
        if rule_id not in known:
            line, column = entry.position((EXCEPTIONS, index, "rule"))
            problems.append(
                Problem(
                    entry.file,
                    line,
                    column,
                    "warning",
                    "wording-exception-unknown",
                    f"wording exception names '{rule_id}', which is not a wording rule: check the rule id "
                    "in the finding's [brackets] (kbtool lint-text shows them), or remove the exception",
                    entry.id,
                )
            )
        if not isinstance(reason, str) or not reason.strip():
            line, column = entry.position((EXCEPTIONS, index, "reason"))
            problems.append(
                Problem(
                    entry.file,
                    line,
                    column,
                    "error",
                    "wording-exception-reason",
                    f"wording exception for '{rule_id}' has no reason: write why this wording is "
                    "accurate and needed here, so the reviewer can judge it (reason: ...)",
                    entry.id,
                )
            )
            continue
        suppressed.add(rule_id)
    return suppressed, problems
