"""Check every rule against its own examples: each `flag` sentence must trigger the rule,
and no `pass` sentence may. The tests run this for the built-in rules; a KB can run it for
its own rules folder the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .engine import guess_lang, lint_text
from .rule import Rule


@dataclass(frozen=True)
class ExampleFailure:
    """One example that does not behave as its rule says."""

    rule_id: str
    lang: str
    kind: str  # "flag" (should trigger, did not) or "pass" (should not trigger, did)
    text: str

    def describe(self) -> str:
        expected = "should trigger" if self.kind == "flag" else "should not trigger"
        return f"{self.rule_id} ({self.lang}): {expected}: {self.text}"


def example_failures(rules: Sequence[Rule]) -> list[ExampleFailure]:
    """Every example that contradicts its rule. An example is checked in its own language
    (guessed from its characters) when the rule covers it, else in each of the rule's."""
    failures = []
    for rule in rules:
        for kind, examples in (("flag", rule.flag_examples), ("pass", rule.pass_examples)):
            for text in examples:
                guessed = guess_lang(text)
                for lang in [guessed] if guessed in rule.languages else rule.languages:
                    found = any(f.rule_id == rule.id for f in lint_text(text, lang, rules))
                    if found != (kind == "flag"):
                        failures.append(ExampleFailure(rule.id, lang, kind, text))
    return failures
