"""Staff app endpoints, one error shape, escaping of hostile entry text, localhost default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kbtool.commands.serve import serve as serve_command
from kbtool.web.app import create_app
from kbtool.web.live import LiveKb
from kbtool.web.server import is_loopback
from tests.helpers import entry_data, write_entry

TODAY = dt.date(2026, 11, 22)
SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = tmp_path_factory.mktemp("staff") / "kb"
    write_entry(
        kb,
        entry_data(
            "acute-conjunctivitis",
            title="急性结膜炎(红眼病)",
            aliases=["红眼病", "pink eye"],
            specialty="眼科",
            summary="急性结膜炎是眼睛表面的炎症,多数一到两周好转。",
            review=SIGNED,
            staff_notes="不要在电话里诊断。",
            red_flags=[
                {"when": "视力下降", "urgency": "urgent", "action": "当天到眼科就诊。"},
                {"when": "眼外伤后剧痛", "urgency": "emergency", "action": "立即拨打 120。"},
            ],
        ),
    )
    write_entry(
        kb,
        entry_data(
            "opening-hours",
            "faq",
            title="门诊时间",
            question="你们几点开门?",
            review={**SIGNED, "next_review": "2026-10-01"},
        ),
    )
    write_entry(
        kb,
        entry_data(
            "hostile",
            title=f"坏标题{HOSTILE}",
            summary=f"坏摘要{HOSTILE}",
            body=f"## 标题\n\n{HOSTILE}\n\n[点我](javascript:alert(1))\n",
            staff_notes=HOSTILE,
            review=SIGNED,
        ),
    )
    write_entry(kb, entry_data("draft-only", title="草稿条目"))
    return kb


@pytest.fixture(scope="module")
def cache(small_kb: Path) -> Path:
    return small_kb.parent / "cache"


@pytest.fixture(scope="module")
def client(small_kb: Path, cache: Path) -> Iterator[Any]:
    live = LiveKb(small_kb, cache, today=lambda: TODAY, poll_seconds=3600)
    app = create_app(live, gap_log=cache / "gaps.log")
    yield app.test_client()
    live.stop()


def assert_error_shape(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert list(body) == ["error"] and list(body["error"]) == ["status", "code", "message"]
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]


def test_search_endpoint_matches_cli_json_shape(client: Any) -> None:
    response = client.get("/api/search", query_string={"q": "红眼病"})
    assert response.status_code == 200
    data = response.get_json()
    assert list(data) == ["query", "corrected", "results"]
    first = data["results"][0]
    assert list(first)[:8] == [
        "id",
        "title",
        "type",
        "lang",
        "score",
        "summary",
        "review_state",
        "red_flags",
    ]
    assert first["id"] == "acute-conjunctivitis"
    assert [flag["urgency"] for flag in first["red_flags"]] == ["emergency", "urgent"]


def test_search_excludes_drafts_unless_asked(client: Any) -> None:
    ids = [r["id"] for r in client.get("/api/search?q=草稿条目").get_json()["results"]]
    assert "draft-only" not in ids
    ids = [
        r["id"] for r in client.get("/api/search?q=草稿条目&include_drafts=1").get_json()["results"]
    ]
    assert ids[0] == "draft-only"


def test_search_flags_overdue(client: Any) -> None:
    result = client.get("/api/search?q=门诊时间").get_json()["results"][0]
    assert result["id"] == "opening-hours" and result["review_state"] == "overdue"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"q": "x" * 201}, "query-too-long"),
        ({"q": "x", "limit": "0"}, "bad-limit"),
        ({"q": "x", "limit": "many"}, "bad-limit"),
        ({"q": "x", "type": "blog"}, "bad-type"),
        ({"q": "x", "lang": "fr"}, "bad-lang"),
    ],
)
def test_search_bad_requests_share_one_error_shape(
    client: Any, query: dict[str, str], code: str
) -> None:
    assert_error_shape(client.get("/api/search", query_string=query), 400, code)


@pytest.mark.parametrize(
    "query", ["", "   ", "AND OR NOT (", '"*?~^', "🙂🙂", "宫外孕 HPV gongwaiyun"]
)
def test_any_query_string_is_answered(client: Any, query: str) -> None:
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 200 and "results" in response.get_json()


def test_entry_endpoint(client: Any) -> None:
    data = client.get("/api/entries/acute-conjunctivitis").get_json()
    assert data["id"] == "acute-conjunctivitis" and data["review_state"] == "current"
    assert data["staff_notes"] == "不要在电话里诊断。"
    assert data["red_flags"][0]["urgency"] == "emergency"
    assert "<h2" in data["body_html"]


def test_unknown_entry_and_route_and_method(client: Any) -> None:
    assert_error_shape(client.get("/api/entries/nope"), 404, "not-found")
    assert_error_shape(client.get("/api/nothing-here"), 404, "not-found")
    assert_error_shape(client.post("/api/search?q=x"), 405, "method-not-allowed")
    page = client.get("/entries/nope")
    assert page.status_code == 404 and b"<html" in page.data


def test_health(client: Any) -> None:
    data = client.get("/api/health").get_json()
    assert data["ok"] is True and data["entries"] == 4


def test_pages_send_security_headers(client: Any) -> None:
    for path in ("/", "/entries/acute-conjunctivitis", "/api/search?q=x", "/static/app.js"):
        with client.get(path) as response:
            assert response.status_code == 200, path
            csp = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in csp and "default-src 'none'" in csp
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_home_page_is_chinese_by_default_and_english_available(client: Any) -> None:
    zh = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in zh and "搜索标准答案" in zh and "autofocus" in zh
    en = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in en and "Search approved answers" in en


def test_no_asset_comes_from_another_host(client: Any) -> None:
    for path in ("/", "/entries/acute-conjunctivitis"):
        html = client.get(path).get_data(as_text=True)
        assert 'src="http' not in html and 'href="//' not in html
        assert 'rel="stylesheet" href="/static/' in html


def test_hostile_entry_text_is_escaped_everywhere(client: Any) -> None:
    page = client.get("/entries/hostile").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page.lower()  # the unsafe link stays inert text
    api = client.get("/api/entries/hostile").get_json()
    assert "<script>" not in api["body_html"] and 'href="javascript' not in api["body_html"].lower()
    # search results are rendered with textContent by the page script; the JSON carries plain text
    results = client.get("/api/search?q=坏标题").get_json()["results"]
    assert results and results[0]["title"].startswith("坏标题<script>")


def test_gap_logged_only_when_asked_and_nothing_found(client: Any, cache: Path) -> None:
    log = cache / "gaps.log"  # the path the fixture gave the app
    client.get("/api/search?q=完全无关的问题xyz")
    assert not log.exists() or "完全无关" not in log.read_text("utf-8")
    client.get("/api/search?q=完全无关的问题xyz&log=1")
    assert "完全无关的问题xyz" in log.read_text("utf-8")


def test_serve_defaults_to_localhost() -> None:
    host = next(p for p in serve_command.params if p.name == "host")
    assert host.default == "127.0.0.1"
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_serve_refuses_other_addresses_until_sign_in_is_set_up(
    small_kb: Path, cache: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    started: list[tuple[str, int, int]] = []
    monkeypatch.chdir(small_kb.parent)
    monkeypatch.setenv("KBTOOL_CACHE", str(cache))
    monkeypatch.delenv("KBTOOL_USERS", raising=False)
    monkeypatch.setattr(
        "kbtool.web.server.serve",
        lambda make_app, host, port, **kw: started.append((host, port, kw["workers"])),
    )
    refused = cli("serve", "--host", "0.0.0.0", "--port", "8123")
    assert refused.exit_code == 1 and started == []
    assert "kbtool users add" in refused.output and "sso_header" in refused.output
    quiet = cli("serve", "--workers", "3")
    assert quiet.exit_code == 0, quiet.output
    assert started[-1] == ("127.0.0.1", 8000, 3)
