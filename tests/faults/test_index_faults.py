"""A damaged or foreign search index is detected, never trusted and rebuilt with a message;
nothing in a cache folder a KB can name or commit runs code."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kbtool.search.index import ensure_index
from kbtool.search.seal import seal
from kbtool.search.store import IndexStore
from kbtool.web.app import create_app
from kbtool.web.live import LiveKb
from tests.helpers import entry_data, write_entry

SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}
TODAY = dt.date(2026, 11, 22)


def make_kb(kb: Path) -> None:
    write_entry(
        kb,
        entry_data(
            "acute-conjunctivitis", title="急性结膜炎(红眼病)", aliases=["红眼病"], review=SIGNED
        ),
    )
    write_entry(kb, entry_data("opening-hours", "faq", title="门诊时间", review=SIGNED))


def generation(cache: Path) -> Path:
    path = IndexStore.in_cache(cache).current()
    assert path is not None
    return path


DAMAGE: dict[str, Callable[[Path], None]] = {
    "segment-truncated": lambda gen: _cut(next((gen / "whoosh").glob("*.seg")), 100),
    "segment-deleted": lambda gen: next((gen / "whoosh").glob("*.seg")).unlink(),
    "toc-truncated": lambda gen: _cut(next((gen / "whoosh").glob("*.toc")), 10),
    "toc-deleted": lambda gen: next((gen / "whoosh").glob("*.toc")).unlink(),
    "meta-deleted": lambda gen: (gen / "meta.json").unlink(),
    "meta-truncated": lambda gen: _cut(gen / "meta.json", 3),
    "query-truncated": lambda gen: _cut(gen / "query.json", 5),
    "query-edited": lambda gen: (gen / "query.json").write_text(
        (gen / "query.json").read_text("utf-8").replace('"total"', '"totaL"'), "utf-8"
    ),
    "pinyin-table-truncated": lambda gen: _cut(next(gen.parent.glob("pinyin-chars-*.txt")), 50),
    "dictionary-deleted": lambda gen: next(gen.parent.glob("zh-dict-*.bin")).unlink(),
    "manifest-truncated": lambda gen: _cut(gen / "manifest.json", 10),
    "manifest-edited": lambda gen: _edit(
        gen / "manifest.json", b'"indexed": true', b'"indexed": false'
    ),
    "seal-deleted": lambda gen: (gen / "seal.json").unlink(),
    "extra-toc-added": lambda gen: (gen / "whoosh" / "_MAIN_99.toc").write_bytes(b"\0" * 40),
}


def _edit(path: Path, old: bytes, new: bytes) -> None:
    """Change the first `old` in the file to `new`, leaving the rest (and any signature) as it was."""
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def _cut(path: Path, size: int) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(size)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_index_is_rebuilt_with_a_message(kb: Path, cli, damage: str) -> None:  # type: ignore[no-untyped-def]
    make_kb(kb)
    assert cli("index").exit_code == 0
    DAMAGE[damage](generation(Path(".kbtool-cache")))
    result = cli("search", "红眼病")
    assert result.exit_code == 0, result.output
    assert "acute-conjunctivitis" in result.stdout
    assert "note: the search index was damaged and has been repaired" in result.stderr
    assert cli("index").output.startswith("Index up to date")


def test_index_reports_the_repair_instead_of_up_to_date(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    make_kb(kb)
    cli("index")
    _cut(next((generation(Path(".kbtool-cache")) / "whoosh").glob("*.seg")), 100)
    lines = cli("index").output.splitlines()
    assert lines[0].startswith("The search index was damaged and has been repaired: ")
    assert "cut short or changed" in lines[0] and lines[1].startswith("Index ")


def test_a_damaged_current_generation_falls_back_to_the_previous_one(kb: Path) -> None:
    make_kb(kb)
    cache = kb.parent / "cache"
    first = ensure_index(kb, cache).generation
    write_entry(kb, entry_data("nosebleed", title="流鼻血", review=SIGNED))
    second = ensure_index(kb, cache).generation
    assert first is not None and second is not None and first != second
    (second / "meta.json").unlink()
    report = ensure_index(kb, cache)
    assert report.repaired is not None and report.repaired.endswith(
        "rebuilt from the previous index"
    )
    assert report.entries == 3
    assert IndexStore.in_cache(cache).pointer() == (report.generation.name, first.name)  # type: ignore[union-attr]


class _RunsCode:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {PWNED}",))


PWNED = "PWNED-BY-CACHE"


def _plant_payload(cache: Path, kb: Path, attacker_home: Path) -> None:
    """What a hostile commit could hold: a complete index whose whoosh files and old-style
    manifest carry pickles that run code, sealed with the attacker's own key."""
    shutil.rmtree(cache, ignore_errors=True)
    saved = os.environ["XDG_CONFIG_HOME"]
    os.environ["XDG_CONFIG_HOME"] = str(attacker_home)
    try:
        ensure_index(kb, cache)
        gen = generation(cache)
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC

        storage = FileStorage(str(gen / "whoosh"))
        toc = TOC.read(storage, "MAIN")
        toc.segments = [_RunsCode()]
        (gen / "whoosh" / "_MAIN_1.toc").unlink()
        toc.write(storage, "MAIN")
        (gen / "manifest.pickle").write_bytes(pickle.dumps(_RunsCode()))
        seal(
            gen,
            {
                "dict": next(gen.parent.glob("zh-dict-*.bin")).name,
                "chars": next(gen.parent.glob("pinyin-chars-*.txt")).name,
            },
        )
    finally:
        os.environ["XDG_CONFIG_HOME"] = saved


def test_a_committed_cache_folder_never_runs_code(kb: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    make_kb(kb)
    (kb / "kbtool.yaml").write_text("cache_dir: committed-cache\n", "utf-8")
    cache = kb.parent / "committed-cache"
    for command in (["search", "红眼病"], ["index"]):
        _plant_payload(cache, kb, tmp_path / "attacker")
        result = cli(*command)
        assert result.exit_code == 0, result.output
        assert not Path(PWNED).exists(), command
        assert "was not written by kbtool under this user account" in result.output
    _plant_payload(cache, kb, tmp_path / "attacker")
    live = LiveKb(kb, cache, today=lambda: TODAY, poll_seconds=3600)
    live.stop()
    assert not Path(PWNED).exists()


def test_staff_app_health_tells_the_truth_and_the_index_repairs_itself(kb: Path) -> None:
    make_kb(kb)
    cache = kb.parent / "cache"
    live = LiveKb(kb, cache, today=lambda: TODAY, poll_seconds=3600)
    client = create_app(live).test_client()
    try:
        assert client.get("/api/health").get_json()["ok"] is True
        gen = generation(cache)
        _cut(next((gen / "whoosh").glob("*.seg")), 100)
        health = client.get("/api/health").get_json()
        assert health["ok"] is False and "cut short or changed" in health["index_problem"]
        response = client.get("/api/search?q=红眼病")
        assert response.status_code == 200
        assert response.get_json()["results"][0]["id"] == "acute-conjunctivitis"
        health = client.get("/api/health").get_json()
        assert health["ok"] is True and health["repairs"] == 1 and health["index"] != gen.name
        (generation(cache) / "query.json").unlink()
        assert live.repair() is True  # what the watcher does on its next round
        assert client.get("/api/health").get_json()["ok"] is True
    finally:
        live.stop()
