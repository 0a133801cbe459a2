"""Defence in depth: even text that `kbtool check` would refuse is harmless once built.

The build normally never sees such entries (they have errors and are left out), so this test
feeds hostile entries straight into the publishing stages and inspects the built HTML."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from kbtool.publish.build import BuildReport, publish
from kbtool.publish.privacy import scan_site
from kbtool.publish.select import Published, Selection
from kbtool.publish.settings import load_settings

SCRIPT = "<script>alert('x')</script>"
HOSTILE_BODY = f"""## Heading {SCRIPT}

{SCRIPT}

<img src=x onerror=alert(1)> <iframe src="https://evil.example/"></iframe>

[js](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(2)>

![pixel](https://tracker.example/p.gif)

<style>body {{ display: none }}</style>

```
</code></pre>{SCRIPT}
```
"""


class Tags(HTMLParser):
    """Event-handler attributes, link targets, and the tags inside the page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.hrefs: list[str] = []
        self.content_tags: set[str] = set()
        self.in_article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]
        if tag == "article":
            self.in_article = True
        elif self.in_article:
            self.content_tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article = False


def hostile(entry_id: str, lang: str) -> Published:
    text = f'{SCRIPT}"><svg onload=alert(1)>'
    content = {
        "id": entry_id,
        "type": "faq",
        "lang": lang,
        "title": f"{text} title",
        "question": text,
        "summary": text,
        "body": HOSTILE_BODY,
        "aliases": [text],
        "specialty": text,
        "tags": [text],
        "red_flags": [{"when": text, "urgency": "emergency", "action": text}],
        "sources": [{"title": text, "url": "javascript:alert(1)"}],
        "related": [entry_id],
    }
    review = {"reviewed_by": text, "reviewed_on": "2026-01-01", "next_review": f'2027-01-01"{text}'}
    return Published(
        id=entry_id,
        type="faq",
        lang=lang,
        file="x",
        content=content,
        review=review,
        state="overdue",
    )


def test_hostile_entries_are_inert_in_the_built_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    today = dt.date(2026, 11, 22)
    report = BuildReport(out=out, today=today, preview=False)
    selection = Selection(published=[hostile("evil", "zh"), hostile("evil-en", "en")])
    publish(selection, load_settings(None), out, today, False, report)
    assert scan_site(out) == []
    theme_only = (out / "404.html").read_text(encoding="utf-8").count("<script")
    for url in ("faq/evil/", "en/faq/evil-en/", "", "a-z/", "tags/", "specialties/", "faq/"):
        html = (out / url / "index.html").read_text(encoding="utf-8")
        assert html.count("<script") == theme_only, (
            url
        )  # the theme's scripts and kbtool.js, no more
        assert "alert(" not in "".join(re.findall(r"<script\b[^>]*>.*?</script>", html, re.DOTALL))
        tags = Tags()
        tags.feed(html)
        assert not tags.handlers, (url, tags.handlers)
        assert not {"iframe", "img", "svg", "object", "embed"} & tags.content_tags, url
        assert not [
            href
            for href in tags.hrefs
            if href.lower().startswith(("javascript:", "data:", "vbscript:"))
        ]
    entry = (out / "faq" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in entry
    assert "<title>&lt;script&gt;" in entry
    search = (out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<script" not in search and "<svg" not in search
