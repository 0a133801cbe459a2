"""The pages that help readers find entries: home (with search), one page per section, A to Z,
specialties and tags, and the short explicit navigation every page carries.

The navigation lists only these few pages, never every entry: a sidebar listing every page
inside every page makes the site grow with the square of its size."""

from __future__ import annotations

from ..model import ENTRY_TYPES
from ..safe_html import escape, render_plain
from .catalog import Catalog, initial
from .labels import LANGS, label
from .pages import breadcrumb, markdown_page, page_meta
from .select import Published
from .urls import lang_root, relative, section_url


def navigation(lang: str) -> list[dict[str, str]]:
    """The mkdocs `nav`: home, the four sections, specialties, A to Z, tags."""
    items = [{label(lang, "home"): "index.md"}]
    items += [
        {label(lang, f"section.{kind}"): f"{folder}/index.md"}
        for kind, folder in ENTRY_TYPES.items()
    ]
    items += [
        {label(lang, "specialties"): "specialties/index.md"},
        {label(lang, "a_z"): "a-z/index.md"},
        {label(lang, "tags"): "tags/index.md"},
    ]
    return items


def list_pages(lang: str, catalog: Catalog, site_name: str) -> dict[str, str]:
    """Docs-relative path -> Markdown text of every non-entry page of one language."""
    pages = {"index.md": home_page(lang, catalog, site_name)}
    for kind, folder in ENTRY_TYPES.items():
        entries = [item for item in catalog.by_lang[lang] if item.type == kind]
        pages[f"{folder}/index.md"] = _list_page(
            lang,
            section_url(lang, kind),
            label(lang, f"section.{kind}"),
            label(lang, f"section.{kind}.intro"),
            entries,
            catalog,
        )
    pages["a-z/index.md"] = a_to_z_page(lang, catalog)
    for group in ("specialties", "tags"):
        pages.update(_group_pages(lang, catalog, group))
    return pages


def _entry_links(here: str, entries: list[Published], catalog: Catalog) -> str:
    items = "".join(
        f'<li><a href="{escape(relative(here, catalog.url(item)))}">'
        f"{render_plain(item.title)}</a></li>"
        for item in entries
    )
    return f'<ul class="kb-list">{items}</ul>'


def _list_page(
    lang: str,
    here: str,
    title: str,
    intro: str,
    entries: list[Published],
    catalog: Catalog,
    trail: list[tuple[str, str]] | None = None,
) -> str:
    trail = trail or [(label(lang, "home"), lang_root(lang))]
    body = _entry_links(here, entries, catalog) if entries else ""
    parts = [
        '<div class="kb-listing">',
        breadcrumb(lang, here, trail),
        f"<h1>{escape(title)}</h1>",
        f'<p class="kb-lead">{escape(intro)}</p>',
        f'<p class="kb-count">{escape(label(lang, "entries_count", count=len(entries)))}</p>',
        body or f"<p>{escape(label(lang, 'empty'))}</p>",
        "</div>",
    ]
    return markdown_page(page_meta(title), "\n".join(parts))


def home_page(lang: str, catalog: Catalog, site_name: str) -> str:
    """Search first, the emergency number, then the ways to browse."""
    here = lang_root(lang)
    counts = {
        kind: sum(1 for item in catalog.by_lang[lang] if item.type == kind) for kind in ENTRY_TYPES
    }
    tiles = []
    for kind in ENTRY_TYPES:
        tiles.append(
            _tile(
                relative(here, section_url(lang, kind)),
                label(lang, f"section.{kind}"),
                label(lang, f"section.{kind}.intro"),
                label(lang, "entries_count", count=counts[kind]),
            )
        )
    for page, key in (("specialties", "specialties"), ("a-z", "a_z"), ("tags", "tags")):
        tiles.append(
            _tile(relative(here, f"{here}{page}/"), label(lang, key), label(lang, f"{key}.intro"))
        )
    other = next(code for code in LANGS if code != lang)
    parts = [
        '<div class="kb-home">',
        f"<h1>{escape(site_name)}</h1>",
        f'<p class="kb-lead">{escape(label(lang, "home.intro"))}</p>',
        (
            '<form class="kb-search" action="./" method="get" role="search" '
            'aria-labelledby="kb-search-heading">'
        ),
        f'<h2 id="kb-search-heading">{escape(label(lang, "search.heading"))}</h2>',
        f'<label for="kb-q">{escape(label(lang, "search.label"))}</label>',
        (
            '<div class="kb-search__row">'
            '<input id="kb-q" name="q" type="search" autocomplete="off" '
            'enterkeyhint="search" required>'
        ),
        (
            f'<button type="submit" class="md-button md-button--primary">'
            f"{escape(label(lang, 'search.button'))}</button></div></form>"
        ),
        f'<p class="kb-home-emergency" role="note">{escape(label(lang, "home.emergency"))}</p>',
        f'<h2 id="kb-browse">{escape(label(lang, "sections"))}</h2>',
        f'<ul class="kb-tiles">{"".join(tiles)}</ul>',
        (
            f'<p class="kb-language"><a href="{escape(relative(here, lang_root(other)))}" '
            f'hreflang="{other}" lang="{other}">{escape(label(lang, "other_language"))}</a></p>'
        ),
        "</div>",
    ]
    meta = page_meta(site_name, label(lang, "home.intro"))
    del meta["title"]  # the theme titles the home page with the site's name
    return markdown_page(meta, "\n".join(p for p in parts if p))


def _tile(href: str, title: str, intro: str, count: str = "") -> str:
    extra = f'<span class="kb-tile__count">{escape(count)}</span>' if count else ""
    return (
        f'<li class="kb-tile"><a href="{escape(href)}">'
        f'<span class="kb-tile__title">{escape(title)}</span>'
        f'<span class="kb-tile__intro">{escape(intro)}</span>{extra}</a></li>'
    )


def a_to_z_page(lang: str, catalog: Catalog) -> str:
    """Every entry of the language, grouped by first letter (pinyin for Chinese titles)."""
    here = f"{lang_root(lang)}a-z/"
    groups: dict[str, list[Published]] = {}
    for item in catalog.by_lang[lang]:
        groups.setdefault(initial(item.title), []).append(item)
    letters = [chr(code) for code in range(ord("A"), ord("Z") + 1)] + ["#"]
    jump = "".join(
        f'<li><a href="#letter-{_anchor(letter)}">{letter}</a></li>'
        if letter in groups
        else f'<li><span aria-hidden="true">{letter}</span></li>'
        for letter in letters
    )
    sections = "".join(
        f'<h2 id="letter-{_anchor(letter)}">{escape(letter)}</h2>'
        f"{_entry_links(here, groups[letter], catalog)}"
        for letter in letters
        if letter in groups
    )
    parts = [
        '<div class="kb-listing kb-a-z">',
        breadcrumb(lang, here, [(label(lang, "home"), lang_root(lang))]),
        f"<h1>{escape(label(lang, 'a_z'))}</h1>",
        f'<p class="kb-lead">{escape(label(lang, "a_z.intro"))}</p>',
        (
            f'<nav class="kb-letters" aria-label="{escape(label(lang, "a_z.jump"))}">'
            f"<ul>{jump}</ul></nav>"
        ),
        sections or f"<p>{escape(label(lang, 'empty'))}</p>",
        "</div>",
    ]
    return markdown_page(page_meta(label(lang, "a_z")), "\n".join(parts))


def _anchor(letter: str) -> str:
    return "other" if letter == "#" else letter.lower()


def _group_pages(lang: str, catalog: Catalog, group: str) -> dict[str, str]:
    """`specialties/` or `tags/`: an index of the groups, and one page per group."""
    key = "specialties" if group == "specialties" else "tags"
    members = catalog.specialties[lang] if group == "specialties" else catalog.tags[lang]
    slugs = catalog.specialty_slugs[lang] if group == "specialties" else catalog.tag_slugs[lang]
    index_url = f"{lang_root(lang)}{group}/"
    home = (label(lang, "home"), lang_root(lang))
    links = "".join(
        f'<li><a href="{escape(slugs[name])}/">{escape(name)}</a> '
        f'<span class="kb-count">({escape(label(lang, "entries_count", count=len(entries)))})'
        "</span></li>"
        for name, entries in members.items()
    )
    parts = [
        '<div class="kb-listing">',
        breadcrumb(lang, index_url, [home]),
        f"<h1>{escape(label(lang, key))}</h1>",
        f'<p class="kb-lead">{escape(label(lang, f"{key}.intro"))}</p>',
        f'<ul class="kb-list">{links}</ul>' if links else f"<p>{escape(label(lang, 'empty'))}</p>",
        "</div>",
    ]
    pages = {f"{group}/index.md": markdown_page(page_meta(label(lang, key)), "\n".join(parts))}
    for name, entries in members.items():
        here = f"{index_url}{slugs[name]}/"
        pages[f"{group}/{slugs[name]}.md"] = _list_page(
            lang,
            here,
            name,
            label(lang, f"{key}.intro"),
            entries,
            catalog,
            trail=[home, (label(lang, key), index_url)],
        )
    return pages
