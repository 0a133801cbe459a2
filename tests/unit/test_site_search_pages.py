"""Every built page carries kbtool's search box, pointing at the one index, and the theme's own
search code has nothing to attach to."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from pathlib import Path

import pytest

from kbtool.publish import build_site
from kbtool.publish.sitesearch import INDEX_FILE
from tests.helpers import entry_data, write_entry

TODAY = dt.date(2026, 11, 22)
REVIEW = {
    "reviewed_by": "示例医生（虚构）",
    "reviewed_on": "2026-03-01",
    "next_review": "2027-03-01",
}
BOX = re.compile(r'<div class="md-search kb-site-search" data-kb-search data-kb-index="([^"]+)"')


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site-search-pages")
    write_entry(root / "kb", entry_data("ectopic-pregnancy", title="宫外孕", review=dict(REVIEW)))
    write_entry(root / "kb", entry_data("pink-eye-en", lang="en", review=dict(REVIEW)))
    site = root / "site"
    build_site(root / "kb", site, TODAY)
    return site


def test_every_page_finds_the_index(out: Path) -> None:
    assert json.loads((out / INDEX_FILE).read_text("utf-8"))["version"] == 1
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text("utf-8")
        found = BOX.search(html)
        assert found, page
        address = found.group(1)
        assert not address.startswith("//"), f"{page}: {address} would be another host"
        if address.startswith("/"):  # 404 pages: from the site root
            target = out / posixpath.normpath(address).lstrip("/")
        else:
            target = (page.parent / address).resolve()
        assert target == (out / INDEX_FILE).resolve(), (page, address)
        assert "assets/kbtool/search.js" in html and "assets/kbtool/search-ui.js" in html
        assert "assets/kbtool/search.css" in html


def test_the_theme_search_stays_idle(out: Path) -> None:
    html = (out / "index.html").read_text("utf-8")
    assert 'name="search"' not in html  # the theme loads its index only for a form so named
    assert 'data-md-component="search' not in html
    assert "kb-search-results" in html and 'role="status"' in html


def test_each_language_has_its_own_words(out: Path) -> None:
    zh = (out / "index.html").read_text("utf-8")
    en = (out / "en" / "index.html").read_text("utf-8")
    assert 'data-kb-lang="zh"' in zh and "搜索疾病、症状或问题" in zh
    assert 'data-kb-lang="en"' in en and "Search conditions, symptoms or questions" in en


def test_the_theme_index_it_would_never_read_holds_no_page(out: Path) -> None:
    """The theme's own search index is not built from the pages (kbtool's index serves the
    search box): no page text in it, so no second segmentation of every page."""
    for theme_index in sorted(out.rglob("search/search_index.json")):
        docs = json.loads(theme_index.read_text("utf-8"))["docs"]
        assert [doc["location"] for doc in docs] == [], theme_index
    assert (out / INDEX_FILE).is_file()
