"""`kbtool check` on small knowledge bases: each bad input is its own example."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import entry_data, write_entry, write_raw

TODAY = "2026-11-22"


def problems_of(cli_json, *extra: str) -> tuple[int, list[dict]]:  # type: ignore[no-untyped-def]
    code, data = cli_json("check", "--today", TODAY, *extra)
    return code, data["problems"]


def only(problems: list[dict], code: str) -> dict:
    matching = [p for p in problems if p["code"] == code]
    assert matching, f"no {code!r} problem in {problems}"
    return matching[0]


def test_clean_kb_passes_with_summary(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu"))
    write_entry(kb, entry_data("hours", "faq", "en"))
    write_entry(kb, entry_data("after-x", "aftercare"))
    write_entry(kb, entry_data("chest-pain", "referral", related=["flu"]))
    result = cli("check", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "checked 4 entries: 0 errors, 0 warnings"


def test_json_shape_is_pinned(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", related=["nope"]))
    code, data = cli_json("check", "--today", TODAY)
    assert code == 1
    assert list(data) == ["ok", "entries", "problems"]
    assert data["ok"] is False and data["entries"] == 1
    problem = data["problems"][0]
    assert list(problem) == ["file", "line", "column", "severity", "code", "message", "entry"]
    assert problem["file"] == "kb/conditions/flu.yaml"
    assert isinstance(problem["line"], int) and isinstance(problem["column"], int)
    assert problem["entry"] == "flu"


def test_yaml_syntax_error_names_file_and_line(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_raw(kb, "conditions/flu.yaml", 'id: flu\ntitle: 流感\nsummary: "unclosed\nbody: x\n')
    result = cli("check", "--today", TODAY)
    assert result.exit_code == 1
    assert "kb/conditions/flu.yaml:" in result.output
    assert "YAML syntax error" in result.output and "[yaml-syntax]" in result.output


def test_duplicate_key_is_an_error_not_silently_dropped(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(
        kb,
        "conditions/flu.yaml",
        "id: flu\ntype: condition\nlang: zh\ntitle: 流感\nsummary: 一\nbody: x\nsummary: 二\n",
    )
    code, problems = problems_of(cli_json)
    assert code == 1
    problem = only(problems, "duplicate-key")
    assert problem["line"] == 7 and "first on line 5" in problem["message"]


def test_non_utf8_file_suggests_resaving(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(kb, "conditions/flu.yaml", "id: flu\ntitle: 流行性感冒\n".encode("gbk"))
    code, problems = problems_of(cli_json)
    problem = only(problems, "encoding")
    assert code == 1
    assert problem["line"] == 2 and "UTF-8" in problem["message"] and "GBK" in problem["message"]


def test_utf8_bom_is_accepted(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert cli("check", "--today", TODAY).exit_code == 0


def test_windows_line_endings_are_accepted(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu"))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli("check", "--today", TODAY).exit_code == 0


@pytest.mark.parametrize("content", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(kb: Path, cli_json, content: str) -> None:  # type: ignore[no-untyped-def]
    write_raw(kb, "faq/blank.yaml", content)
    code, problems = problems_of(cli_json)
    assert code == 1 and only(problems, "empty-file")["file"] == "kb/faq/blank.yaml"


@pytest.mark.parametrize("content", ["- id: flu\n- title: x\n", "just some text\n", "42\n"])
def test_top_level_must_be_a_mapping(kb: Path, cli_json, content: str) -> None:  # type: ignore[no-untyped-def]
    write_raw(kb, "conditions/flu.yaml", content)
    code, problems = problems_of(cli_json)
    assert code == 1 and only(problems, "not-a-mapping")["line"] == 1


def test_alias_bomb_is_refused_quickly(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{','.join(['*' + previous] * 9)}]")
    write_raw(kb, "conditions/bomb.yaml", "\n".join(lines) + "\n")
    code, problems = problems_of(cli_json)
    assert code == 1
    problem = only(problems, "yaml-alias")
    assert problem["line"] == 2 and "anchors and aliases" in problem["message"]


def test_merge_key_is_refused(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(kb, "conditions/flu.yaml", "base: &b {title: x}\nentry:\n  <<: *b\n")
    code, problems = problems_of(cli_json)
    assert code == 1 and only(problems, "yaml-alias")["line"] == 3


def test_oversized_file_is_refused(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", body="很长的文字。" * 50_000))
    code, problems = problems_of(cli_json)
    assert code == 1 and "256 KiB" in only(problems, "file-too-large")["message"]


def test_yml_extension_is_reported(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu"), name="flu-copy")
    (kb / "conditions" / "flu-copy.yaml").rename(kb / "conditions" / "flu.yml")
    code, problems = problems_of(cli_json)
    assert code == 1
    problem = only(problems, "file-extension")
    assert problem["file"] == "kb/conditions/flu.yml" and "flu.yaml" in problem["message"]


def test_other_files_are_reported_not_ignored(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu"))
    write_raw(kb, "conditions/notes.txt", "draft ideas")
    code, problems = problems_of(cli_json)
    assert code == 0 and only(problems, "not-an-entry")["severity"] == "warning"


def test_entry_outside_type_folders_is_reported(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu"), folder="misc")
    code, problems = problems_of(cli_json)
    assert code == 1 and only(problems, "entry-folder")["file"] == "kb/misc/flu.yaml"


def test_missing_required_field_says_what_to_add(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", summary=None))
    result = cli("check", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        "kb/conditions/flu.yaml:1:1: error: 'summary' is required: add a one-to-three sentence"
        in result.output
    )


def test_faq_needs_question_and_others_must_not_have_one(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("hours", "faq", question=None))
    write_entry(kb, entry_data("flu", question="这是什么?"))
    code, problems = problems_of(cli_json)
    messages = {p["entry"]: p["message"] for p in problems}
    assert code == 1
    assert "'question' is required" in messages["hours"]
    assert "only for FAQ entries" in messages["flu"]


def test_unknown_field_suggests_the_right_name(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", sumary="typo", **{"x-owner": "ward 3"}))
    code, problems = problems_of(cli_json)
    problem = only(problems, "schema")
    assert code == 1 and "did you mean 'summary'" in problem["message"]
    assert len([p for p in problems if "x-owner" in p["message"]]) == 0


def test_bad_enum_and_id_pattern(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(
        kb,
        "conditions/Flu_1.yaml",
        "id: Flu_1\ntype: condition\nlang: fr\ntitle: x\nsummary: y\nbody: z\n",
    )
    code, problems = problems_of(cli_json)
    messages = [p["message"] for p in problems]
    assert code == 1
    assert any("'lang' must be one of: zh, en (found 'fr')" in m for m in messages)
    assert any("lowercase letters a-z" in m for m in messages)
    lang = next(p for p in problems if "'lang'" in p["message"])
    assert lang["line"] == 3


def test_yes_no_values_are_explained(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(
        kb,
        "conditions/flu.yaml",
        "id: flu\ntype: condition\nlang: zh\ntitle: yes\nsummary: y\nbody: z\n",
    )
    code, problems = problems_of(cli_json)
    assert code == 1 and "put the text in quotes" in only(problems, "schema")["message"]


def test_id_must_match_file_name(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("influenza"), name="flu")
    code, problems = problems_of(cli_json)
    problem = only(problems, "id-filename")
    assert (
        code == 1
        and problem["line"] == 1
        and "rename the file to 'influenza.yaml'" in problem["message"]
    )


def test_type_must_match_folder(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", "faq"), folder="conditions")
    code, problems = problems_of(cli_json)
    assert code == 1 and "move the file to 'faq/'" in only(problems, "type-folder")["message"]


def test_ids_unique_across_folders(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu"))
    write_entry(kb, entry_data("flu", "faq"))
    code, problems = problems_of(cli_json)
    duplicates = [p for p in problems if p["code"] == "duplicate-id"]
    assert code == 1 and {p["file"] for p in duplicates} == {
        "kb/conditions/flu.yaml",
        "kb/faq/flu.yaml",
    }


def test_related_ids_must_exist(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", related=["fever", "feverr"]))
    write_entry(kb, entry_data("fever"))
    code, problems = problems_of(cli_json)
    problem = only(problems, "related-missing")
    assert code == 1 and "did you mean 'fever'" in problem["message"]


@pytest.mark.parametrize(
    ("reviewed_on", "next_review", "expected"),
    [
        ("2026-02-30", "2027-01-01", "not a real calendar date"),
        ("2026-3-1", "2027-01-01", "YYYY-MM-DD"),
        ("2026-06-01", "2026-05-01", "must be after"),
        ("2026-06-01", "2026-06-01", "must be after"),
        ("2026-12-01", "2027-12-01", "in the future"),
    ],
)
def test_review_dates(
    kb: Path, cli_json, reviewed_on: str, next_review: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    review = f"review:\n  reviewed_by: 示例医生(虚构)\n  reviewed_on: {reviewed_on}\n  next_review: {next_review}\n"
    write_raw(
        kb,
        "conditions/flu.yaml",
        "id: flu\ntype: condition\nlang: zh\ntitle: 流感\nsummary: 一\nbody: x\n" + review,
    )
    code, problems = problems_of(cli_json)
    problem = only(problems, "review-date")
    assert code == 1 and expected in problem["message"] and problem["line"] in (9, 10)


def test_raw_html_in_body_points_at_its_line(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_raw(
        kb,
        "conditions/flu.yaml",
        "id: flu\ntype: condition\nlang: zh\ntitle: 流感\nsummary: 一\nbody: |\n  ## 说明\n\n"
        "  第一段。\n  <script>alert('x')</script>\n  温度 <38℃ 时多喝水。\n",
    )
    result = cli("check", "--today", TODAY)
    assert result.exit_code == 1
    assert "kb/conditions/flu.yaml:10:3: error: raw HTML" in result.output
    assert result.output.count("[raw-html]") == 1


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
    ],
)
def test_unsafe_links_in_body(kb: Path, cli_json, link: str) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", body=f"## 说明\n\n请看[这里]({link})。\n"))
    code, problems = problems_of(cli_json)
    assert (
        code == 1 and only(problems, "unsafe-link")["line"] == 9
    )  # inside a quoted multi-line scalar


def test_safe_links_pass(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(
        kb, entry_data("flu", body="见 [WHO](https://www.who.int/) 和 [流感](../flu/) 。\n")
    )
    assert cli("check", "--today", TODAY).exit_code == 0


def test_every_bad_file_reported_in_one_run(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(kb, "conditions/a.yaml", "")
    write_raw(kb, "conditions/b.yaml", "id: [\n")
    write_raw(kb, "faq/c.yml", "id: c\n")
    write_entry(kb, entry_data("d", related=["zzz"]))
    code, problems = problems_of(cli_json)
    files = [p["file"] for p in problems]
    assert code == 1
    assert files == sorted(files)
    assert {
        "kb/conditions/a.yaml",
        "kb/conditions/b.yaml",
        "kb/faq/c.yml",
        "kb/conditions/d.yaml",
    } <= set(files)


def test_kb_option_and_environment_variable(kb: Path, tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "elsewhere"
    write_entry(other, entry_data("flu"))
    assert "checked 1 entry" in cli("--kb", str(other), "check", "--today", TODAY).output
    monkeypatch.setenv("KBTOOL_KB", str(other))
    assert "checked 1 entry" in cli("check", "--today", TODAY).output


def test_missing_kb_is_a_usage_error(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--kb", "does-not-exist", "check")
    assert result.exit_code == 2 and "--kb" in result.output


def test_bad_today_is_a_usage_error(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--today", "22/11/2026")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_unreadable_file_is_reported(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu"))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # running as root: permissions are not enforced
            pytest.skip("file permissions are not enforced for this user")
        code, problems = problems_of(cli_json)
        assert code == 1 and only(problems, "unreadable")["file"] == "kb/conditions/flu.yaml"
    finally:
        path.chmod(0o644)


def test_parallel_check_reports_the_same_problems(kb: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from kbtool import check as check_module

    for index in range(12):
        write_entry(
            kb,
            entry_data(
                f"e{index}", related=[f"e{index + 1}"], summary="保证治愈。" if index == 3 else None
            ),
        )
    write_raw(kb, "faq/broken.yaml", "id: [\n")
    monkeypatch.setattr(check_module, "PARALLEL_MIN_FILES", 2)
    today = dt.date(2026, 11, 22)
    sequential = check_module.check_kb(kb, today)
    parallel = check_module.check_kb(kb, today, keep_entries=False, jobs=2)
    assert parallel.problems == sequential.problems and parallel.files == sequential.files == 13
    assert {p.code for p in parallel.problems} >= {
        "related-missing",
        "yaml-syntax",
        "zh-guarantee-cure",
        "schema",
    }


def test_parallel_check_gives_the_model_findings_of_a_sequential_one(  # type: ignore[no-untyped-def]
    kb: Path, monkeypatch
) -> None:
    """Workers share the model the parent prepared (its automaton, the reach that lets clean
    sentences be skipped); a small hand-made model flags the same sentences either way."""
    import datetime as dt

    from kbtool import check as check_module
    from kbtool.lint import classifier

    model = classifier.Model(
        weights={"zh": {"guarantee": {"神效": 3.0, "试试": -1.5}}, "en": {}},
        bias={"zh": {"guarantee": -1.0}, "en": {}},
        thresholds={"zh": {"guarantee": 1.0}, "en": {}},
        word_sets={"zh": {}, "en": {}},
    )
    monkeypatch.setattr("kbtool.lint.engine.load_model", lambda: model)
    for index in range(12):
        summary = ["这种药酒有神效。", "这种药酒有神效，喝一个月试试。", None][index % 3]
        write_entry(kb, entry_data(f"e{index}", summary=summary))
    monkeypatch.setattr(check_module, "PARALLEL_MIN_FILES", 2)
    today = dt.date(2026, 11, 22)
    sequential = check_module.check_kb(kb, today)
    parallel = check_module.check_kb(kb, today, keep_entries=False, jobs=2)
    assert parallel.problems == sequential.problems
    assert [p.entry for p in parallel.problems if p.code == "model-guarantee"] == [
        "e0",
        "e3",
        "e6",
        "e9",
    ]


@pytest.mark.parametrize("source", ["kb", "tests/data/service_kb"])
def test_sample_and_service_faq_kbs_have_no_wording_findings(  # type: ignore[no-untyped-def]
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_json
) -> None:
    """The sample KB and a KB of ordinary service FAQs (booking line, official account, app,
    address, opening hours) pass the wording check: neutral service information is no lure."""
    import shutil

    from kbtool.lint import PLAIN_RULE_IDS, load_rules

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / source, tmp_path / "kb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KBTOOL_KB", raising=False)
    rules, _ = load_rules()
    wording = {rule.id for rule in rules} | set(PLAIN_RULE_IDS)
    _, data = cli_json("check", "--today", TODAY)
    found = [p for p in data["problems"] if p["code"] in wording or p["code"].startswith("model-")]
    assert found == []
    assert data["entries"] >= 16
