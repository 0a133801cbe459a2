"""The staff app in headless Chromium: type a lay term and pinyin, copy the answer, open the entry."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SAMPLE_KB = Path(__file__).resolve().parents[2] / "kb"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from waitress.server import create_server

    from kbtool.web.app import create_app
    from kbtool.web.live import LiveKb

    root = tmp_path_factory.mktemp("staff-browser")
    kb = root / "kb"
    shutil.copytree(SAMPLE_KB, kb)
    live = LiveKb(kb, root / "cache", poll_seconds=3600)
    server = create_server(create_app(live, gap_log=root / "cache" / "gaps.log"), host="127.0.0.1", port=0,
                           threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    live.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def test_staff_finds_copies_and_opens_an_answer(base_url: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 760}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    external: list[str] = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(base_url) else None)
    page.goto(base_url + "/")
    assert page.evaluate("document.activeElement.id") == "q"  # focused on load

    page.keyboard.type("红眼病")
    first = page.locator("#results li.card").first
    first.wait_for()
    assert first.get_attribute("data-id") == "acute-conjunctivitis"
    assert "selected" in (first.get_attribute("class") or "")

    page.keyboard.press("Escape")
    assert page.locator("#results li.card").count() == 0 and page.input_value("#q") == ""

    page.keyboard.type("gongwaiyun")
    page.locator("#results li.card[data-id='ectopic-pregnancy']").wait_for()
    assert page.locator("#results li.card").first.get_attribute("data-id") == "ectopic-pregnancy"
    assert "宫外孕" in page.locator("#status").inner_text()  # the correction is shown, never silent
    card = page.locator("#results li.card").first
    assert card.locator(".flag-emergency").count() >= 1
    assert "120" in card.locator(".flag-emergency").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "staff-search.png"), full_page=True)

    card.locator("button.copy").click()
    card.locator("button.copy.copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    summary = card.locator(".summary").inner_text()
    assert copied.strip() == summary.strip() and "输卵管" in copied

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/entries/ectopic-pregnancy")
    assert page.locator("h1").inner_text().startswith("宫外孕")
    assert page.locator(".flag-emergency").count() >= 1
    assert page.locator("button.copy").first.inner_text() == "复制答案"
    page.screenshot(path=str(ARTIFACTS / "staff-entry.png"), full_page=True)
    assert external == []  # every asset is served locally
    context.close()


def test_small_laptop_and_english_interface(base_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 600})
    page = context.new_page()
    page.goto(base_url + "/?lang=en")
    page.keyboard.type("pink eye")
    page.locator("#results li.card").first.wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1024  # no sideways scrolling
    assert "Copy answer" in page.locator("#results li.card button.copy").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "staff-search-en.png"))
    context.close()


def test_deep_links_open_with_results_and_the_address_follows_the_search(base_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 760}, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + "/?q=" + "%E7%BA%A2%E7%9C%BC%E7%97%85")  # /?q=红眼病 from a CRM screen
    first = page.locator("#results li.card").first
    first.wait_for()
    assert first.get_attribute("data-id") == "acute-conjunctivitis" and page.input_value("#q") == "红眼病"

    page.fill("#q", "")
    page.keyboard.type("宫外孕")
    page.locator("#results li.card[data-id='ectopic-pregnancy']").first.wait_for()
    page.wait_for_function("decodeURIComponent(location.search) === '?q=宫外孕'")
    shared = page.url  # what a colleague would paste
    page.keyboard.press("Escape")
    page.wait_for_function("location.search === ''")

    other = context.new_page()
    other.goto(shared)
    other.locator("#results li.card[data-id='ectopic-pregnancy']").first.wait_for()

    with other.expect_navigation():
        other.goto(shared + "&open=1")
    other.wait_for_url("**/entries/ectopic-pregnancy")
    assert other.locator("h1").inner_text().startswith("宫外孕")
    other.go_back()
    other.locator("#results li.card").first.wait_for()  # back on the results, not bounced again
    assert other.url.endswith("/?q=%E5%AE%AB%E5%A4%96%E5%AD%95")
    context.close()
