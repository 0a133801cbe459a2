"""A whole-KB `kbtool check` keeps each file's own findings in the cache folder (checks.json):
an unchanged file is not read again, and nothing reported ever differs from a check without
the cache, whatever happens to the files, the rules, the date or the cache itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kbtool import check as check_module
from tests.helpers import entry_data, write_entry

TODAY = "2026-11-22"
REVIEW = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2026-12-10"}


@pytest.fixture
def cached_kb(kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KBTOOL_CACHE", str(tmp_path / "cache"))
    write_entry(kb, entry_data("eye-a", related=["eye-b"], review=dict(REVIEW)))
    write_entry(kb, entry_data("eye-b", summary="保证一次治好。"))
    write_entry(kb, entry_data("eye-c"))
    return kb


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files a check reads and checks itself (not from the cache)."""
    seen: list[str] = []
    real = check_module._check_one

    def counting(path: Path, shown: str, checks: Any) -> Any:
        seen.append(path.stem)
        return real(path, shown, checks)

    monkeypatch.setattr(check_module, "_check_one", counting)
    return seen


def _report(cli_json: Callable[..., tuple[int, Any]], today: str = TODAY) -> tuple[int, Any]:
    return cli_json("check", "--today", today)


def test_an_unchanged_kb_is_reported_the_same_from_the_cache(
    cached_kb: Path, checked: list[str], cli_json: Callable[..., tuple[int, Any]]
) -> None:
    first = _report(cli_json)
    assert first[0] == 1 and sorted(checked) == ["eye-a", "eye-b", "eye-c"]
    checked.clear()
    assert _report(cli_json) == first
    assert checked == []


def test_an_edited_file_is_checked_again_and_links_between_entries_still_are(
    cached_kb: Path, checked: list[str], cli_json: Callable[..., tuple[int, Any]]
) -> None:
    _report(cli_json)
    checked.clear()
    write_entry(cached_kb, entry_data("eye-b"))  # the wording problem is fixed
    write_entry(cached_kb, entry_data("eye-a"), name="eye-c")  # eye-c now claims eye-a's id
    code, report = _report(cli_json)
    assert code == 1
    assert sorted(checked) == ["eye-b", "eye-c"]
    codes = sorted(p["code"] for p in report["problems"])
    assert "duplicate-id" in codes and not [c for c in codes if "guarantee" in c]


def test_new_rules_and_a_new_day_start_afresh(
    cached_kb: Path, checked: list[str], cli_json: Callable[..., tuple[int, Any]]
) -> None:
    _report(cli_json)
    checked.clear()
    code, report = _report(cli_json, today="2026-12-20")  # eye-a's review is now overdue
    assert sorted(checked) == ["eye-a", "eye-b", "eye-c"]
    assert "overdue" in [p["code"] for p in report["problems"]]
    checked.clear()
    rules = cached_kb / "rules"
    rules.mkdir()
    (rules / "zh-local-word.yaml").write_text(
        "id: zh-local-word\ncategory: guarantee\nlevel: error\nlanguages: [zh]\n"
        "message: 'a word this hospital does not use: say what happens instead'\n"
        "patterns: ['第一段']\n",
        encoding="utf-8",
    )
    code, report = _report(cli_json)
    assert code == 1
    assert sorted(checked) == ["eye-a", "eye-b", "eye-c"]
    assert "zh-local-word" in [p["code"] for p in report["problems"]]


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00\xff{ not json",
        b'{"version": 2, "key": "x", "files": []}',
        "records",
    ],
)
def test_a_damaged_cache_changes_nothing_reported(
    cached_kb: Path,
    tmp_path: Path,
    cli_json: Callable[..., tuple[int, Any]],
    damage: bytes | str,
) -> None:
    first = _report(cli_json)
    cache = tmp_path / "cache" / "checks.json"
    if damage == "records":
        data = json.loads(cache.read_text(encoding="utf-8"))
        for record in data["files"].values():
            record[2] = [["not", "a", "problem"], "nor links"]
        cache.write_text(json.dumps(data), encoding="utf-8")
    else:
        assert isinstance(damage, bytes)
        cache.write_bytes(damage)
    assert _report(cli_json) == first
    assert _report(cli_json) == first


def test_an_unwritable_cache_folder_costs_only_speed(
    cached_kb: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli_json: Callable[..., tuple[int, Any]],
) -> None:
    first = _report(cli_json)
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("KBTOOL_CACHE", str(blocker / "cache"))
    assert _report(cli_json) == first
