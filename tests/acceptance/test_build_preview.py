"""`kbtool preview`: drafts and unreviewed changes under banners, rebuilt on every change."""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.request
from pathlib import Path

from kbtool.publish import build_site
from kbtool.publish.preview import VERSION_FILE, run_preview
from kbtool.review.state import fingerprint
from tests.helpers import entry_data, write_entry

TODAY = dt.date(2026, 11, 22)
REVIEW = {"reviewed_by": "Dr A", "reviewed_on": "2026-01-10", "next_review": "2027-01-10"}


def small_kb(kb: Path) -> None:
    write_entry(kb, entry_data("draft-one", body="DRAFT-BODY\n", staff_notes="PREVIEW-STAFF-NOTE"))
    changed = entry_data("edited", body="OLD\n", review=dict(REVIEW))
    changed["review"]["fingerprint"] = fingerprint(changed)
    write_entry(kb, {**changed, "body": "NEW-UNREVIEWED\n"})


def test_preview_build_shows_drafts_and_changes_under_banners(kb: Path, tmp_path: Path) -> None:
    small_kb(kb)
    out = tmp_path / "preview"
    report = build_site(kb, out, TODAY, preview=True)
    assert {item.id: item.banner for item in report.published} == {
        "draft-one": "draft",
        "edited": "changed",
    }
    draft = (out / "conditions" / "draft-one" / "index.html").read_text(encoding="utf-8")
    assert (
        "DRAFT-BODY" in draft
        and 'class="kb-banner kb-banner--draft"' in draft
        and "草稿预览" in draft
    )
    assert "作者预览：包含草稿和未审核的修改，不是公开网站。" in draft
    assert "assets/kbtool/preview.js" in draft
    edited = (out / "conditions" / "edited" / "index.html").read_text(encoding="utf-8")
    assert "NEW-UNREVIEWED" in edited and "未审核的修改" in edited
    assert not any(
        b"PREVIEW-STAFF-NOTE" in path.read_bytes() for path in out.rglob("*") if path.is_file()
    )


def test_public_build_has_no_preview_parts(kb: Path, tmp_path: Path) -> None:
    small_kb(kb)
    write_entry(kb, entry_data("ok", review=dict(REVIEW)))
    out = tmp_path / "public"
    build_site(kb, out, TODAY)
    html = (out / "conditions" / "ok" / "index.html").read_text(encoding="utf-8")
    assert "preview.js" not in html and "kb-banner" not in html and "作者预览" not in html


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_preview_serves_locally_and_rebuilds_on_change(kb: Path) -> None:
    small_kb(kb)
    ready: list[str] = []
    builds: list[object] = []
    stop = threading.Event()
    worker = threading.Thread(
        target=run_preview,
        kwargs={
            "kb": kb,
            "port": 0,
            "today": TODAY,
            "config": None,
            "interval": 0.2,
            "stop": stop,
            "on_build": lambda report, error: builds.append(report or error),
            "on_ready": ready.append,
        },
    )
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while not ready and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ready and ready[0].startswith("http://127.0.0.1:")
        assert "draft-one" in fetch(ready[0] + "conditions/")
        assert fetch(ready[0] + VERSION_FILE) == "1"
        write_entry(kb, entry_data("draft-one", body="SECOND-VERSION\n"))
        while len(builds) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)
        assert fetch(ready[0] + VERSION_FILE) == "2"
        assert "SECOND-VERSION" in fetch(ready[0] + "conditions/draft-one/")
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()
