"""One published entry -> the text of its Markdown page (YAML front matter + sanitised HTML).

Every value from an entry is escaped here or rendered by `render.render_markdown`, so the
page is safe whatever the entry says. The layout follows the NHS pattern: title, lead,
body, "when to get help" care cards (emergency first), related pages, sources, and who
reviewed the page and when. The review dates sit in `data-next-review` so the site's own
script can show the overdue notice in the reader's browser without a rebuild."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from ..fields import without_layout
from ..model import URGENCIES, RedFlag, Source, red_flags_of, sources_of
from ..safe_html import escape, render_markdown, render_plain
from .catalog import Catalog
from .labels import label
from .select import Published
from .urls import lang_root, relative, section_url

_Dumper: type[Any] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's writer where PyYAML has it: the same values, a few times faster per page."""


def markdown_page(meta: dict[str, Any], html: str) -> str:
    """A Markdown file: YAML front matter, then one block of HTML that Markdown passes through."""
    head = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=1000)
    return f"---\n{head}---\n\n{html.strip()}\n"


THEME_INDEXES_ENTRIES = False
"""Whether entry pages also go into the theme's own search index. The site never reads it
(kbtool's index serves the search box) and building it segments every page with jieba again;
only benchmarks/site_search_quality.py turns it on, to compare the theme's search with ours."""


def page_meta(
    title: str, description: str | None = None, *, theme_search: bool = False
) -> dict[str, Any]:
    """Front matter: the title and description are HTML-escaped, as themes print them as-is."""
    meta: dict[str, Any] = {"title": escape(title)}
    if not theme_search:
        meta["search"] = {"exclude": True}
    if description:
        meta["description"] = escape(" ".join(description.split()))
    return meta


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def entry_page(item: Published, catalog: Catalog) -> str:
    """The Markdown page of one published entry."""
    here = catalog.url(item)
    lang = item.lang
    content = item.content
    parts = [
        f'<div class="kb-entry kb-entry--{escape(item.type)}" data-entry="{escape(item.id)}">',
        breadcrumb(
            lang,
            here,
            [
                (label(lang, "home"), lang_root(lang)),
                (label(lang, f"section.{item.type}"), section_url(lang, item.type)),
            ],
        ),
        _banner(item),
        review_notice(lang, item.review, overdue=item.state == "overdue"),
        f"<h1>{render_plain(item.title)}</h1>",
        _question(item),
        f'<p class="kb-lead">{render_plain(_text(content.get("summary")))}</p>',
        _aliases(content),
        _translations(item, catalog, here),
        _actions(item),
        f'<div class="kb-body">\n{render_markdown(_text(content.get("body")), "section")}</div>',
        care_cards(lang, red_flags_of(content)),
        _related(item, catalog, here),
        _sources(lang, sources_of(content)),
        _more(lang, content),
        _groups(item, catalog, here),
        review_footer(lang, item.review),
        "</div>",
    ]
    return markdown_page(
        page_meta(item.title, _text(content.get("summary")), theme_search=THEME_INDEXES_ENTRIES),
        "\n".join(p for p in parts if p),
    )


def breadcrumb(lang: str, here: str, trail: list[tuple[str, str]]) -> str:
    links = "".join(
        f'<li><a href="{escape(relative(here, url))}">{escape(name)}</a></li>'
        for name, url in trail
    )
    name = escape(label(lang, "breadcrumb"))
    return (
        f'<nav class="kb-breadcrumb" data-search-exclude aria-label="{name}"><ol>{links}</ol></nav>'
    )


def _banner(item: Published) -> str:
    if item.banner is None:
        return ""
    lang = item.lang
    text = label(
        lang, f"banner.{item.banner}.text", reviewed_on=str(item.review.get("reviewed_on", ""))
    )
    return (
        f'<div class="kb-banner kb-banner--{escape(item.banner)}" role="note" data-search-exclude>'
        f"<p><strong>{escape(label(lang, f'banner.{item.banner}.title'))}</strong></p>"
        f"<p>{escape(text)}</p></div>"
    )


def review_notice(lang: str, review: dict[str, Any], overdue: bool) -> str:
    """The past-review-date notice: shown now when overdue at build time, otherwise hidden until
    the reader's date passes `data-next-review` (kbtool.js un-hides it)."""
    next_review, reviewed_on = (
        str(review.get("next_review", "")),
        str(review.get("reviewed_on", "")),
    )
    if not next_review:
        return ""
    text = label(lang, "notice.overdue.text", next_review=next_review, reviewed_on=reviewed_on)
    hidden = "" if overdue else " hidden"
    return (
        f'<div class="kb-notice kb-notice--overdue" role="note" data-search-exclude '
        f'data-next-review="{escape(next_review)}"'
        f"{hidden}><p><strong>{escape(label(lang, 'notice.overdue.title'))}</strong></p>"
        f"<p>{escape(text)}</p></div>"
    )


def _question(item: Published) -> str:
    question = _text(item.content.get("question"))
    if not question:
        return ""
    return (
        f'<p class="kb-question"><span class="kb-sr-only">'
        f"{escape(label(item.lang, 'question'))}: </span>"
        f"{render_plain(question)}</p>"
    )


def _aliases(content: dict[str, Any]) -> str:
    """Other names, for search only (they include misspellings, so they are not shown)."""
    aliases = content.get("aliases")
    names = [_text(name) for name in aliases if _text(name)] if isinstance(aliases, list) else []
    if not names:
        return ""
    return f'<p class="kb-search-terms" hidden>{escape(" · ".join(names))}</p>'


def _translations(item: Published, catalog: Catalog, here: str) -> str:
    targets = item.content.get("translations")
    links = []
    for target_id in targets if isinstance(targets, list) else []:
        other = catalog.get(target_id)
        if other is None or other.lang == item.lang:
            continue
        links.append(
            f'<a href="{escape(relative(here, catalog.url(other)))}" '
            f'hreflang="{escape(other.lang)}" '
            f'lang="{escape(other.lang)}">{escape(label(item.lang, "other_language.page"))}'
            f"{escape(label(other.lang, 'colon'))}"
            f"{render_plain(other.title)}</a>"
        )
    return f'<p class="kb-translations" data-search-exclude>{" ".join(links)}</p>' if links else ""


def _actions(item: Published) -> str:
    parts = []
    if red_flags_of(item.content):
        parts.append(
            f'<a class="kb-jump" href="#kb-help">{escape(label(item.lang, "lead.help"))}</a>'
        )
    if item.type == "aftercare":
        parts.append(
            f'<button type="button" class="kb-print md-button" data-kb-print hidden>'
            f"{escape(label(item.lang, 'print'))}</button>"
        )
    return f'<p class="kb-actions" data-search-exclude>{" ".join(parts)}</p>' if parts else ""


def care_cards(lang: str, flags: Sequence[RedFlag]) -> str:
    """NHS-style care cards: one per urgency present, most urgent first, each a single call to
    action with the warning signs (and each sign's own advice) listed under it."""
    cards = []
    for urgency in URGENCIES:
        signs = [flag for flag in flags if flag.urgency == urgency]
        if not signs:
            continue
        items = "".join(
            f'<li><p class="kb-care-card__when">{render_plain(flag.when)}</p>'
            f'<p class="kb-care-card__action">{render_plain(flag.action)}</p></li>'
            for flag in signs
        )
        cards.append(
            f'<div class="kb-care-card kb-care-card--{urgency}" data-urgency="{urgency}">'
            f'<h3 class="kb-care-card__heading"><span class="kb-sr-only">'
            f"{escape(label(lang, f'care.{urgency}.sr'))}"
            f"</span>{escape(label(lang, f'care.{urgency}.heading'))}</h3>"
            f'<div class="kb-care-card__content"><ul>{items}</ul></div></div>'
        )
    if not cards:
        return ""
    return (
        f'<section class="kb-help" aria-labelledby="kb-help"><h2 id="kb-help">'
        f"{escape(label(lang, 'help.heading'))}</h2>{''.join(cards)}</section>"
    )


def _link_list(heading_id: str, heading: str, links: Iterable[str]) -> str:
    items = "".join(f"<li>{link}</li>" for link in links)
    if not items:
        return ""
    return (
        f'<section class="{heading_id}" aria-labelledby="{heading_id}"><h2 id="{heading_id}">'
        f"{escape(heading)}</h2><ul>{items}</ul></section>"
    )


def _related(item: Published, catalog: Catalog, here: str) -> str:
    related = item.content.get("related")
    links = []
    for target_id in dict.fromkeys(related) if isinstance(related, list) else []:
        other = catalog.get(target_id)
        if other is None or other.id == item.id:
            continue  # drafts and left-out entries are never linked
        lang_attr = (
            f' hreflang="{escape(other.lang)}" lang="{escape(other.lang)}"'
            if other.lang != item.lang
            else ""
        )
        links.append(
            f'<a href="{escape(relative(here, catalog.url(other)))}"{lang_attr}>'
            f"{render_plain(other.title)}</a>"
        )
    return _link_list("kb-related", label(item.lang, "related"), links)


def _sources(lang: str, sources: Sequence[Source]) -> str:
    links = []
    for source in sources:
        title, url = render_plain(source.title), source.url
        if url.lower().startswith(("http://", "https://")):
            links.append(f'<a href="{escape(url)}" rel="noopener noreferrer external">{title}</a>')
        else:
            links.append(title)
    return _link_list("kb-sources", label(lang, "sources"), links)


def _more(lang: str, content: dict[str, Any]) -> str:
    """Published fields without a layout of their own, each under its label (escaped text)."""
    return "\n".join(
        _link_list(
            f"kb-field-{item.name}", item.label(lang), (render_plain(line) for line in lines)
        )
        for item, lines in without_layout(content)
    )


def _groups(item: Published, catalog: Catalog, here: str) -> str:
    lang, parts = item.lang, []
    specialty = catalog.specialty_of.get(item.id)
    if specialty and specialty in catalog.specialty_slugs[lang]:
        url = f"{lang_root(lang)}specialties/{catalog.specialty_slugs[lang][specialty]}/"
        parts.append(
            f'{escape(label(lang, "groups.specialty"))}<a href="{escape(relative(here, url))}">'
            f"{escape(specialty)}</a>"
        )
    tags = item.content.get("tags")
    tag_links = []
    for tag in sorted({_text(t) for t in tags if _text(t)}) if isinstance(tags, list) else []:
        url = f"{lang_root(lang)}tags/{catalog.tag_slugs[lang][tag]}/"
        tag_links.append(
            f'<a class="kb-tag" href="{escape(relative(here, url))}">{escape(tag)}</a>'
        )
    if tag_links:
        parts.append(f"{escape(label(lang, 'groups.tags'))}{' '.join(tag_links)}")
    return "".join(f'<p class="kb-groups">{part}</p>' for part in parts)


def review_footer(lang: str, review: dict[str, Any]) -> str:
    """ "Reviewed by / last reviewed / next review due", with the dates as <time> elements."""
    by = review.get("reviewed_by")
    names = (
        [by] if isinstance(by, str) else [str(name) for name in by] if isinstance(by, list) else []
    )
    rows = [(label(lang, "review.by"), escape(label(lang, "review.separator").join(names)))]
    for key, field in (("review.on", "reviewed_on"), ("review.next", "next_review")):
        value = escape(review.get(field, ""))
        rows.append((label(lang, key), f'<time datetime="{value}">{value}</time>'))
    cells = "".join(f"<div><dt>{escape(name)}</dt><dd>{value}</dd></div>" for name, value in rows)
    heading = escape(label(lang, "review.heading"))
    return (
        f'<section class="kb-review" aria-label="{heading}" data-search-exclude><h2>{heading}</h2>'
        f"<dl>{cells}</dl></section>"
    )
