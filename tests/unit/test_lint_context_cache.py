"""The compiled-rule cache (kbtool.lint.pattern_cache) for rules' context patterns (`unless`,
`requires`): they compile on first use once known, and a stale, damaged or unwritable cache
only costs speed, never a finding or a rule-file error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kbtool.lint import lint_text, load_rules, pattern_cache
from kbtool.lint import load as rule_loading

RULE = """\
id: zh-test-cure
category: guarantee
level: error
languages: [zh]
patterns: ['包治']
unless:
  sentence: ['{excuse}']
message: 不要承诺治愈：写清楚治疗可能的效果和风险。
"""
FLAGGED = "我们包治这个病。"
EXCUSED = "有人说包治，千万别信。"


def _fresh() -> None:
    """As a new process: no rules in memory, the cache file read again."""
    rule_loading._cache.clear()
    pattern_cache._state.update(entries=None, dirty=False, stamp=None)


@pytest.fixture
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "rules"
    folder.mkdir()
    _fresh()
    yield folder
    _fresh()


def _write_rule(folder: Path, excuse: str) -> None:
    (folder / "zh-test-cure.yaml").write_text(RULE.replace("{excuse}", excuse), encoding="utf-8")


def _flagged(folder: Path) -> tuple[list[str], list[str]]:
    """Which of the two sentences the test rule flags, and the rule-file problems."""
    _fresh()
    rules, problems = load_rules([folder])
    hits = [
        text
        for text in (FLAGGED, EXCUSED)
        if any(f.rule_id == "zh-test-cure" for f in lint_text(text, "zh", rules))
    ]
    return hits, [p.message for p in problems]


def test_context_patterns_give_the_same_findings_cold_and_cached(rules_dir: Path) -> None:
    _write_rule(rules_dir, "别信")
    cold = _flagged(rules_dir)
    assert cold == ([FLAGGED], [])
    assert pattern_cache.cache_file().is_file()
    assert _flagged(rules_dir) == cold  # cached: the context compiles on first use


def test_a_context_pattern_edited_into_an_error_is_reported_despite_the_cache(
    rules_dir: Path,
) -> None:
    _write_rule(rules_dir, "别信")
    assert _flagged(rules_dir) == ([FLAGGED], [])
    _write_rule(rules_dir, "别信(")  # stale cache: the edited pattern was never checked
    hits, problems = _flagged(rules_dir)
    assert hits == []  # the broken rule is left out, the others still run
    assert len(problems) == 1
    assert "not a valid regular expression" in problems[0]
    _write_rule(rules_dir, "千万")  # edited back to a valid, different excuse
    assert _flagged(rules_dir) == ([FLAGGED], [])


def test_a_damaged_cache_is_rebuilt(rules_dir: Path) -> None:
    _write_rule(rules_dir, "别信")
    expected = _flagged(rules_dir)
    pattern_cache.cache_file().write_bytes(b"\xff\x00 not json")
    assert _flagged(rules_dir) == expected
    _fresh()
    load_rules([rules_dir])
    assert pattern_cache.cache_file().read_text(encoding="utf-8").startswith("{")


def test_an_unwritable_cache_costs_only_speed(
    rules_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = rules_dir.parent / "blocked"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _write_rule(rules_dir, "别信")
    assert _flagged(rules_dir) == ([FLAGGED], [])
    assert _flagged(rules_dir) == ([FLAGGED], [])
    assert not pattern_cache.cache_file().exists()
