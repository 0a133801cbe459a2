"""Pinyin keys: typed pinyin split into syllables, fuzzy folding, initials."""

from __future__ import annotations

import pytest

from kbtool.search import pinyin


@pytest.mark.parametrize(
    "typed, syllables",
    [
        ("gongwaiyun", ("gong", "wai", "yun")),
        ("hongyanbing", ("hong", "yan", "bing")),
        ("yibao", ("yi", "bao")),
        ("xian", ("xian",)),
        ("zhongerya", ("zhong", "er", "ya")),
    ],
)
def test_typed_pinyin_is_split_into_syllables(typed: str, syllables: tuple[str, ...]) -> None:
    assert pinyin.split_latin(typed) == syllables


@pytest.mark.parametrize("typed", ["hpv", "gwy", "pregnancy", "covid19", "ü", ""])
def test_words_that_are_not_pinyin(typed: str) -> None:
    assert pinyin.split_latin(typed) is None


def test_keys_fold_common_typing_confusions() -> None:
    assert pinyin.key(["zhong", "shen"]) == pinyin.key(["zong", "sen"])
    assert pinyin.key(["bing"]) == pinyin.key(["bin"])
    assert pinyin.initials(["gong", "wai", "yun"]) == "gwy"
    assert pinyin.bigrams(["gong", "wai", "yun"]) == ["gong_wai", "wai_yun"]


def test_char_table_and_word_readings() -> None:
    table = pinyin.char_table()
    assert table["孕"] == ("yun",)
    assert "hang" in table["行"] and "xing" in table["行"]
    assert pinyin.word_syllables("银行") == ("yin", "hang")
