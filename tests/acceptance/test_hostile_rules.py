"""A knowledge base's own wording rule that could backtrack for hours is refused when it is
loaded, with its file, line and a fix, and never run: the check still finishes at once and the
other rules still find what they find."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import entry_data, write_entry, write_raw

SLOW_RULE = """\
id: kb-miracle
category: guarantee
level: error
languages: [en]
patterns:
  - 'miracle'
  - '(\\w+\\s?)+$'
message: a local rule; say what usually happens instead.
"""
TRAP = " ".join(["word"] * 40) + "!"  # backtracks for days against (\w+\s?)+$


def run(kb: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """kbtool in its own process, stopped after a minute if a pattern ever hangs it."""
    env = {**os.environ, "XDG_CACHE_HOME": str(kb.parent / "user-cache")}
    return subprocess.run(
        [sys.executable, "-m", "kbtool", "--kb", str(kb), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_a_rule_that_could_hang_the_check_is_refused_with_its_line_and_a_fix(
    tmp_path: Path,
) -> None:
    kb = tmp_path / "kb"
    write_entry(
        kb,
        entry_data(
            "sore-throat",
            lang="en",
            summary="Most sore throats get better within a week.",
            body=f"## About\n\n{TRAP}\n\nGuaranteed cure in one visit.\n",
        ),
    )
    write_raw(kb, "rules/kb-miracle.yaml", SLOW_RULE)
    done = run(kb, "check", "--today", "2026-12-04")
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert "kb/rules/kb-miracle.yaml:7: error:" in output
    assert "could make the check run for hours" in output and "(?:\\w+\\s)+" in output
    assert "[en-guarantee-cure]" in output  # the built-in rules still ran

    lint = run(kb, "lint-text", "--rules", str(kb / "rules"), TRAP)
    assert lint.returncode == 1 and "kb-miracle.yaml:7" in lint.stdout + lint.stderr


def test_a_long_broken_booking_link_in_an_entry_is_checked_at_once(tmp_path: Path) -> None:
    """The built-in booking-link pattern once cost the cube of a broken link's length."""
    kb = tmp_path / "kb"
    link = "[预约](https://hospital.example/" + "booking" * 3000  # 21 KB, never closed
    write_entry(kb, entry_data("sore-throat", body=f"## 说明\n\n{link}\n"))
    done = run(kb, "check", "--today", "2026-12-04")
    assert done.returncode in (0, 1) and "Traceback" not in done.stdout + done.stderr
    assert "checked 1 entries" in done.stdout or "checked 1 entry" in done.stdout


def test_a_long_run_of_chinese_numerals_is_checked_at_once(tmp_path: Path) -> None:
    """The built-in tally rules once cost the square of a numeral run's length, times every
    option after it: 7 s for 10,000 characters, about two minutes for this one."""
    kb = tmp_path / "kb"
    write_entry(kb, entry_data("sore-throat", body="## 说明\n\n宝宝" + "万" * 40000 + "\n"))
    check = run(kb, "check", "--today", "2026-12-04")
    assert "checked 1 entr" in check.stdout and "Traceback" not in check.stdout + check.stderr


def test_rules_read_a_long_unpunctuated_run_in_pieces(tmp_path: Path) -> None:
    """Two unlimited repeats in a row pass the backtracking check but cost the cube of what they
    search (15 s for 2,500 digits in one piece): no rule searches more than one sentence of at
    most 600 characters at once, so the check stays quick and still finds what follows."""
    kb = tmp_path / "kb"
    write_raw(
        kb,
        "rules/kb-digits.yaml",
        "id: kb-digits\ncategory: guarantee\nlevel: warning\nlanguages: [en]\n"
        "patterns: ['\\d*\\d*x']\nmessage: a local rule; say what usually happens.\n",
    )
    body = "## About\n\n" + "1" * 6000 + " x\n"
    write_entry(kb, entry_data("sore-throat", lang="en", body=body))
    check = run(kb, "check", "--today", "2026-12-04")
    assert "[kb-digits]" in check.stdout and "Traceback" not in check.stdout + check.stderr
