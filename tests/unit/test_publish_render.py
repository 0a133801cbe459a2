"""Entry Markdown is untrusted: what reaches the page is escaped, and only safe links survive."""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbtool.publish.pages import markdown_page
from kbtool.safe_html import escape, render_markdown, render_plain

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ('<a href="javascript:alert(1)">x</a>', '<a href="javascript'),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ("[x](JaVaScRiPt:alert(1))", 'href="JaVaScRiPt'),
    ("[x](java&#x09;script:alert(1))", "href="),
    ("[x](%6Aavascript:alert(1))", 'href="%6Aavascript'),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
    ("[x](vbscript:msgbox(1))", 'href="vbscript'),
    ("[x](file:///etc/passwd)", 'href="file:'),
    ("<javascript:alert(1)>", 'href="javascript'),
    ("[x][r]\n\n[r]: javascript:alert(1)", 'href="javascript'),
    ("<iframe src=https://evil.example/></iframe>", "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ("<!-- comment --><b>bold</b>", "<b>"),
    ("```\n</code></pre><script>x</script>\n```", "<script"),
    ('```js" onmouseover="alert(1)\ncode\n```', '" onmouseover="'),
]


@pytest.mark.parametrize(("text", "forbidden"), HOSTILE)
def test_hostile_markdown_is_neutralised(text: str, forbidden: str) -> None:
    html = render_markdown(text)
    assert forbidden not in html
    assert "<script" not in html.lower()


def test_raw_html_is_shown_as_text() -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in render_markdown("<script>alert(1)</script>")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.nhs.uk/conditions/",
        "http://example.org/a?b=c",
        "../faq/x/",
        "#section",
        "/absolute/path",
    ],
)
def test_safe_links_are_kept(url: str) -> None:
    assert f'href="{escape(url)}"' in render_markdown(f"[link]({url})")


def test_external_links_do_not_leak_the_page_address() -> None:
    html = render_markdown("[NHS](https://www.nhs.uk/)")
    assert 'rel="noopener noreferrer external"' in html


def test_images_become_links_so_nothing_loads_from_another_host() -> None:
    html = render_markdown("![tracking pixel](https://tracker.example/p.png)")
    assert "<img" not in html
    assert (
        '<a href="https://tracker.example/p.png" rel="noopener noreferrer external">tracking pixel</a>'
        in html
    )
    assert "<img" not in render_markdown("![x](javascript:alert(1))")


def test_headings_sit_below_the_page_title_with_stable_ids() -> None:
    html = render_markdown("# One\n\n## Two\n\n### Three\n")
    assert '<h2 id="section-1">One</h2>' in html
    assert '<h2 id="section-2">Two</h2>' in html
    assert '<h3 id="section-3">Three</h3>' in html
    assert "<h1" not in html


def test_tables_and_lists_render() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n- item\n")
    assert "<table>" in html and "<li>item</li>" in html


def test_control_characters_are_dropped() -> None:
    assert "\x02" not in render_markdown("a\x02wzxhzdk:0\x03b") and "\x03" not in escape("x\x03")


def test_plain_text_is_escaped_and_on_one_line() -> None:
    assert render_plain('a <b> & "c"\n d') == "a &lt;b&gt; &amp; &quot;c&quot; d"


def test_the_page_passes_through_python_markdown_unchanged() -> None:
    """mkdocs renders pages with Python-Markdown: our HTML block must come out exactly as written."""
    body = render_markdown(
        '## A\n\n```\nline1\n\n    *not em*\n```\n\n<div markdown="1">**x**</div>\n\n'
        "[[x]] {: .cls } &amp; text *em*\n"
    )
    html = f'<div class="kb-entry">\n<h1>T *not em*</h1>\n{body}</div>'
    page = markdown_page({"title": "T"}, html)
    content = page.split("---\n", 2)[2]
    rendered = markdown.markdown(
        content, extensions=["toc", "tables", "fenced_code", "attr_list", "md_in_html"]
    )
    assert rendered == html


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'`[]()!:*#-_ \njavscriptdaJS/=%")), max_size=80))
def test_no_generated_text_produces_a_tag_or_unsafe_link(text: str) -> None:
    html = render_markdown(text)
    for tag in ("<script", "<img", "<iframe", "<style", "<svg", "<object"):
        assert tag not in html.lower()
    assert 'href="javascript' not in html.lower().replace("\t", "").replace(" ", "")
