"""Signing in to the staff app in headless Chromium: a deep link survives the login page,
a wrong password is explained, and signing out closes the app again."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

SAMPLE_KB = Path(__file__).resolve().parents[2] / "kb"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "桌面密码 2026"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from waitress.server import create_server

    from kbtool.web import accounts
    from kbtool.web.access import Access
    from kbtool.web.app import create_app
    from kbtool.web.live import LiveKb

    root = tmp_path_factory.mktemp("signin-browser")
    kb = root / "kb"
    shutil.copytree(SAMPLE_KB, kb)
    store = accounts.load(root / "etc" / "users.json")
    accounts.set_password(store, "王丽", PASSWORD, new=True)
    accounts.save(store)
    live = LiveKb(kb, root / "cache", poll_seconds=3600)
    server = create_server(
        create_app(live, access=Access(users_path=store.path)), host="127.0.0.1", port=0, threads=4
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


def test_sign_in_keeps_the_deep_link_and_sign_out_closes_the_app(
    base_url: str, browser: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 760}, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + "/?q=%E7%BA%A2%E7%9C%BC%E7%97%85")
    page.wait_for_url("**/login?next=*")
    assert page.evaluate("document.activeElement.id") == "name"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-login.png"))

    page.keyboard.type("王丽")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "用户名或密码不对" in page.locator("#login-message").inner_text()
    assert (
        page.input_value("#name") == "王丽"
        and page.evaluate("document.activeElement.id") == "password"
    )
    assert not any(c["name"] == "kbtool_session" for c in context.cookies())

    page.wait_for_timeout(1100)  # the growing wait after one wrong password is one second
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = page.locator("#results li.card").first
    first.wait_for()
    assert first.get_attribute("data-id") == "acute-conjunctivitis"
    assert "王丽" in page.locator(".top .user").inner_text()
    cookie = next(c for c in context.cookies() if c["name"] == "kbtool_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # page scripts cannot read the session

    with page.expect_navigation():
        page.locator("form.logout button").click()
    page.wait_for_url("**/login")
    page.goto(base_url + "/entries/acute-conjunctivitis")
    page.wait_for_url("**/login?next=*")
    context.close()
