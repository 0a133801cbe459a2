"""The browser side of the patient search (theme/assets/kbtool/search.js), run in Node over an
index built from a small KB: how queries are cut, stemmed, read as pinyin, and ranked.

Skipped when Node is not installed, except in CI (which has it: npm is used for the browser
tests)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kbtool.check import check_kb
from kbtool.publish.catalog import build_catalog
from kbtool.publish.select import select_entries
from kbtool.publish.settings import THEME_DIR
from kbtool.publish.sitesearch.index import index_json
from tests.helpers import entry_data, write_entry

NODE = shutil.which("node")
ENGINE = THEME_DIR / "assets" / "kbtool" / "search.js"
TODAY = dt.date(2026, 11, 22)
REVIEW = {
    "reviewed_by": "示例医生（虚构）",
    "reviewed_on": "2026-03-01",
    "next_review": "2027-03-01",
}
DRIVER = """
const engine = require(process.argv[1]);
const index = engine.load(JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')));
const out = JSON.parse(process.argv[3]).map(([query, lang]) => {
  const found = index.search(query, {lang: lang || 'zh', limit: 10});
  return {
    units: found.query.units.filter(u => !u.stop).map(u => u.text),
    lang: found.lang,
    ids: found.results.map(hit => hit.entry[0].replace(/\\/$/, '').split('/').pop()),
  };
});
const words = JSON.parse(process.argv[4]).map(word => engine.stem(word));
console.log(JSON.stringify({out, words}));
"""


def small_kb(kb: Path) -> None:
    entries = [
        entry_data(
            "ectopic-pregnancy",
            title="宫外孕（异位妊娠）",
            aliases=["异位妊娠", "宫外孕", "ectopic pregnancy"],
            summary="宫外孕是受精卵在子宫腔以外的地方着床。破裂时可引起内出血，需要尽快就医。",
            body="## 常见表现\n\n- 停经后一侧下腹痛\n- 少量阴道出血\n",
        ),
        entry_data(
            "ectopic-pregnancy-en",
            lang="en",
            title="Ectopic pregnancy",
            summary="An ectopic pregnancy grows outside the womb. It needs urgent care.",
            body="## Symptoms\n\n- tummy pain on one side\n- vaginal bleeding\n",
        ),
        entry_data(
            "acute-conjunctivitis",
            title="急性结膜炎（红眼病）",
            aliases=["红眼病", "结膜炎", "pink eye"],
            summary="急性结膜炎是眼睛表面的炎症，常见眼红、分泌物多。",
            body="## 自我护理\n\n- 毛巾单独使用\n- 眼睛发痒时不要揉\n",
        ),
        entry_data(
            "acute-conjunctivitis-en",
            lang="en",
            title="Acute conjunctivitis (pink eye)",
            aliases=["pink eye", "red eye"],
            summary="Conjunctivitis makes the eye red and sticky. Infections usually clear up.",
            body="## Treatment\n\n- infected eyes need clean towels\n",
        ),
        entry_data(
            "opening-hours-en",
            "faq",
            lang="en",
            title="Outpatient opening hours",
            question="When is the clinic open?",
            summary="Clinics are open on weekdays. The emergency department is open 24 hours.",
            body="## Weekends\n\nSome clinics open at weekends.\n",
        ),
        entry_data(
            "nosebleed",
            "faq",
            title="流鼻血怎么办",
            question="流鼻血怎么办？",
            aliases=["鼻出血", "鼻子出血"],
            summary="多数流鼻血可以在家止住：坐直、身体前倾，捏住鼻翼 10 分钟。",
            body="## 怎么止血\n\n- 不要仰头\n",
        ),
    ]
    for data in entries:
        write_entry(kb, {**data, "review": dict(REVIEW)})


@pytest.mark.skipif(not os.environ.get("CI"), reason="only checked in CI")
def test_node_is_installed_in_ci() -> None:
    assert NODE is not None, "node is missing: .ci/run installs it for npm (tests/browser)"


@pytest.fixture(scope="module")
def index_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if NODE is None:
        pytest.skip("node is not installed")
    root = tmp_path_factory.mktemp("site-search-engine")
    small_kb(root / "kb")
    check = check_kb(root / "kb", TODAY)
    catalog = build_catalog(select_entries(check, TODAY, lambda entry: None))
    path = root / "patient-index.json"
    path.write_text(index_json(catalog), encoding="utf-8")
    return path


def run(
    index_file: Path, queries: list[tuple[str, str]], words: tuple[str, ...] = ()
) -> dict[str, Any]:
    assert NODE is not None
    done = subprocess.run(
        [
            NODE,
            "-e",
            DRIVER,
            str(ENGINE),
            str(index_file),
            json.dumps(queries),
            json.dumps(list(words)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return dict(json.loads(done.stdout))


def search(index_file: Path, query: str, lang: str = "zh") -> dict[str, Any]:
    return dict(run(index_file, [(query, lang)])["out"][0])


@pytest.mark.parametrize(
    ("query", "units"),
    [
        ("异位妊娠", ["异位妊娠"]),  # the whole last word is kept (the theme searched 异位)
        ("宫外孕的表现", ["宫外孕", "表现"]),  # cut over the index's own words
        ("流鼻血怎么办", ["流鼻血"]),
        ("Opening hours", ["opening", "hours"]),
    ],
)
def test_queries_are_cut_like_the_index(index_file: Path, query: str, units: list[str]) -> None:
    assert search(index_file, query)["units"] == units


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("异位妊娠", "zh", "ectopic-pregnancy"),
        ("宫外运", "zh", "ectopic-pregnancy"),  # homophone typo
        ("红眼冰", "zh", "acute-conjunctivitis"),
        ("gongwaiyun", "zh", "ectopic-pregnancy"),  # pinyin, one word
        ("hong yan bing", "zh", "acute-conjunctivitis"),  # pinyin, spaced
        ("gwy", "zh", "ectopic-pregnancy"),  # initials
        ("gong'wai'yun", "zh", "ectopic-pregnancy"),  # an input method's text while composing
        ("宫外yun", "zh", "ectopic-pregnancy"),  # mixed
        ("liubixue", "zh", "nosebleed"),  # 血 read xue, not xie
        ("Conjunctivitis", "en", "acute-conjunctivitis-en"),  # the theme found nothing
        ("Opening hours", "en", "opening-hours-en"),
        ("open at the weekend", "en", "opening-hours-en"),  # stems: open/opening, weekend(s)
        ("infection", "en", "acute-conjunctivitis-en"),  # infections, infected
        ("conjuntivitis", "en", "acute-conjunctivitis-en"),  # edit distance 1
        ("conjunc", "en", "acute-conjunctivitis-en"),  # still being typed
        ("pink eye", "zh", "acute-conjunctivitis-en"),  # English query: English page first
        ("红眼病", "en", "acute-conjunctivitis"),  # Chinese query: Chinese page first
        ("眼睛痒", "zh", "acute-conjunctivitis"),  # 痒: a lone character found inside 发痒
    ],
)
def test_queries_find_the_right_entry(
    index_file: Path, query: str, lang: str, expected: str
) -> None:
    assert search(index_file, query, lang)["ids"][0] == expected


def test_query_language(index_file: Path) -> None:
    out = run(
        index_file, [("pink eye", "zh"), ("gongwaiyun", "en"), ("宫外孕", "en"), ("的", "zh")]
    )
    assert [row["lang"] for row in out["out"]] == ["en", "zh", "zh", None]


def test_nothing_searched_finds_nothing(index_file: Path) -> None:
    out = run(index_file, [("", "zh"), ("的了吗", "zh"), ("   ", "en"), ("xqzv", "en")])
    assert [row["ids"] for row in out["out"]] == [[], [], [], []]


def test_long_and_odd_queries_are_safe(index_file: Path) -> None:
    out = run(index_file, [("宫外孕" * 200, "zh"), ("__proto__ constructor", "en"), ("😀🏥", "zh")])
    assert out["out"][0]["ids"][0] == "ectopic-pregnancy"
    assert out["out"][2]["ids"] == []


def test_stemmer_groups_forms_of_a_word(index_file: Path) -> None:
    pairs = [
        ("hours", "hour"),
        ("opening", "open"),
        ("infections", "infected"),
        ("diarrhoea", "diarrhea"),
        ("bleeding", "bleed"),
        ("stopped", "stop"),
        ("appointments", "appointment"),
        ("pregnancies", "pregnancy"),
        ("haemorrhage", "hemorrhage"),
    ]
    words = run(index_file, [], tuple(word for pair in pairs for word in pair))["words"]
    assert [words[2 * k] == words[2 * k + 1] for k in range(len(pairs))] == [True] * len(pairs)
    assert len({*words}) == len(pairs)
