"""The public patient site in headless Chromium on a phone-sized screen: home, an entry, a Chinese
search followed to its result, the overdue notice shown by the reader's date, print layout, no
third-party requests, and axe-core with zero serious or critical violations.

Needs Debian's chromium (+ fonts-noto-cjk), playwright from PyPI, and axe-core from npm
(`npm ci --ignore-scripts --prefix tests/browser`). Screenshots go to test-artifacts/site/."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kbtool.publish import build_site
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from tests.helpers import entry_data, write_entry

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "site"
PHONE = {"width": 390, "height": 844}
BUILT_ON = dt.date(2026, 1, 15)
REVIEW = {
    "reviewed_by": "示例医生甲（妇产科主治医师，虚构）",
    "reviewed_on": "2026-01-10",
    "next_review": "2027-01-10",
}

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed (pip install playwright; never 'playwright install')",
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)",
        allow_module_level=True,
    )

ECTOPIC_BODY = """## 常见表现

- 停经后出现下腹痛，常在一侧
- 少量阴道出血

## 怎样确诊

医生会结合验血（hCG）和 B 超检查来判断。

## 治疗

根据情况可以观察、用药或手术，请听从医生的建议。
"""


def sample_kb(kb: Path) -> None:
    write_entry(
        kb,
        entry_data(
            "ectopic-pregnancy",
            title="宫外孕（异位妊娠）",
            specialty="妇科",
            tags=["孕期", "急症"],
            aliases=["宫外孕", "异位妊娠", "ectopic pregnancy"],
            body=ECTOPIC_BODY,
            summary="宫外孕是受精卵在子宫腔以外的地方着床，最常见于输卵管。破裂时可引起危及生命的内出血，需要尽快就医确诊。",
            red_flags=[
                {
                    "when": "突发剧烈腹痛、头晕或晕倒、肩膀痛",
                    "urgency": "emergency",
                    "action": "立即拨打 120 或去最近的急诊。",
                },
                {
                    "when": "停经后一侧下腹痛或少量阴道出血",
                    "urgency": "urgent",
                    "action": "当天到妇科或急诊就诊。",
                },
                {
                    "when": "验孕阳性但还没有做过 B 超",
                    "urgency": "routine",
                    "action": "预约妇科门诊。",
                },
            ],
            related=["abortion-aftercare"],
            translations=["ectopic-pregnancy-en"],
            sources=[
                {
                    "title": "NHS Health A to Z: Ectopic pregnancy",
                    "url": "https://www.nhs.uk/conditions/ectopic-pregnancy/",
                }
            ],
            staff_notes="BROWSER-STAFF-NOTE",
            review=dict(REVIEW),
        ),
    )
    write_entry(
        kb,
        entry_data(
            "ectopic-pregnancy-en",
            lang="en",
            title="Ectopic pregnancy",
            aliases=["ectopic"],
            summary="An ectopic pregnancy is when a fertilised egg implants outside the womb. It needs urgent care.",
            body="## Symptoms\n\n- tummy pain on one side\n- vaginal bleeding\n",
            red_flags=[
                {
                    "when": "sudden severe tummy pain or fainting",
                    "urgency": "emergency",
                    "action": "Call 120 or go to the emergency department now.",
                }
            ],
            translations=["ectopic-pregnancy"],
            review=dict(REVIEW),
        ),
    )
    write_entry(
        kb,
        entry_data(
            "abortion-aftercare",
            "aftercare",
            title="人工流产术后护理",
            specialty="妇科",
            aliases=["人流后", "人流"],
            summary="人工流产后出现类似月经的出血和轻度下腹痛是常见的，通常在 1 到 2 周内逐渐减少。",
            body="## 术后怎样照顾自己\n\n- 注意休息\n- 按时复查\n",
            red_flags=[
                {
                    "when": "出血很多或头晕、晕倒",
                    "urgency": "emergency",
                    "action": "立即拨打 120。",
                },
                {"when": "发热 38℃ 或以上", "urgency": "urgent", "action": "当天就诊。"},
            ],
            review=dict(REVIEW),
        ),
    )
    write_entry(
        kb,
        entry_data(
            "acute-conjunctivitis",
            title="急性结膜炎（红眼病）",
            specialty="眼科",
            aliases=["红眼病", "pink eye"],
            summary="急性结膜炎是眼睛表面的炎症，常见眼红、分泌物多，多数在一到两周内好转。",
            body="## 常见表现\n\n- 眼红、异物感\n",
            review={**REVIEW, "reviewed_on": "2025-06-01", "next_review": "2026-06-01"},
        ),
    )
    write_entry(
        kb,
        entry_data(
            "opening-hours",
            "faq",
            title="门诊时间",
            question="医院几点开门？",
            summary="门诊周一至周五 8:00–17:00 开放。",
            body="## 门诊\n\n周一至周五。\n",
            review=dict(REVIEW),
        ),
    )
    write_entry(kb, entry_data("draft-page", body="BROWSER-DRAFT\n"))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site-browser")
    kb = root / "kb"
    kb.mkdir()
    sample_kb(kb)
    out = root / "site"
    build_site(kb, out, BUILT_ON)
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
    page.clock.set_fixed_time(dt.datetime(2026, 3, 1, 10, 0))
    external: list[str] = []
    page.on(
        "request",
        lambda request: external.append(request.url) if not request.url.startswith(site) else None,
    )
    yield page, external
    context.close()


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_home_and_entry_pages_on_a_phone(phone: tuple[Any, list[str]], site: str) -> None:
    page, external = phone
    page.goto(site)
    assert page.locator("h1").first.inner_text() == "患者健康信息"
    assert page.get_by_label("输入疾病、症状或问题").is_visible()
    assert page.locator(".kb-home-emergency").is_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "home-phone.png"), full_page=True)

    page.goto(site + "conditions/ectopic-pregnancy/")
    assert page.locator("h1").first.inner_text() == "宫外孕（异位妊娠）"
    cards = page.locator(".kb-care-card")
    assert [cards.nth(i).get_attribute("data-urgency") for i in range(cards.count())] == [
        "emergency",
        "urgent",
        "routine",
    ]
    heading = page.get_by_role(
        "heading", name=re.compile(r"^需要立即行动：\s*立即拨打 120 或去急诊，如果：$")
    )
    assert heading.is_visible()  # screen readers hear the urgency; sighted readers see the red card
    assert page.locator(".kb-care-card--emergency .kb-sr-only").inner_text() == "需要立即行动："
    assert page.locator(".kb-review").inner_text().count("审核") >= 3
    assert not page.locator(".kb-notice").is_visible()
    assert "BROWSER-STAFF-NOTE" not in page.content()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "entry-phone.png"), full_page=True)
    page.locator(".kb-help").screenshot(path=str(ARTIFACTS / "care-cards-phone.png"))

    english = page.get_by_role("link", name="Read this page in English: Ectopic pregnancy")
    assert english.get_attribute("href") == "../../en/conditions/ectopic-pregnancy-en/"
    page.goto(urllib.parse.urljoin(page.url, english.get_attribute("href")))
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=str(ARTIFACTS / "entry-en-phone.png"), full_page=True)
    assert external == []


def test_chinese_search_from_the_home_page_and_follow_a_result(
    phone: tuple[Any, list[str]], site: str
) -> None:
    page, external = phone
    page.goto(site)
    page.get_by_label("输入疾病、症状或问题").fill("宫外孕")
    page.get_by_role("button", name="搜索").click()
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=15_000)
    assert "宫外孕" in page.locator(".md-search-result__list").inner_text().replace("\u200b", "")
    page.screenshot(path=str(ARTIFACTS / "search-zh-phone.png"))
    first.click()
    page.wait_for_url("**/conditions/ectopic-pregnancy/**")
    assert page.locator("h1").first.inner_text() == "宫外孕（异位妊娠）"
    assert external == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("红眼病", "急性结膜炎"), ("人流", "人工流产术后护理"), ("几点开门", "门诊时间")],
)
def test_chinese_queries_find_the_right_page(
    phone: tuple[Any, list[str]], site: str, query: str, expected: str
) -> None:
    page, _ = phone
    page.goto(site + "?q=" + urllib.parse.quote(query))
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    titles = page.locator(".md-search-result__item > a h1").all_inner_texts()
    assert expected in titles[0].replace("\u200b", ""), titles


def test_english_search_in_the_english_section(phone: tuple[Any, list[str]], site: str) -> None:
    page, _ = phone
    page.goto(site + "en/?q=ectopic")
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert "Ectopic pregnancy" in page.locator(".md-search-result__item > a h1").first.inner_text()


def test_overdue_notice_appears_in_the_browser_once_the_review_date_has_passed(
    phone: tuple[Any, list[str]], site: str
) -> None:
    page, _ = phone
    url = (
        site + "conditions/acute-conjunctivitis/"
    )  # built on 2026-01-15: current; next review 2026-06-01
    page.goto(url)
    notice = page.locator(".kb-notice--overdue")
    assert notice.get_attribute("data-next-review") == "2026-06-01"
    assert not notice.is_visible()
    page.clock.set_fixed_time(dt.datetime(2026, 6, 2, 9, 0))
    page.reload()
    assert notice.is_visible()
    assert "此页面已超过审核日期" in notice.inner_text()
    assert "最近一次审核是 2025-06-01" in notice.inner_text()
    page.screenshot(path=str(ARTIFACTS / "overdue-notice-phone.png"))


def test_aftercare_pages_print_cleanly(phone: tuple[Any, list[str]], site: str) -> None:
    page, _ = phone
    page.goto(site + "aftercare/abortion-aftercare/")
    assert page.get_by_role("button", name="打印此页").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.get_by_role("button", name="打印此页").is_visible()
    assert page.locator(".kb-care-card--emergency").is_visible()
    page.screenshot(path=str(ARTIFACTS / "aftercare-print.png"), full_page=True)


def run_axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


@pytest.mark.parametrize(
    "path",
    [
        "",
        "conditions/ectopic-pregnancy/",
        "aftercare/abortion-aftercare/",
        "en/conditions/ectopic-pregnancy-en/",
        "a-z/",
        "conditions/acute-conjunctivitis/",
        "search-open",
    ],
)
def test_axe_finds_no_serious_or_critical_violations(browser: Any, site: str, path: str) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: npm ci --ignore-scripts --prefix tests/browser")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2026, 6, 2, 9, 0))  # the overdue notice is showing, too
    if path == "search-open":
        page.goto(site + "?q=" + urllib.parse.quote("宫外孕"))
        page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    else:
        page.goto(site + path)
    violations = run_axe(page)
    name = path.strip("/").replace("/", "_") or "home"
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
