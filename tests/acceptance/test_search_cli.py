"""`kbtool search`, `kbtool index` and `kbtool gaps` driven through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import entry_data, write_entry
from tests.unit.test_search_fixtures import seeded_cache, write_small_kb

TODAY = "2026-11-22"
REQUIRED = ["id", "title", "type", "lang", "score", "summary", "review_state", "red_flags"]


@pytest.fixture
def small_kb(kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KBTOOL_CACHE", raising=False)
    write_small_kb(kb)
    seeded_cache(kb.parent)
    return kb


def search_json(cli, *args: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("search", "--today", TODAY, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_shape_is_pinned(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    data = search_json(cli, "宫外运")
    assert list(data) == ["query", "corrected", "results"]
    assert data["query"] == "宫外运" and data["corrected"] == "宫外孕"
    first = data["results"][0]
    assert list(first)[: len(REQUIRED)] == REQUIRED
    assert (
        first["id"] == "ectopic-pregnancy"
        and first["type"] == "condition"
        and first["lang"] == "zh"
    )
    assert isinstance(first["score"], float) and first["review_state"] == "current"
    assert [flag["urgency"] for flag in first["red_flags"]] == ["emergency", "urgent", "routine"]
    assert all(list(flag) == ["when", "urgency", "action"] for flag in first["red_flags"])
    for extra in (
        "matched",
        "highlights",
        "staff_notes",
        "specialty",
        "next_review",
        "reviewed_by",
        "file",
    ):
        assert extra in first
    assert first["file"] == "kb/conditions/ectopic-pregnancy.yaml"
    scores = [result["score"] for result in data["results"]]
    assert data["results"] and len(scores) <= 5


def test_text_output_puts_red_flags_before_the_answer(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "--today", TODAY, "宫外运", "--limit", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Showing results for 宫外孕  (you typed: 宫外运)"
    assert lines[1].startswith("1. 宫外孕（异位妊娠）")
    assert "EMERGENCY: 突然剧烈腹痛、晕倒" in lines[2]
    assert "URGENT" in lines[3]
    assert lines[4].startswith("   Answer: 宫外孕是受精卵")
    assert "Routine: 按时复查" in lines[5]


def test_overdue_answers_carry_a_warning(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "--today", TODAY, "flu fever", "--limit", "1")
    assert "REVIEW OVERDUE (next review was 2026-10-01)" in result.output


def test_drafts_only_with_include_drafts(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert "nosebleed" not in [r["id"] for r in search_json(cli, "流鼻血")["results"]]
    data = search_json(cli, "流鼻血", "--include-drafts")
    assert data["results"][0]["id"] == "nosebleed" and data["results"][0]["review_state"] == "draft"
    text = cli("search", "--today", TODAY, "流鼻血", "--include-drafts").output
    assert "DRAFT: never signed off" in text


def test_filters(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert {r["lang"] for r in search_json(cli, "pregnancy", "--lang", "en")["results"]} == {"en"}
    assert {r["type"] for r in search_json(cli, "医保 疫苗", "--type", "faq")["results"]} == {"faq"}
    assert [r["id"] for r in search_json(cli, "疫苗", "--specialty", "妇科")["results"]] == [
        "hpv-vaccine"
    ]
    assert len(search_json(cli, "出血", "--limit", "1")["results"]) == 1


def test_batch_prints_one_json_object_per_line(small_kb: Path, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    queries = tmp_path / "queries.txt"
    queries.write_text("红眼病\n\ngongwaiyun\r\nHPV 疫苗\n", encoding="utf-8")
    result = cli("search", "--batch", str(queries), "--json", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    objects = [json.loads(line) for line in lines]
    assert [o["query"] for o in objects] == ["红眼病", "", "gongwaiyun", "HPV 疫苗"]
    assert [o["results"][0]["id"] if o["results"] else None for o in objects] == [
        "acute-conjunctivitis",
        None,
        "ectopic-pregnancy",
        "hpv-vaccine",
    ]
    assert objects[2]["corrected"] == "宫外孕"


def test_batch_reads_standard_input(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "--batch", "-", "--json", input="红眼病\n人流\n")
    assert [json.loads(line)["results"][0]["id"] for line in result.stdout.splitlines()] == [
        "acute-conjunctivitis",
        "abortion-aftercare",
    ]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["红眼病", "--batch", "-"],
        ["红眼病", "--limit", "0"],
        ["红眼病", "--limit", "many"],
        ["红眼病", "--type", "disease"],
        ["红眼病", "--lang", "fr"],
        ["红眼病", "--today", "yesterday"],
        ["--batch", "/no/such/file"],
    ],
)
def test_usage_errors_exit_2(small_kb: Path, cli, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert cli("search", *args).exit_code == 2


def test_missing_kb_is_a_usage_error(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("--kb", "nowhere", "search", "红眼病").exit_code == 2


def test_empty_query_is_valid(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert search_json(cli, "") == {"query": "", "corrected": None, "results": []}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=80))
def test_any_query_through_the_cli(small_kb: Path, cli, query: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("search", "--today", TODAY, "--no-log", "--json", "--", query)
    assert result.exit_code == 0
    assert list(json.loads(result.stdout)) == ["query", "corrected", "results"]


def test_gaps_are_logged_masked_and_listed(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        cli("search", "--today", TODAY, "狂犬疫苗 宠物咬伤 13812345678")
    cli("search", "--today", TODAY, "纹身后发炎 在线咨询")
    cli("search", "--today", TODAY, "红眼病")  # found: not a gap
    cli("search", "--today", TODAY, "--no-log", "火星旅行")
    cli("search", "--batch", "-", input="火星旅行\n")
    result = cli("gaps", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["since", "searches", "gaps"]
    assert [(g["query"], g["count"]) for g in data["gaps"]] == [
        ("狂犬疫苗 宠物咬伤 ***********", 2),
        ("纹身后发炎 在线咨询", 1),
    ]
    assert list(data["gaps"][0]) == ["query", "count", "first_seen", "last_seen"]
    log = (small_kb.parent / ".kbtool-cache" / "search-gaps.jsonl").read_text("utf-8")
    assert "13812345678" not in log
    text = cli("gaps").output.splitlines()
    assert text[1].split()[:1] == ["2"] and "狂犬疫苗" in text[1]
    assert json.loads(cli("gaps", "--since", "2999-01-01", "--json").stdout)["gaps"] == []
    assert cli("gaps", "--since", "last week").exit_code == 2


def test_index_command_reports_what_it_did(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    first = cli("index")
    assert first.exit_code == 0
    assert first.output.startswith("Index rebuilt: 9 entries searchable")
    assert cli("index").output.startswith("Index up to date: 9 entries searchable")
    write_entry(small_kb, {k: v for k, v in entry_data("no-summary").items() if k != "summary"})
    data = json.loads(cli("index", "--json").stdout)
    assert data["added"] == ["conditions/no-summary.yaml"] and data["entries"] == 9
    assert data["skipped"][0]["file"] == "kb/conditions/no-summary.yaml"
    assert "not searchable until fixed" in cli("index", "--rebuild").output


def test_cache_folder_can_be_moved(
    small_kb: Path, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    (small_kb / "kbtool.yaml").write_text("cache_dir: build/search-cache\n", encoding="utf-8")
    assert cli("index").exit_code == 0
    assert (tmp_path / "build" / "search-cache" / "search" / "CURRENT").is_file()
    monkeypatch.setenv("KBTOOL_CACHE", str(tmp_path / "elsewhere"))
    assert search_json(cli, "红眼病")["results"][0]["id"] == "acute-conjunctivitis"
    assert (tmp_path / "elsewhere" / "search" / "CURRENT").is_file()


@pytest.mark.parametrize("command", ["search", "index", "gaps"])
def test_help_speaks_to_staff_with_an_example(cli, command: str) -> None:  # type: ignore[no-untyped-def]
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_words_need_no_quotes(small_kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    data = search_json(cli, "人流", "出血")
    assert data["query"] == "人流 出血" and data["results"][0]["id"] == "abortion-aftercare"
    assert search_json(cli, "--", "-5度")["query"] == "-5度"


def test_search_answers_from_the_current_index_while_another_process_updates_it(
    small_kb: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from kbtool.search import opening
    from kbtool.search.store import IndexStore

    assert cli("index").exit_code == 0
    write_entry(small_kb, entry_data("new-flu", title="流感新说明", summary="流感的新说明。"))
    monkeypatch.setattr(opening, "WAIT_WITH_INDEX", 0.2)
    with IndexStore.in_cache(small_kb.parent / ".kbtool-cache").lock():  # "another process"
        result = cli("search", "--today", TODAY, "宫外孕")
    assert result.exit_code == 0
    assert "being updated by another kbtool process" in result.stderr
    assert "ectopic-pregnancy" in result.stdout


def test_search_without_an_index_says_to_wait_while_another_process_builds_it(
    small_kb: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from kbtool.search import opening
    from kbtool.search.store import IndexStore

    monkeypatch.setattr(opening, "WAIT_WITHOUT_INDEX", 0.2)
    with IndexStore.in_cache(small_kb.parent / ".kbtool-cache").lock():
        result = cli("search", "--today", TODAY, "宫外孕")
    assert result.exit_code == 1
    assert "another kbtool process is building the search index: try again" in result.output
