"""`kbtool lint-text`: one sentence in, findings out, exit status from their levels."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kbtool.commands.lint_text import lint_text

COMMA = "\uff0c"


def run(*args: str) -> Result:
    result = CliRunner().invoke(lint_text, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def test_error_finding_prints_place_level_phrase_and_rule_and_exits_1() -> None:
    result = run(f"坚持治疗{COMMA}保证治愈。")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith('1:6: error: "保证治愈": promises a cure')
    assert result.stdout.splitlines()[0].endswith("[zh-guarantee-cure]")


def test_accurate_sentence_exits_0() -> None:
    result = run("No contraceptive method is 100% effective.")
    assert result.exit_code == 0
    assert "no findings (en)" in result.stdout


def test_warnings_alone_exit_0() -> None:
    result = run("For more information call 0207 946 0958.")
    assert result.exit_code == 0
    assert "warning:" in result.stdout and "[contact-phone]" in result.stdout


def test_line_and_column_count_within_the_text() -> None:
    result = run("First line is fine.\nCall us now on 0800 123 4567.")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2:1: error:")
    assert lines[1].startswith("2:16: warning:")


def test_language_is_guessed_and_can_be_forced() -> None:
    assert "[zh-no-risk]" in run("这种药完全无副作用。").stdout
    forced = run("这种药完全无副作用。", "--lang", "en")
    assert "[zh-no-risk]" not in forced.stdout


def test_json_output_shape() -> None:
    result = run("Our clinic has a 97% success rate.", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "lang", "findings", "rule_problems"}
    assert data["ok"] is False and data["lang"] == "en" and data["rule_problems"] == []
    finding = next(f for f in data["findings"] if f["code"] == "en-cure-rate")
    assert set(finding) == {
        "line",
        "column",
        "severity",
        "code",
        "category",
        "phrase",
        "start",
        "end",
        "message",
    }
    assert finding["code"] == "en-cure-rate" and finding["category"] == "cure-rate"
    assert finding["phrase"] == "97% success rate"
    assert (finding["line"], finding["column"]) == (1, 18)
    assert finding["message"].startswith('"97% success rate": ')


def test_field_option_enables_the_summary_term_check() -> None:
    assert "[plain-unexplained-term]" not in run("确诊异位妊娠后需要尽快治疗。").stdout
    assert (
        "[plain-unexplained-term]"
        in run("确诊异位妊娠后需要尽快治疗。", "--field", "summary").stdout
    )


def test_extra_rules_folder(tmp_path: Path) -> None:
    (tmp_path / "kb-miracle.yaml").write_text(
        textwrap.dedent("""\
        id: kb-miracle
        category: guarantee
        level: error
        languages: [en]
        patterns: ['wonder pill']
        message: calls a medicine a wonder; say what it does instead.
        """),
        encoding="utf-8",
    )
    result = run("A wonder pill for sleep.", "--rules", str(tmp_path))
    assert result.exit_code == 1 and "[kb-miracle]" in result.stdout


def test_broken_rules_folder_is_reported_and_fails(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    result = run("A calm sentence.", "--rules", str(tmp_path))
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr and "[rule-file]" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["text", "--lang", "fr"],
        ["text", "--rules", "/no/such/folder"],
        [],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_help_has_an_example() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "--lang" in result.stdout
