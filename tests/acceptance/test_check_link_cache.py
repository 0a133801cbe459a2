"""`kbtool check FILE` keeps the other entries' ids and links in the cache folder (filecache):
the next check reads only what changed, and a changed, damaged or unwritable cache never
changes what is reported."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kbtool.filecache import VERSION
from tests.helpers import entry_data, write_entry


@pytest.fixture
def linked_kb(kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KBTOOL_CACHE", str(tmp_path / "cache"))
    write_entry(kb, entry_data("eye-a", related=["eye-b"]))
    write_entry(kb, entry_data("eye-b"))
    write_entry(kb, entry_data("eye-c"))
    return kb


def _codes(cli_json: Callable[..., tuple[int, Any]]) -> tuple[int, list[str]]:
    code, report = cli_json("check", "kb/conditions/eye-a.yaml", "--today", "2026-11-22")
    return code, sorted(p["code"] for p in report["problems"])


def test_a_one_file_check_remembers_the_others_and_rereads_a_changed_one(
    linked_kb: Path, tmp_path: Path, cli_json: Callable[..., tuple[int, Any]]
) -> None:
    assert _codes(cli_json) == (0, [])
    cache = tmp_path / "cache" / "links.json"
    files = json.loads(cache.read_text(encoding="utf-8"))["files"]
    assert sorted(Path(name).stem for name in files) == ["eye-b", "eye-c"]
    assert _codes(cli_json) == (0, [])  # from the cache
    # another entry now claims eye-a's id: the cached record of eye-c must not hide it
    write_entry(linked_kb, entry_data("eye-a"), name="eye-c")
    code, codes = _codes(cli_json)
    assert code == 1 and "duplicate-id" in codes
    # the linked entry disappears: a broken link, whatever the cache remembered
    write_entry(linked_kb, entry_data("eye-c"))
    (linked_kb / "conditions" / "eye-b.yaml").unlink()
    code, codes = _codes(cli_json)
    assert code == 1 and codes and "duplicate-id" not in codes


def test_a_damaged_cache_is_read_again(
    linked_kb: Path, tmp_path: Path, cli_json: Callable[..., tuple[int, Any]]
) -> None:
    assert _codes(cli_json) == (0, [])
    cache = tmp_path / "cache" / "links.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    for name in data["files"]:
        data["files"][name][2] = ["not", "a", "record"]  # right stamp and name, wrong content
    cache.write_text(json.dumps(data), encoding="utf-8")
    write_entry(linked_kb, entry_data("eye-a"), name="eye-c")
    assert _codes(cli_json)[1] == ["duplicate-id"]
    cache.write_bytes(b"\x00\xff{ not json")
    assert _codes(cli_json)[1] == ["duplicate-id"]
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == VERSION  # rewritten


def test_an_unwritable_cache_folder_costs_only_speed(
    linked_kb: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli_json: Callable[..., tuple[int, Any]],
) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("KBTOOL_CACHE", str(blocker / "cache"))
    assert _codes(cli_json) == (0, [])
    write_entry(linked_kb, entry_data("eye-a"), name="eye-c")
    assert _codes(cli_json)[1] == ["duplicate-id"]
    assert not os.path.exists(blocker / "cache")
