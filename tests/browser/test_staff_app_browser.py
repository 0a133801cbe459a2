"""The staff app in headless Chromium: type a lay term and pinyin, copy the answer, open the entry."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
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
    server = create_server(
        create_app(live, gap_log=root / "cache" / "gaps.log"), host="127.0.0.1", port=0, threads=4
    )
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
    page.on(
        "request",
        lambda request: (
            external.append(request.url) if not request.url.startswith(base_url) else None
        ),
    )
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


def test_deep_links_open_with_results_and_the_address_follows_the_search(
    base_url: str, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 760}, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + "/?q=" + "%E7%BA%A2%E7%9C%BC%E7%97%85")  # /?q=红眼病 from a CRM screen
    first = page.locator("#results li.card").first
    first.wait_for()
    assert (
        first.get_attribute("data-id") == "acute-conjunctivitis"
        and page.input_value("#q") == "红眼病"
    )

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


def test_staff_walks_a_follow_up_call_with_the_keyboard(base_url: str, browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(base_url + "/")
    page.keyboard.type("人流后")
    page.locator("#results li.card[data-id='abortion-aftercare']").wait_for()
    assert page.locator("#results li.card").first.get_attribute("data-id") == "abortion-aftercare"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        page.keyboard.press("h")  # the entry page's key for the follow-up call script
    assert page.url.endswith("/entries/abortion-aftercare/callback")
    assert page.locator("h1").inner_text() == "回访 · 人工流产术后护理"
    questions = page.locator("#questions > li")
    assert questions.count() == 4
    assert page.locator("#emergency").is_hidden()
    assert page.evaluate("document.activeElement.id") == "q-0"  # ready to ask the first question
    assert "urgency-emergency" in (questions.nth(0).get_attribute("class") or "")  # emergency first
    sent.clear()

    assert questions.nth(1).locator(".answer-buttons").is_hidden()  # one question at a time
    page.keyboard.press("2")  # no
    assert questions.nth(0).locator(".answer-buttons").is_hidden()
    assert questions.nth(1).locator(".answer-buttons").is_visible()
    page.keyboard.press("3")  # not sure
    assert "answer-unsure" in (questions.nth(1).get_attribute("class") or "")
    assert "值班医生或护士" in questions.nth(1).locator(".result").inner_text()
    page.keyboard.press("y")  # yes to an urgent sign: its action shows at once
    assert "当天到妇科急诊" in questions.nth(2).locator(".result").inner_text()
    page.keyboard.press("Backspace")  # undo
    assert questions.nth(2).locator(".result").inner_text() == ""
    assert "current" in (questions.nth(2).get_attribute("class") or "")
    page.keyboard.press("n")
    page.keyboard.press("n")
    assert page.locator("#done").is_visible()
    page.keyboard.press("c")
    page.locator("#copy-summary.copied").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#callback-summary").inner_text()
    lines = copied.split("\n")
    assert lines[0] == "回访记录：人工流产术后护理（abortion-aftercare）"
    assert lines[1].startswith("1. 有没有出血很多") and lines[1].endswith("— 否")
    assert lines[2].endswith("— 不确定")
    assert lines[5] == "结论：有不确定的回答：需要值班医生或护士判断"
    assert lines[6].startswith("依据：知识库条目 abortion-aftercare，审核日期 2026-11-22")
    page.screenshot(path=str(ARTIFACTS / "staff-callback-done.png"), full_page=True)

    page.locator("#restart").click()
    page.keyboard.press("1")  # yes to the emergency sign: the script stops
    card = page.locator("#emergency")
    card.wait_for()
    assert (
        "请立即拨打 120" in card.inner_text()
        and "立即拨打 120 或就近去医院急诊" in card.inner_text()
    )
    entry_flag_colour = (
        "rgb(176, 0, 32)"  # --red, the colour of emergency flags everywhere in the app
    )
    assert card.evaluate("node => getComputedStyle(node).backgroundColor") == entry_flag_colour
    assert page.evaluate("document.activeElement.id") == "emergency"
    page.keyboard.press("2")  # the remaining questions cannot be answered any more
    assert all("not-asked" in (questions.nth(i).get_attribute("class") or "") for i in (1, 2, 3))
    summary = page.locator("#callback-summary").inner_text()
    assert "结论：紧急：已告知患者立即拨打 120 或去最近的急诊" in summary
    assert summary.count("未询问（因紧急情况停止）") == 3
    page.screenshot(path=str(ARTIFACTS / "staff-callback-emergency.png"), full_page=True)
    assert sent == []  # answers stay in the page: nothing is sent or stored
    context.close()


def test_follow_up_call_page_has_no_serious_accessibility_problems(
    base_url: str, browser: Any
) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: npm ci --ignore-scripts --prefix tests/browser")
    context = browser.new_context(viewport={"width": 1024, "height": 700}, bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + "/entries/cataract-surgery-aftercare-en/callback?day=7&lang=en")
    page.keyboard.press("3")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    (ARTIFACTS / "axe-staff-callback.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=2), encoding="utf-8"
    )
    serious = [
        f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert "Follow-up call" in page.locator("h1").inner_text()
    context.close()
