"""Query analysis: any text at all is a valid query; segmentation matches jieba's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtool.search import Searcher, ensure_index
from kbtool.search.dictionary import with_prefixes
from kbtool.search.segment import Segmenter
from kbtool.search.tokens import MAX_QUERY_CHARS, clean, normalize, runs
from tests.unit.test_search_fixtures import TODAY, seeded_cache, write_small_kb


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    base = tmp_path_factory.mktemp("query")
    write_small_kb(base / "kb")
    cache = seeded_cache(base)
    ensure_index(base / "kb", cache)
    with Searcher(cache) as opened:
        yield opened


HOSTILE = [
    "",
    " ",
    "\x00",
    "*",
    "?",
    "AND OR NOT",
    "title:红眼病",
    '"unclosed',
    "(((",
    "a" * 5000,
    "红" * 3000,
    "😷🤒 发烧",
    "\ud800",
    "\udcff乱码",
    "ｇｏｎｇｗａｉｙｕｎ",
    "１３８１２３４５６７８",
    "ḧ̵̡e̷l̸p̵",
    "إسهال",
    "🏥" * 100,
    "\n\t\r",
    "-- --help",
    "宫外运" * 200,
    "%s%d{}",
    "../../etc/passwd",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_answered(searcher: Searcher, query: str) -> None:
    response = searcher.search(query, today=TODAY)
    data = response.as_dict()
    assert list(data) == ["query", "corrected", "results"]
    data["query"].encode("utf-8")  # printable as UTF-8, whatever came in


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=400))
def test_any_text_is_a_valid_query(searcher: Searcher, query: str) -> None:
    response = searcher.search(query, today=TODAY, limit=3)
    assert len(response.results) <= 3
    assert all(result.id for result in response.results)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet="红眼病宫外孕运人流后出血医保卡刷gongwaiyun HPV疫苗 ", max_size=60))
def test_queries_made_of_kb_words_are_answered(searcher: Searcher, query: str) -> None:
    searcher.search(query, today=TODAY, include_drafts=True)


def test_normalize_and_runs() -> None:
    assert normalize("ＨＰＶ疫苗") == "hpv疫苗"
    assert [(r.kind, r.text) for r in runs(normalize("HPV 疫苗, B超!"))] == [
        ("latin", "hpv"),
        ("han", "疫苗"),
        ("latin", "b"),
        ("han", "超"),
    ]
    assert clean("\udcff") == "\ufffd" and clean("正常") == "正常"
    assert len(normalize("x" * 10_000)[:MAX_QUERY_CHARS]) == MAX_QUERY_CHARS


WORDS = {
    "宫外孕": 22,
    "宫外": 5,
    "外运": 30,
    "人流": 268,
    "出血": 563,
    "一直": 18596,
    "医保": 273,
    "医保卡": 2,
    "刷卡": 80,
    "红眼病": 10,
    "红眼": 40,
    "眼病": 90,
    "怀孕": 900,
    "早孕": 60,
    "宫": 300,
    "外": 5000,
    "孕": 425,
    "运": 5366,
    "人": 20000,
    "流": 3000,
    "后": 124793,
    "出": 20000,
    "血": 1500,
    "一": 90000,
    "直": 4000,
    "刷": 300,
    "医": 2000,
    "保": 3000,
    "卡": 2500,
}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="宫外孕运人流后出血一直医保卡刷红眼病怀早", min_size=1, max_size=30))
def test_segmenter_cuts_like_jieba(text: str) -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = (
        with_prefixes(WORDS),
        sum(WORDS.values()),
        True,
    )
    segmenter = Segmenter(with_prefixes(WORDS), sum(WORDS.values()))
    assert segmenter.words(text) == tokenizer.lcut(text, HMM=False)
    expected = [w for w in tokenizer.lcut_for_search(text, HMM=False)]
    mine = []
    for word in segmenter.words(text):
        mine += [sub for sub in segmenter.subwords(word) if len(sub) == 2]
        mine += [sub for sub in segmenter.subwords(word) if len(sub) == 3]
        mine.append(word)
    assert sorted(mine) == sorted(expected)


def test_corrections_offer_the_careful_spelling_and_never_split_a_word(tmp_path: Path) -> None:
    from tests.helpers import entry_data, write_entry
    from tests.unit.test_search_fixtures import reviewed

    kb = tmp_path / "kb"
    write_entry(
        kb,
        entry_data(
            "privacy",
            "faq",
            title="就诊隐私保护",
            question="看病会被别人知道吗？",
            aliases=["隐私保户", "隐私保护"],
            body="## 隐私保护\n\n我们保护您的隐私。\n",
            **reviewed(),
        ),
    )
    write_entry(
        kb,
        entry_data(
            "contraception",
            "faq",
            title="紧急避孕",
            question="事后药怎么吃？",
            aliases=["事后药"],
            **reviewed(),
        ),
    )
    write_entry(
        kb,
        entry_data(
            "fever", "faq", title="发烧什么时候要就医", question="发烧要去医院吗？", **reviewed()
        ),
    )
    write_entry(
        kb,
        entry_data(
            "stones",
            "aftercare",
            title="碎石术后护理",
            aliases=["碎石后尿血"],
            body="## 尿血\n\n碎石后尿血常见。\n",
            **reviewed(),
        ),
    )
    cache = seeded_cache(tmp_path)
    ensure_index(kb, cache)
    with Searcher(cache) as searcher:

        def corrected(query: str) -> str | None:
            return searcher.search(query, today=TODAY).corrected

        assert corrected("隐私保护") is None  # an alias that is also the careful spelling
        assert corrected("隐丝保护") == "隐私保护"  # not the misspelt alias 隐私保户
        assert corrected("事后药") is None  # 事后 sounds like 时候, but 事后药 is a word
        assert (
            corrected("碎石后尿雪") == "碎石后尿血"
        )  # 血 read xue as staff type it, xie by pypinyin
        assert corrected("Suishi 后") == "碎石 后"  # typed text outside the correction kept as is
        assert searcher.search("隐丝保护", today=TODAY).results[0].id == "privacy"
