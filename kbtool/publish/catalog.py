"""What the site holds: published entries per language, their addresses, sort order and
the groups (specialties, tags) that get their own pages. Built once, read by every page."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import KbConfig
from .labels import LANGS
from .select import Published, Selection
from .urls import entry_url

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def romanise(text: str) -> str:
    """Lowercase pinyin for Chinese (other text unchanged), used for sorting and slugs."""
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text)).lower()


def sort_key(title: str, entry_id: str) -> tuple[str, str, str]:
    """Chinese titles sort by pinyin, others alphabetically; ties by title then id."""
    words = _NOT_SLUG.sub(" ", romanise(title)).strip()
    return (words, title, entry_id)


def initial(title: str) -> str:
    """The A to Z letter of a title ('#' when it starts with neither a letter nor a hanzi)."""
    first = sort_key(title, "")[0][:1]
    return first.upper() if "a" <= first <= "z" else "#"


def slugify(text: str) -> str:
    slug = _NOT_SLUG.sub("-", romanise(text)).strip("-")
    return slug[:60].strip("-") or "x"


def _slugs(names: list[str]) -> dict[str, str]:
    """A distinct, stable slug for each name (sorted; collisions get -2, -3, ...)."""
    taken: dict[str, str] = {}
    used: set[str] = {"index"}  # `index.md` is the list page itself
    for name in sorted(set(names)):
        base = slugify(name)
        slug, number = base, 1
        while slug in used:
            number += 1
            slug = f"{base}-{number}"
        used.add(slug)
        taken[name] = slug
    return taken


@dataclass
class Catalog:
    """Published entries indexed for page generation."""

    items: dict[str, Published]
    by_lang: dict[str, list[Published]] = field(default_factory=dict)
    specialties: dict[str, dict[str, list[Published]]] = field(default_factory=dict)
    tags: dict[str, dict[str, list[Published]]] = field(default_factory=dict)
    specialty_slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    tag_slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    specialty_of: dict[str, str] = field(default_factory=dict)
    """Entry id -> the specialty page it is listed on (one page per canonical specialty)."""

    def url(self, item: Published) -> str:
        return entry_url(item.lang, item.type, item.id)

    def get(self, entry_id: object) -> Published | None:
        return self.items.get(entry_id) if isinstance(entry_id, str) else None


def _text_list(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return sorted({item.strip() for item in value if isinstance(item, str) and item.strip()})


def _specialty_groups(entries: list[Published], config: KbConfig) -> dict[str, list[Published]]:
    """Entries grouped by canonical specialty, each group named by the name most of its entries
    in this language use (so the English site says 'gynaecology' where the vocabulary says 妇科)."""
    groups: dict[str, list[Published]] = defaultdict(list)
    for item in entries:
        canonical = config.specialty(item.content.get("specialty"))
        if canonical is not None:
            groups[canonical].append(item)
    named = {}
    for canonical, members in groups.items():
        names = Counter(str(item.content["specialty"]).strip() for item in members)
        label = min(names, key=lambda name: (-names[name], name != canonical, name))
        named[label] = members
    return named


def build_catalog(selection: Selection) -> Catalog:
    """Sort and group the published entries of every language."""
    catalog = Catalog(items=selection.by_id())
    for lang in LANGS:
        entries = [item for item in selection.published if item.lang == lang]
        entries.sort(key=lambda item: sort_key(item.title, item.id))
        catalog.by_lang[lang] = entries
        specialties: dict[str, list[Published]] = defaultdict(list)
        tags: dict[str, list[Published]] = defaultdict(list)
        for label, members in _specialty_groups(entries, selection.config).items():
            specialties[label] = members
            catalog.specialty_of.update({item.id: label for item in members})
        for item in entries:
            for tag in _text_list(item.content.get("tags")):
                tags[tag].append(item)
        catalog.specialties[lang] = dict(
            sorted(specialties.items(), key=lambda kv: sort_key(kv[0], ""))
        )
        catalog.tags[lang] = dict(sorted(tags.items(), key=lambda kv: sort_key(kv[0], "")))
        catalog.specialty_slugs[lang] = _slugs(list(specialties))
        catalog.tag_slugs[lang] = _slugs(list(tags))
    return catalog
