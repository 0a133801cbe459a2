"""The patient site's own search in headless Chromium, on the sample KB (kb/) as `kbtool build`
publishes it: queries typed key by key into the real search box, results read back; keyboard
use, what a screen reader is told, review badges, drafts never found, no other hosts, axe.

Needs Debian's chromium (+ fonts-noto-cjk), playwright from PyPI, and axe-core from npm
(`npm ci --ignore-scripts --prefix tests/browser`). Screenshots go to test-artifacts/search/.
The full labelled set is scored by benchmarks/site_search_quality.py; here a few per kind."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kbtool.publish import BuildReport, build_site

ROOT = Path(__file__).resolve().parents[2]
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "search"
PHONE = {"width": 390, "height": 844}
BUILT_ON = dt.date(2026, 11, 22)
READER_DAY = dt.datetime(2026, 11, 23, 9, 0)
QUERIES = yaml.safe_load((ROOT / "tests" / "data" / "patient_queries.yaml").read_text("utf-8"))
SAMPLE = [
    item
    for kind in sorted({str(item["kind"]) for item in QUERIES})
    for item in [q for q in QUERIES if q["kind"] == kind and q.get("from") == "patient"][:3]
]
"""Three patient-written queries of each kind (the benchmark scores all of them)."""

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install playwright; never 'playwright install')",
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)",
        allow_module_level=True,
    )


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    out = tmp_path_factory.mktemp("patient-search") / "site"
    return out, build_site(ROOT / "kb", out, BUILT_ON)


@pytest.fixture(scope="module")
def site(built: tuple[Path, BuildReport]) -> Iterator[str]:
    out, _ = built
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(out))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def phone(browser: Any, site: str) -> Iterator[tuple[Any, list[str]]]:
    """A phone-sized page that records every request made to another host."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.clock.set_fixed_time(READER_DAY)
    external: list[str] = []
    page.on(
        "request",
        lambda request: external.append(request.url) if not request.url.startswith(site) else None,
    )
    yield page, external
    context.close()


def open_search(page: Any) -> None:
    page.locator("label.md-header__button[for='__search']").click()
    page.locator("#kb-search-results[data-kb-query]").wait_for(state="attached", timeout=15_000)


def type_query(page: Any, query: str) -> list[str]:
    """Type into the search box; the entry ids of the results shown, in order."""
    box = page.locator("#kb-search-input")
    box.fill("")
    box.press_sequentially(query, delay=20)
    page.locator("#kb-search-results").and_(
        page.locator(f"[data-kb-query={json.dumps(query, ensure_ascii=False)}]")
    ).wait_for(state="attached", timeout=10_000)
    hrefs = page.locator("#kb-search-results > li > a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    return [urllib.parse.urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


@pytest.mark.parametrize("item", SAMPLE, ids=[f"{item['kind']}:{item['query']}" for item in SAMPLE])
def test_patient_queries_find_the_right_page(
    phone: tuple[Any, list[str]], site: str, item: dict[str, Any]
) -> None:
    page, external = phone
    page.goto(site + ("en/" if item["kind"] == "english" else "faq/"))
    open_search(page)
    found = type_query(page, str(item["query"]))
    assert item["expected"] in found[:3], found
    assert external == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("异位妊娠", "ectopic-pregnancy"),  # the theme dropped the last word: 异位
        ("宫外运", "ectopic-pregnancy"),  # homophone typo
        ("gongwaiyun", "ectopic-pregnancy"),  # pinyin
        ("gwy", "ectopic-pregnancy"),  # initials
        ("Conjunctivitis", "acute-conjunctivitis-en"),  # stemmed on both sides
        ("Opening hours", "opening-hours-en"),
        ("conjuntivitis", "acute-conjunctivitis-en"),  # English typo
    ],
)
def test_the_queries_the_theme_got_wrong(
    phone: tuple[Any, list[str]], site: str, query: str, expected: str
) -> None:
    page, _ = phone
    page.goto(site)
    open_search(page)
    assert type_query(page, query)[0] == expected


def test_results_show_title_summary_and_review_state(
    phone: tuple[Any, list[str]], site: str, built: tuple[Path, BuildReport]
) -> None:
    out, _ = built
    entries = json.loads((out / "api" / "index.json").read_text("utf-8"))["entries"]
    overdue = next(e for e in entries if e["lang"] == "zh" and e["review_state"] == "overdue")
    current = next(e for e in entries if e["lang"] == "zh" and e["review_state"] == "current")
    page, _ = phone
    page.goto(site)
    open_search(page)
    for entry, badge in ((overdue, "需复审"), (current, f"已审核 {entry_review(current)}")):
        found = type_query(page, entry["title"])
        result = page.locator("#kb-search-results > li").nth(found.index(entry["id"]))
        assert result.locator("h1").inner_text() == entry["title"]
        summary = json.loads((out / entry["json"]).read_text("utf-8"))["summary"]
        assert summary.startswith(result.locator(".kb-result__summary").inner_text().rstrip("…"))
        assert result.locator(".kb-badge").inner_text() == badge
    page.screenshot(path=str(ARTIFACTS / "results-phone.png"))


def entry_review(entry: dict[str, Any]) -> str:
    return str(entry["review"]["reviewed_on"])


def test_review_badge_follows_the_readers_date(browser: Any, site: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2028, 1, 1, 9, 0))  # every review date has passed
    page.goto(site)
    open_search(page)
    type_query(page, "宫外孕")
    assert page.locator("#kb-search-results .kb-badge").first.inner_text() == "需复审"
    context.close()


def test_keyboard_and_screen_reader(phone: tuple[Any, list[str]], site: str) -> None:
    page, _ = phone
    page.goto(site + "conditions/")
    page.keyboard.press("/")
    box = page.locator("#kb-search-input")
    box.wait_for()
    assert page.evaluate("document.activeElement.id") == "kb-search-input"
    assert (
        box.get_attribute("aria-label")
        and box.get_attribute("aria-describedby") == "kb-search-status"
    )
    found = type_query(page, "红眼病")
    status = page.locator("#kb-search-status")
    assert (
        status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    )
    assert status.inner_text() == f"找到 {len(found)} 条结果"
    assert page.get_by_role("list", name="搜索结果").count() == 1
    page.keyboard.press("ArrowDown")
    first = page.locator("#kb-search-results > li > a").first
    assert page.evaluate("document.activeElement.href") == first.evaluate("a => a.href")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "kb-search-input"
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("/")
    type_query(page, "红眼病")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/conditions/acute-conjunctivitis/")
    assert page.locator("h1").first.inner_text() == "急性结膜炎（红眼病）"


def test_enter_in_the_box_opens_the_first_result(phone: tuple[Any, list[str]], site: str) -> None:
    page, _ = phone
    page.goto(site)
    open_search(page)
    type_query(page, "fa shao")
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/fever-when-to-see-doctor/")


def test_nothing_found_is_said_plainly(phone: tuple[Any, list[str]], site: str) -> None:
    page, _ = phone
    page.goto(site)
    open_search(page)
    assert type_query(page, "xqzv") == []
    assert "没有找到相关内容" in page.locator("#kb-search-status").inner_text()


def test_home_page_form_and_address_open_the_same_search(
    phone: tuple[Any, list[str]], site: str
) -> None:
    page, _ = phone
    page.goto(site)
    page.get_by_label("输入疾病、症状或问题").fill("人流后出血")
    page.locator("form.kb-search button[type=submit]").click()
    page.locator("#kb-search-results[data-kb-query='人流后出血'] > li").first.wait_for()
    assert page.locator("#kb-search-results h1").first.inner_text() == "人工流产术后护理"
    page.goto(site + "en/?q=" + urllib.parse.quote("pink eye"))
    page.locator("#kb-search-results[data-kb-query='pink eye'] > li").first.wait_for()
    assert (
        page.locator("#kb-search-results h1").first.inner_text().startswith("Acute conjunctivitis")
    )
    page.screenshot(path=str(ARTIFACTS / "results-en-phone.png"))


def test_drafts_are_never_found(
    phone: tuple[Any, list[str]], site: str, built: tuple[Path, BuildReport]
) -> None:
    _, report = built
    drafts = [item for item in report.left_out if item.reason == "draft"]
    assert drafts
    page, _ = phone
    page.goto(site)
    open_search(page)
    for item in drafts:
        data = yaml.safe_load(next((ROOT / "kb").rglob(f"{item.id}.yaml")).read_text("utf-8"))
        for query in [data["title"], *(data.get("aliases") or [])[:3]]:
            assert item.id not in type_query(page, str(query))


def test_results_link_to_the_right_page_from_any_depth(
    phone: tuple[Any, list[str]], site: str
) -> None:
    page, external = phone
    page.goto(site + "en/conditions/chlamydia-en/")
    open_search(page)
    assert type_query(page, "肾结石")[0] == "kidney-stones"  # a Chinese page from the English site
    page.locator("#kb-search-results > li > a").first.click()
    page.wait_for_url(site + "conditions/kidney-stones/")
    assert page.locator("h1").first.inner_text() == "肾结石与肾绞痛"
    assert external == []


def test_axe_finds_no_serious_or_critical_violations_with_results_open(
    browser: Any, site: str
) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: npm ci --ignore-scripts --prefix tests/browser")
    for path, query in (("", "中耳炎"), ("en/", "ectopic")):
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
        )
        page = context.new_page()
        page.clock.set_fixed_time(READER_DAY)
        page.goto(site + path + "?q=" + urllib.parse.quote(query))
        page.locator("#kb-search-results > li").first.wait_for()
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = list(result["violations"])
        (ARTIFACTS / f"axe-search-{path.strip('/') or 'zh'}.json").write_text(
            json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        context.close()
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
