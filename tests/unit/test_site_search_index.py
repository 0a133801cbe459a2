"""The patient site's search index (kbtool/publish/sitesearch): what goes in, how it is packed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kbtool.check import check_kb
from kbtool.publish.catalog import Catalog, build_catalog
from kbtool.publish.select import select_entries
from kbtool.publish.settings import language_config, load_settings
from kbtool.publish.sitesearch import INDEX_FILE, search_files, search_settings
from kbtool.publish.sitesearch.fields import field_texts, plain_body
from kbtool.publish.sitesearch.index import index_json, search_index, short_summary
from kbtool.publish.sitesearch.postings import ALPHABET, encode, impact, varint
from kbtool.publish.sitesearch.readings import common_chars, reading_table
from tests.helpers import entry_data, write_entry

TODAY = dt.date(2026, 11, 22)
REVIEW = {
    "reviewed_by": "示例医生（虚构）",
    "reviewed_on": "2026-03-01",
    "next_review": "2027-03-01",
}


def small_kb(kb: Path) -> None:
    write_entry(
        kb,
        entry_data(
            "ectopic-pregnancy",
            title="宫外孕（异位妊娠）",
            aliases=["异位妊娠", "宫外孕", "ectopic pregnancy"],
            summary="宫外孕是受精卵在子宫腔以外的地方着床。破裂时可引起内出血，需要尽快就医。",
            body="## 常见表现\n\n- 停经后**下腹痛**\n- 见 [指南](https://example.org/g)\n",
            staff_notes="STAFFONLYNOTE 不要告诉患者",
            red_flags=[
                {"when": "突发剧烈腹痛", "urgency": "emergency", "action": "立即拨打 120。"}
            ],
            review=dict(REVIEW),
        ),
    )
    write_entry(
        kb,
        entry_data(
            "ectopic-pregnancy-en",
            lang="en",
            title="Ectopic pregnancy",
            summary="An ectopic pregnancy grows outside the womb. It needs urgent care.",
            body="## Symptoms\n\n- tummy pain on one side\n",
            review={**REVIEW, "next_review": "2026-06-01"},
        ),
    )
    write_entry(kb, entry_data("draft-entry", title="草稿页面", body="DRAFTONLYWORD\n"))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    kb = tmp_path_factory.mktemp("site-search") / "kb"
    small_kb(kb)
    check = check_kb(kb, TODAY)
    return build_catalog(select_entries(check, TODAY, lambda entry: None))


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> dict[str, Any]:
    return search_index(catalog)


VALUE = {char: number for number, char in enumerate(ALPHABET)}


def varints(text: str) -> list[int]:
    out, at = [], 0
    while at < len(text):
        number, shift = 0, 0
        while True:
            digit = VALUE[text[at]]
            at += 1
            number += (digit & 31) << shift
            shift += 5
            if not digit & 32:
                break
        out.append(number)
    return out


def decode(packed: str) -> list[tuple[int, int]]:
    """The reading `search.js` does of one word's postings: (entry number, impact)."""
    out, at, doc = [], 0, 0
    while at < len(packed):
        gap, shift = 0, 0
        while True:
            digit = VALUE[packed[at]]
            at += 1
            gap += (digit & 31) << shift
            shift += 5
            if not digit & 32:
                break
        doc += gap
        out.append((doc, VALUE[packed[at]]))
        at += 1
    return out


def unpack(index: dict[str, Any]) -> dict[str, tuple[int, int, list[tuple[int, int]]]]:
    """word -> (count class, name flag, postings), from the index's parallel strings."""
    words = index["terms"].split("\n")
    lengths = varints(index["lengths"])
    assert len(words) == len(lengths) == len(index["classes"]) == len(index["names"])
    out, at = {}, 0
    for number, word in enumerate(words):
        packed = index["postings"][at : at + lengths[number]]
        at += lengths[number]
        out[word] = (VALUE[index["classes"][number]], VALUE[index["names"][number]], decode(packed))
    assert at == len(index["postings"])
    return out


def test_only_published_patient_text_is_indexed(catalog: Catalog) -> None:
    text = index_json(catalog)
    data = json.loads(text)
    assert [row[0] for row in data["docs"]] == [
        "conditions/ectopic-pregnancy/",
        "en/conditions/ectopic-pregnancy-en/",
    ]
    for hidden in ("STAFFONLYNOTE", "staffonlynote", "DRAFTONLYWORD", "draftonlyword", "草稿页面"):
        assert hidden not in text
    assert "example.org" not in text  # link targets are not words


def test_doc_rows_hold_what_a_result_shows(index: dict[str, Any]) -> None:
    rows = index["docs"]
    url, title, summary, lang, kind, reviewed_on, next_review, state = rows[1]
    assert (url, title, lang, kind) == (
        "en/conditions/ectopic-pregnancy-en/",
        "Ectopic pregnancy",
        "en",
        "condition",
    )
    assert summary.startswith("An ectopic pregnancy")
    assert (reviewed_on, next_review, state) == ("2026-03-01", "2026-06-01", "overdue")


def test_terms_cover_names_words_pinyin_and_english(index: dict[str, Any]) -> None:
    terms = unpack(index)
    for word in ("宫外孕", "异位妊娠", "异位", "妊娠", "ectopic", "pregnancy", "120", "停经"):
        assert word in terms, word
    assert "的" not in terms and "the" not in terms  # stopwords are never searched
    assert terms["宫外孕"][1] == 1  # a name word: matched by sound too
    assert terms["内出血"][1] == 0
    assert terms["妊娠"][0] > 8  # a count class for cutting queries
    assert [doc for doc, _ in terms["宫外孕"][2]] == [0]
    assert [doc for doc, _ in terms["pregnancy"][2]] == [0, 1]
    assert [doc for doc, _ in terms["womb"][2]] == [1]
    assert index["longest"] >= len("异位妊娠")


def test_words_are_sorted_as_javascript_compares_strings(index: dict[str, Any]) -> None:
    words = index["terms"].split("\n")
    assert words == sorted(words, key=lambda word: word.encode("utf-16-be"))
    first_han = next(n for n, word in enumerate(words) if not word.isascii())
    assert all(word.isascii() for word in words[:first_han])
    assert not any(word.isascii() for word in words[first_han:])


def test_postings_are_packed_as_search_js_reads_them() -> None:
    postings = [(0, 5), (3, 63), (40, 1), (1100, 20), (100_000, 7)]
    assert decode(encode(postings)) == postings
    assert varints("".join(varint(n) for n in (0, 31, 32, 1023, 70_000))) == [
        0,
        31,
        32,
        1023,
        70_000,
    ]
    assert varint(0) == "A" and varint(31) == ALPHABET[31] and len(varint(32)) == 2
    assert impact(0.0) == 1 and impact(1e9) == 63
    assert impact(0.5) < impact(1.0) < impact(5.0)


def test_titles_outweigh_bodies(index: dict[str, Any]) -> None:
    terms = unpack(index)
    assert terms["宫外孕"][2][0][1] > terms["停经"][2][0][1]


def test_the_same_entries_give_the_same_bytes(catalog: Catalog) -> None:
    assert index_json(catalog) == index_json(catalog)
    assert list(search_files(catalog)) == [INDEX_FILE]


def test_field_texts_and_plain_body(catalog: Catalog) -> None:
    item = catalog.items["ectopic-pregnancy"]
    fields = field_texts(item)
    assert fields["alias"] == ["异位妊娠", "宫外孕", "ectopic pregnancy"]
    assert fields["flags"] == ["突发剧烈腹痛", "立即拨打 120。"]
    assert "staff" not in " ".join(" ".join(pieces) for pieces in fields.values()).lower()
    plain = plain_body("## 标题\n\n- **粗体** [链接](https://a.example/x) `code`\n1. 第一\n")
    assert "**" not in plain and "a.example" not in plain and "链接" in plain and "第一" in plain


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("短的。", "zh", "短的。"),
        (
            "第一句很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。" * 3,
            "zh",
            None,
        ),
        ("word " * 80, "en", None),
    ],
)
def test_short_summary(text: str, lang: str, expected: str | None) -> None:
    summary = short_summary(text, lang)
    if expected is not None:
        assert summary == expected
    else:
        assert len(summary) <= {"zh": 80, "en": 160}[lang]
        assert summary.endswith(("。", "…"))


def test_readings_cover_common_characters_and_index_words() -> None:
    assert len(common_chars()) == 3755
    table = reading_table(["宫外孕", "𬌗"])
    assert "孕" in table["p"]["yun"] and "运" in table["p"]["yun"]
    assert "血" in table["p"]["xue"] and "血" in table["s"]["xie"]


def test_each_language_finds_the_one_index(tmp_path: Path) -> None:
    assert search_settings("zh")["index"] == INDEX_FILE
    assert search_settings("en")["index"] == "../" + INDEX_FILE
    config: dict[str, Any] = language_config(
        load_settings(None), "en", tmp_path / "d", tmp_path / "s", tmp_path / "o"
    )
    search = config["extra"]["kbtool_search"]
    assert search["lang"] == "en" and search["labels"]["overdue"] == "Review overdue"
    assert search["labels"]["type.faq"] == "Questions"
