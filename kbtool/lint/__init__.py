"""The wording check: rules as data (rules/*.yaml), run over every patient-facing text field.

Public API: `load_rules`, `lint_text`, `lint_entry`, `entry_exceptions`, `Rule`,
`TextFinding`, `WordingConfig`, `prepare` (before forking workers), and `example_failures`
for checking a rules folder."""

from __future__ import annotations

from .config import WordingConfig
from .engine import guess_lang, lint_text, prepare
from .entry import entry_exceptions, lint_entry, text_fields
from .examples import ExampleFailure, example_failures
from .finding import TextFinding
from .load import BUILTIN_DIR, load_rules
from .plain import PLAIN_RULE_IDS
from .rule import Rule

__all__ = [
    "BUILTIN_DIR",
    "PLAIN_RULE_IDS",
    "ExampleFailure",
    "Rule",
    "TextFinding",
    "WordingConfig",
    "entry_exceptions",
    "example_failures",
    "guess_lang",
    "lint_entry",
    "lint_text",
    "load_rules",
    "prepare",
    "text_fields",
]
