"""Entry pages and list pages: the NHS layout, escaping, links only to published pages."""

from __future__ import annotations

from typing import Any

import yaml

from kbtool.model import red_flags_of
from kbtool.publish.catalog import build_catalog, initial, slugify, sort_key
from kbtool.publish.navigation import list_pages, navigation
from kbtool.publish.pages import care_cards, entry_page, review_notice
from kbtool.publish.select import Published, Selection
from kbtool.publish.urls import entry_url, relative

REVIEW = {
    "reviewed_by": "王医生（妇产科主治医师）",
    "reviewed_on": "2026-02-20",
    "next_review": "2027-02-20",
}


def item(
    entry_id: str, lang: str = "zh", kind: str = "condition", state: str = "current", **content: Any
) -> Published:
    data = {
        "id": entry_id,
        "type": kind,
        "lang": lang,
        "title": content.pop("title", f"标题{entry_id}"),
        "summary": "摘要。",
        "body": "## 小节\n\n正文。\n",
        **content,
    }
    return Published(
        id=entry_id,
        type=kind,
        lang=lang,
        file=f"kb/x/{entry_id}.yaml",
        content=data,
        review=dict(REVIEW),
        state=state,
    )


def page_for(target: Published, *others: Published) -> str:
    catalog = build_catalog(Selection(published=[target, *others]))
    return entry_page(target, catalog)


def front_matter(page: str) -> dict[str, Any]:
    return yaml.safe_load(page.split("---\n")[1])


FLAGS = [
    {"when": "需要预约的情况", "urgency": "routine", "action": "预约门诊。"},
    {"when": "剧烈腹痛", "urgency": "emergency", "action": "立即拨打 120。"},
    {"when": "发热", "urgency": "urgent", "action": "当天就诊。"},
    {"when": "晕倒", "urgency": "emergency", "action": "立即拨打 120。"},
]


def test_care_cards_one_per_urgency_emergency_first() -> None:
    html = care_cards("zh", red_flags_of({"red_flags": FLAGS}))
    order = [
        html.index(f'kb-care-card--{urgency}"') for urgency in ("emergency", "urgent", "routine")
    ]
    assert order == sorted(order)
    assert html.count("kb-care-card--emergency") == 1
    assert "立即拨打 120 或去急诊，如果：" in html
    assert '<span class="kb-sr-only">需要立即行动：</span>' in html
    emergency = html[order[0] : order[1]]
    assert "剧烈腹痛" in emergency and "晕倒" in emergency and "发热" not in emergency


def test_care_cards_in_english_and_absent_without_flags() -> None:
    html = care_cards("en", red_flags_of({"red_flags": FLAGS[:1]}))
    assert "Make an appointment with a doctor if:" in html and "Non-urgent advice: " in html
    assert care_cards("zh", ()) == ""
    assert care_cards("zh", red_flags_of({"red_flags": [{"urgency": "bogus"}]})) == ""


def test_entry_page_layout_in_order() -> None:
    page = page_for(
        item("a", red_flags=FLAGS, sources=[{"title": "NHS", "url": "https://www.nhs.uk/"}])
    )
    marks = [
        'class="kb-breadcrumb"',
        "<h1>",
        'class="kb-lead"',
        'class="kb-body"',
        'id="kb-help"',
        'id="kb-sources"',
        'class="kb-review"',
    ]
    positions = [page.index(mark) for mark in marks]
    assert positions == sorted(positions)
    assert "<dt>审核人</dt><dd>王医生（妇产科主治医师）</dd>" in page
    assert '<dt>最近审核</dt><dd><time datetime="2026-02-20">2026-02-20</time></dd>' in page
    assert '<dt>下次审核</dt><dd><time datetime="2027-02-20">2027-02-20</time></dd>' in page


def test_overdue_notice_visible_when_overdue_and_hidden_otherwise() -> None:
    overdue = page_for(item("a", state="overdue"))
    current = page_for(item("a"))
    assert 'data-next-review="2027-02-20">' in overdue  # not hidden
    assert "本页应在 2027-02-20 前重新审核，最近一次审核是 2026-02-20" in overdue
    assert 'data-next-review="2027-02-20" hidden>' in current  # shown later by kbtool.js
    assert overdue.index("kb-notice") < overdue.index("<h1>")
    assert "past its review date" in review_notice("en", REVIEW, overdue=True)


def test_every_entry_field_is_escaped() -> None:
    hostile = '<script>alert("t")</script>'
    page = page_for(
        item(
            "a",
            title=hostile,
            summary=hostile,
            question=hostile,
            aliases=[hostile],
            specialty=hostile,
            tags=[hostile],
            body=hostile,
            red_flags=[{"when": hostile, "urgency": "emergency", "action": hostile}],
            sources=[{"title": hostile, "url": "javascript:alert(1)"}],
        )
    )
    assert "<script" not in page
    assert "javascript:" not in page
    meta = front_matter(page)
    assert meta["title"] == "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;"


def test_related_and_translations_link_only_to_published_entries() -> None:
    target = item("a", related=["b", "missing-draft", "a"], translations=["a-en", "gone"])
    page = page_for(target, item("b", title="乙"), item("a-en", lang="en", title="Title A"))
    assert '<a href="../b/">乙</a>' in page
    assert "missing-draft" not in page and "gone" not in page
    assert (
        'href="../../en/conditions/a-en/" hreflang="en" lang="en">Read this page in English: Title A'
        in page
    )


def test_english_page_links_back_to_chinese() -> None:
    english = item("a-en", lang="en", title="Title A", translations=["a"])
    page = page_for(english, item("a", title="甲"))
    assert 'href="../../../conditions/a/" hreflang="zh" lang="zh">阅读本页的中文版：甲' in page


def test_aftercare_pages_offer_printing_and_aliases_are_only_for_search() -> None:
    page = page_for(item("a", kind="aftercare", aliases=["人留后"]))
    assert "data-kb-print hidden" in page
    assert '<p class="kb-search-terms" hidden>人留后</p>' in page


def test_navigation_is_short_and_fixed() -> None:
    nav = navigation("zh")
    assert len(nav) == 8
    assert [next(iter(entry.values())) for entry in nav] == [
        "index.md",
        "conditions/index.md",
        "aftercare/index.md",
        "referrals/index.md",
        "faq/index.md",
        "specialties/index.md",
        "a-z/index.md",
        "tags/index.md",
    ]


def test_list_pages_group_by_letter_specialty_and_tag() -> None:
    entries = [
        item("a", title="宫外孕", specialty="妇科", tags=["孕期"]),
        item("b", title="HPV 疫苗", specialty="妇科"),
        item("c", title="1 型糖尿病"),
    ]
    pages = list_pages("zh", build_catalog(Selection(published=entries)), "示例医院")
    assert set(pages) >= {
        "index.md",
        "conditions/index.md",
        "a-z/index.md",
        "specialties/index.md",
        "specialties/fu-ke.md",
        "tags/index.md",
        "tags/yun-qi.md",
    }
    a_to_z = pages["a-z/index.md"]
    assert (
        a_to_z.index('id="letter-g"')
        < a_to_z.index('id="letter-h"')
        < a_to_z.index('id="letter-other"')
    )
    assert front_matter(a_to_z)["search"] == {"exclude": True}
    assert '<form class="kb-search" action="./" method="get" role="search"' in pages["index.md"]
    assert "<h1>示例医院</h1>" in pages["index.md"] and "title" not in front_matter(
        pages["index.md"]
    )


def test_sorting_slugs_and_letters() -> None:
    assert sort_key("宫外孕", "x")[0] == "gong wai yun"
    assert initial("宫外孕") == "G" and initial("HPV") == "H" and initial("（注）") == "Z"
    assert initial("120 急救") == "#"
    assert (
        slugify("妇科") == "fu-ke"
        and slugify("Ophthalmology!") == "ophthalmology"
        and slugify("!!") == "x"
    )


def test_tag_slugs_are_distinct_and_never_index() -> None:
    entries = [item("a", tags=["index", "Index!", "妇科", "fu ke"])]
    slugs = build_catalog(Selection(published=entries)).tag_slugs["zh"]
    assert len(set(slugs.values())) == 4 and "index" not in slugs.values()


def test_relative_urls() -> None:
    assert relative("conditions/a/", "conditions/b/") == "../b/"
    assert relative("conditions/a/", "") == "../../"
    assert relative("", "en/") == "en/"
    assert relative("en/faq/x/", "faq/y/") == "../../../faq/y/"
    assert relative("", "") == "./"
    assert entry_url("en", "faq", "x") == "en/faq/x/"
