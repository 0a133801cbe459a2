"""Building the index, incremental re-indexing by content hash, and the atomic swap."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from kbtool.search import Searcher, ensure_index
from kbtool.search import store as store_module
from kbtool.search.manifest import file_hash, read_manifest
from kbtool.search.store import IndexStore
from tests.helpers import entry_data, write_entry, write_raw
from tests.unit.test_search_fixtures import SMALL_KB, TODAY, reviewed, seeded_cache, write_small_kb


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    write_small_kb(root)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return seeded_cache(tmp_path)


def top(cache: Path, query: str) -> list[str]:
    with Searcher(cache) as searcher:
        return [r.id for r in searcher.search(query, today=TODAY, include_drafts=True).results]


def test_first_build_indexes_every_entry(kb: Path, cache: Path) -> None:
    report = ensure_index(kb, cache)
    assert report.rebuilt and report.updated
    assert report.entries == len(SMALL_KB)
    assert report.generation is not None and report.generation.name == "gen-000001"
    assert IndexStore.in_cache(cache).pointer() == ("gen-000001", None)


def test_nothing_changed_nothing_rebuilt(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    report = ensure_index(kb, cache)
    assert not report.updated and report.reindexed == [] and report.generation.name == "gen-000001"


def test_touched_but_unchanged_file_is_not_reindexed(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    path = kb / "conditions" / "flu.yaml"
    os.utime(path, ns=(10**18, 10**18))
    report = ensure_index(kb, cache)
    assert not report.updated
    manifest = read_manifest(IndexStore.in_cache(cache).current(), kb)
    assert manifest is not None
    assert manifest.entries["conditions/flu.yaml"]["mtime_ns"] == 10**18


def test_only_the_changed_entry_is_reindexed(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    data = dict(SMALL_KB[-1], summary="肾结石可引起剧烈腰痛，也叫腰子结石。")
    write_entry(kb, data)
    report = ensure_index(kb, cache)
    assert report.updated and not report.rebuilt
    assert report.changed == ["conditions/kidney-stones.yaml"]
    assert report.reindexed == ["conditions/kidney-stones.yaml"]
    assert report.generation.name == "gen-000002"
    assert top(cache, "腰子结石")[0] == "kidney-stones"
    manifest = read_manifest(report.generation, kb)
    assert manifest.entries["conditions/kidney-stones.yaml"]["sha256"] == file_hash(
        kb / "conditions" / "kidney-stones.yaml"
    )


def test_added_and_removed_entries(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    write_entry(kb, entry_data("otitis-media", title="中耳炎", aliases=["耳朵发炎"], **reviewed()))
    (kb / "conditions" / "kidney-stones.yaml").unlink()
    report = ensure_index(kb, cache)
    assert report.added == ["conditions/otitis-media.yaml"]
    assert report.removed == ["conditions/kidney-stones.yaml"]
    assert report.reindexed == ["conditions/otitis-media.yaml"]
    assert top(cache, "耳朵发炎")[0] == "otitis-media"
    assert "kidney-stones" not in top(cache, "肾结石")


def test_a_new_dictionary_word_reindexes_the_entries_that_contain_it(kb: Path, cache: Path) -> None:
    write_entry(
        kb,
        entry_data(
            "red-eye-note",
            "faq",
            title="眼睛问题",
            question="眼睛红怎么办？",
            body="## 说明\n\n可能是结膜充血引起的。\n",
            **reviewed(),
        ),
    )
    ensure_index(kb, cache)
    data = dict(SMALL_KB[0], aliases=["红眼病", "红眼", "pink eye", "结膜充血"])
    write_entry(kb, data)
    report = ensure_index(kb, cache)
    assert report.changed == ["conditions/acute-conjunctivitis.yaml"]
    assert report.reindexed == ["conditions/acute-conjunctivitis.yaml", "faq/red-eye-note.yaml"]


def test_rebuild_builds_everything_again(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    report = ensure_index(kb, cache, rebuild=True)
    assert report.rebuilt and len(report.reindexed) == len(SMALL_KB)


def test_another_kb_in_the_same_cache_is_indexed_from_scratch(
    kb: Path, cache: Path, tmp_path: Path
) -> None:
    ensure_index(kb, cache)
    other = tmp_path / "other"
    write_entry(other, entry_data("only-one", title="唯一条目", **reviewed()))
    report = ensure_index(other, cache)
    assert report.rebuilt and report.entries == 1


def test_unreadable_entries_are_skipped_and_reported(kb: Path, cache: Path) -> None:
    write_raw(kb, "faq/broken.yaml", "id: broken\ntitle: [unclosed\n")
    write_entry(kb, {k: v for k, v in entry_data("no-summary").items() if k != "summary"})
    report = ensure_index(kb, cache)
    assert report.entries == len(SMALL_KB)
    assert sorted({p.entry for p in report.skipped}) == ["broken", "no-summary"]
    assert all(p.severity == "error" for p in report.skipped)


def test_entries_with_other_errors_are_searchable_but_flagged(kb: Path, cache: Path) -> None:
    write_entry(
        kb, entry_data("html-note", title="含有网页代码的条目", body="<b>粗体</b>\n", **reviewed())
    )
    report = ensure_index(kb, cache)
    assert {p.entry for p in report.flagged} == {"html-note"}
    with Searcher(cache) as searcher:
        result = searcher.search("网页代码", today=TODAY).results[0]
    assert result.id == "html-note" and result.problems


def test_a_failed_build_leaves_the_current_index_in_use(
    kb: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_index(kb, cache)
    searcher = Searcher(cache)
    write_entry(kb, dict(SMALL_KB[-1], summary="新的说明：腰子结石。"))

    def fail(self: IndexStore, generation: Path, previous: str | None = None) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(IndexStore, "publish", fail)
    with pytest.raises(OSError):
        ensure_index(kb, cache)
    assert IndexStore.in_cache(cache).pointer()[0] == "gen-000001"
    assert searcher.search("肾结石", today=TODAY).results[0].id == "kidney-stones"
    assert searcher.generation == "gen-000001"
    monkeypatch.undo()
    report = ensure_index(kb, cache)
    assert report.changed == ["conditions/kidney-stones.yaml"]
    assert searcher.search("腰子结石", today=TODAY).results[0].id == "kidney-stones"
    assert searcher.generation == report.generation.name
    searcher.close()


def test_an_open_searcher_picks_up_a_swapped_index(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    with Searcher(cache) as searcher:
        assert searcher.search("耳朵发炎", today=TODAY).results == []
        write_entry(
            kb, entry_data("otitis-media", title="中耳炎", aliases=["耳朵发炎"], **reviewed())
        )
        ensure_index(kb, cache)
        assert searcher.search("耳朵发炎", today=TODAY).results[0].id == "otitis-media"


def test_old_generations_are_removed_but_the_previous_one_is_kept(
    kb: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "GRACE_SECONDS", 0.0)
    ensure_index(kb, cache)
    for number in range(4):
        write_entry(kb, dict(SMALL_KB[-1], summary=f"第{number}版说明。"))
        ensure_index(kb, cache)
    generations = sorted(p.name for p in (cache / "search").glob("gen-*"))
    assert generations == ["gen-000004", "gen-000005"]
    assert IndexStore.in_cache(cache).pointer() == ("gen-000005", "gen-000004")


def test_searches_during_rebuilds_never_see_a_half_built_index(kb: Path, cache: Path) -> None:
    ensure_index(kb, cache)
    errors: list[BaseException] = []
    answers: list[list[str]] = []
    done = threading.Event()

    def rebuild() -> None:
        try:
            for number in range(6):
                write_entry(kb, dict(SMALL_KB[-1], summary=f"第{number}版：肾结石可引起腰痛。"))
                ensure_index(kb, cache, rebuild=number % 3 == 2)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            done.set()

    def search(shared: Searcher | None) -> None:
        try:
            while not done.is_set():
                if shared is None:
                    with Searcher(cache) as own:  # a fresh reader each time, like a CLI call
                        answers.append([r.id for r in own.search("红眼病", today=TODAY).results])
                else:
                    answers.append([r.id for r in shared.search("红眼病", today=TODAY).results])
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    shared = Searcher(cache)
    threads = [threading.Thread(target=rebuild)] + [
        threading.Thread(target=search, args=(value,)) for value in (shared, shared, None)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    shared.close()
    assert errors == []
    assert answers and all(answer and answer[0] == "acute-conjunctivitis" for answer in answers)


def test_quick_and_full_dictionary_loading_give_the_same_terms(tmp_path: Path) -> None:
    from kbtool.search.analysis import DocumentAnalyzer

    root = seeded_cache(tmp_path) / "search"
    quick, full = DocumentAnalyzer(root, few=True), DocumentAnalyzer(root, few=False)
    words = sorted({w for data in SMALL_KB for w in full.term_candidates(data)})
    assert words == sorted({w for data in SMALL_KB for w in quick.term_candidates(data)})
    quick.add_user_words(words)
    full.add_user_words(words)
    assert quick.total == full.total
    for data in SMALL_KB:
        assert quick.analyse(data) == full.analyse(data)


def test_a_phrase_seen_before_is_cut_again_after_a_dictionary_word_is_added(
    tmp_path: Path,
) -> None:
    from kbtool.search.analysis import DocumentAnalyzer

    analyzer = DocumentAnalyzer(seeded_cache(tmp_path) / "search", few=True)
    phrase = "请注意红眼睛病的表现"
    assert "红眼睛病" not in analyzer.words(phrase)
    assert analyzer.words(phrase) == analyzer.words(phrase)  # the same phrase, the same words
    analyzer.add_user_words(["红眼睛病"])
    assert "红眼睛病" in analyzer.words(phrase)
