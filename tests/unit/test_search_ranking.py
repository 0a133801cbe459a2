"""Ranking of each kind of query staff type, on a small knowledge base."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kbtool.search import Searcher, ensure_index
from kbtool.search.results import SearchResponse
from tests.unit.test_search_fixtures import TODAY, seeded_cache, write_small_kb


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    base = tmp_path_factory.mktemp("ranking")
    kb = base / "kb"
    write_small_kb(kb)
    cache = seeded_cache(base)
    ensure_index(kb, cache)
    with Searcher(cache) as opened:
        yield opened


def find(searcher: Searcher, query: str, **options: object) -> SearchResponse:
    return searcher.search(query, today=TODAY, **options)  # type: ignore[arg-type]


def ids(response: SearchResponse) -> list[str]:
    return [result.id for result in response.results]


@pytest.mark.parametrize(
    "kind, query, expected",
    [
        ("title", "急性结膜炎", "acute-conjunctivitis"),
        ("title", "宫外孕（异位妊娠）", "ectopic-pregnancy"),
        ("lay term", "红眼病", "acute-conjunctivitis"),
        ("lay term", "人流", "abortion-aftercare"),
        ("symptom", "人流后一直出血", "abortion-aftercare"),
        ("symptom", "早上眼屎多眼睛发红", "acute-conjunctivitis"),
        ("question", "你们这能刷医保卡吗", "insurance-card"),
        ("question", "打完人流多久可以同房", "abortion-aftercare"),
        ("typo", "宫外运", "ectopic-pregnancy"),
        ("typo", "红眼冰", "acute-conjunctivitis"),
        ("pinyin", "gongwaiyun", "ectopic-pregnancy"),
        ("pinyin", "hongyanbing", "acute-conjunctivitis"),
        ("pinyin", "gong wai yun", "ectopic-pregnancy"),
        ("pinyin initials", "gwy", "ectopic-pregnancy"),
        ("english", "ectopic pregnancy", "ectopic-pregnancy-en"),
        ("english", "pink eye", "acute-conjunctivitis"),
        ("english typo", "ectopik pregnancy", "ectopic-pregnancy-en"),
        ("mixed", "HPV 疫苗", "hpv-vaccine"),
        ("mixed", "宫外yun", "ectopic-pregnancy"),
    ],
)
def test_each_kind_of_query_ranks_the_right_entry_first(
    searcher: Searcher, kind: str, query: str, expected: str
) -> None:
    response = find(searcher, query)
    assert ids(response)[:1] == [expected], (kind, query, ids(response))


@pytest.mark.parametrize(
    "query, corrected",
    [
        ("宫外运", "宫外孕"),
        ("gongwaiyun", "宫外孕"),
        ("红眼冰", "红眼病"),
        ("ectopik pregnancy", "ectopic pregnancy"),
    ],
)
def test_a_correction_is_reported(searcher: Searcher, query: str, corrected: str) -> None:
    assert find(searcher, query).corrected == corrected


@pytest.mark.parametrize(
    "query", ["红眼病", "宫外孕", "ectopic pregnancy", "人流后一直出血", "HPV 疫苗"]
)
def test_no_correction_when_the_words_were_found_as_typed(searcher: Searcher, query: str) -> None:
    assert find(searcher, query).corrected is None


def test_more_words_narrow_the_results(searcher: Searcher) -> None:
    broad = find(searcher, "出血", limit=10)
    narrow = find(searcher, "出血 人流", limit=10)
    all_broad = [r.id for r in broad.results if r.all_words]
    all_narrow = [r.id for r in narrow.results if r.all_words]
    assert "abortion-aftercare" in all_narrow
    assert set(all_narrow) < set(all_broad)
    assert narrow.results[0].id == "abortion-aftercare"
    assert all(r.all_words for r in narrow.results[: len(all_narrow)])


def test_falls_back_to_partial_matches_when_nothing_matches_all_words(searcher: Searcher) -> None:
    response = find(searcher, "红眼病 火星旅行")
    assert response.results and response.results[0].id == "acute-conjunctivitis"
    assert not response.results[0].all_words
    assert 0 < response.coverage < 1


def test_drafts_are_excluded_unless_asked_for(searcher: Searcher) -> None:
    assert "nosebleed" not in ids(find(searcher, "流鼻血怎么办"))
    included = find(searcher, "流鼻血怎么办", include_drafts=True)
    assert ids(included)[0] == "nosebleed"
    assert included.results[0].review_state == "draft"


def test_filters_by_type_lang_and_specialty(searcher: Searcher) -> None:
    assert all(
        r.lang == "zh" for r in find(searcher, "宫外孕 pregnancy", lang="zh", limit=10).results
    )
    assert ids(find(searcher, "ectopic pregnancy", lang="en"))[0] == "ectopic-pregnancy-en"
    assert all(r.type == "faq" for r in find(searcher, "疫苗 医保", type="faq").results)
    assert ids(find(searcher, "疫苗", specialty=" 妇科 ")) == ["hpv-vaccine"]
    assert ids(find(searcher, "疫苗", specialty="眼科")) == []


def test_red_flags_come_emergency_first_then_urgent_then_routine(searcher: Searcher) -> None:
    result = find(searcher, "宫外孕").results[0]
    assert [flag["urgency"] for flag in result.red_flags] == ["emergency", "urgent", "routine"]


def test_overdue_entries_are_flagged(searcher: Searcher) -> None:
    result = find(searcher, "flu fever").results[0]
    assert result.id == "flu" and result.review_state == "overdue" and result.needs_warning


def test_matched_words_are_highlighted(searcher: Searcher) -> None:
    result = find(searcher, "红眼病").results[0]
    assert "红眼病" in result.matched
    title_spans = result.highlights["title"]
    assert any(result.title[start:end] == "红眼病" for start, end in title_spans)
    english = find(searcher, "pregnancies").results[0]
    assert any(english.title[s:e] == "pregnancy" for s, e in english.highlights["title"])


def test_english_words_are_stemmed(searcher: Searcher) -> None:
    assert ids(find(searcher, "pregnancies outside womb"))[0] == "ectopic-pregnancy-en"


def test_gap_detection(searcher: Searcher) -> None:
    assert find(searcher, "狂犬疫苗打几针 宠物咬伤").is_gap  # most words found nowhere
    assert find(searcher, "火星旅行").is_gap  # nothing found
    assert find(searcher, "盆浴").is_gap  # only mentioned in passing in a body
    assert not find(searcher, "红眼病").is_gap
    assert not find(
        searcher, "孩子红眼病 39 度"
    ).is_gap  # numbers and single characters are details
    assert not find(searcher, "   ").is_gap


def test_correction_keeps_what_was_typed_around_it(searcher: Searcher) -> None:
    assert find(searcher, "HPV 宫井癌疫苗").corrected == "HPV 宫颈癌疫苗"
