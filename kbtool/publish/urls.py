"""Where every page lives, as paths from the output root, and links between them.

Chinese is the site root; English is a second site under `en/`. An entry is at
`<lang root><folder>/<id>/` (e.g. `aftercare/abortion-aftercare/`,
`en/aftercare/abortion-aftercare-en/`), a section at `<lang root><folder>/`."""

from __future__ import annotations

import posixpath

from ..model import ENTRY_TYPES
from .labels import LANGS

RESERVED_IDS = frozenset({"index"})
"""Ids that cannot be page addresses (`<folder>/index.md` is the section page)."""


def lang_root(lang: str) -> str:
    """'' for the default language, 'en/' for English."""
    return "" if lang == LANGS[0] else f"{lang}/"


def section_url(lang: str, kind: str) -> str:
    return f"{lang_root(lang)}{ENTRY_TYPES[kind]}/"


def entry_url(lang: str, kind: str, entry_id: str) -> str:
    return f"{section_url(lang, kind)}{entry_id}/"


def entry_source(kind: str, entry_id: str) -> str:
    """The Markdown file of an entry page, relative to its language's docs folder."""
    return f"{ENTRY_TYPES[kind]}/{entry_id}.md"


def source_to_url(lang: str, source: str) -> str:
    """`conditions/index.md` -> `conditions/`, `a-z.md` -> `a-z/`, under the language's root."""
    stem = source[: -len(".md")]
    if stem == "index":
        return lang_root(lang)
    stem = stem.removesuffix("/index")
    return f"{lang_root(lang)}{stem}/"


def relative(from_url: str, to_url: str) -> str:
    """A relative link from the page at `from_url` to `to_url` (directory URLs or files)."""
    base = from_url.rstrip("/") or "."
    target = to_url.rstrip("/") or "."
    path = posixpath.relpath(target, base)
    if to_url.endswith("/") or to_url == "":
        return "./" if path == "." else f"{path}/"
    return path
