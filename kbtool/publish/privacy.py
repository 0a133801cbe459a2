"""Check the built site: no page may make the reader's browser contact another host."""

from __future__ import annotations

import re
from pathlib import Path

_LOADING_TAG = re.compile(
    r"<(script|img|iframe|frame|source|video|audio|embed|object|link|track|input)\b[^>]*>",
    re.IGNORECASE,
)
_URL_ATTR = re.compile(
    r"\b(src|href|srcset|data|poster|action)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE
)
_REL = re.compile(r"\brel\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.IGNORECASE)
_CSS_URL = re.compile(
    r"(?:url\(\s*['\"]?|@import\s+['\"])\s*((?:https?:)?//[^'\")\s]+)", re.IGNORECASE
)
_NOT_LOADED_LINKS = {
    "alternate",
    "canonical",
    "prev",
    "next",
    "author",
    "license",
    "help",
    "search",
}


def _external(url: str) -> bool:
    url = url.strip().strip("\"'").strip().lower()
    return url.startswith(("http://", "https://", "//"))


def third_party_loads(html: str) -> list[str]:
    """URLs on other hosts that this HTML would load by itself (links a reader clicks are fine)."""
    found = []
    for match in _LOADING_TAG.finditer(html):
        tag, element = match.group(1).lower(), match.group(0)
        if tag == "link":
            rel = _REL.search(element)
            words = set(rel.group(1).strip("\"'").lower().split()) if rel else set()
            if words and words <= _NOT_LOADED_LINKS:
                continue
        for attr in _URL_ATTR.finditer(element):
            value = attr.group(2)
            candidates = (
                [part.split()[0] for part in value.strip("\"'").split(",") if part.strip()]
                if attr.group(1).lower() == "srcset"
                else [value]
            )
            found += [url.strip("\"'") for url in candidates if _external(url)]
    found += [match.group(1) for match in _CSS_URL.finditer(html)]
    return found


def scan_site(root: Path) -> list[str]:
    """One message per built file that would contact another host when opened."""
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        urls = (
            third_party_loads(text)
            if path.suffix == ".html"
            else [m.group(1) for m in _CSS_URL.finditer(text)]
        )
        if urls:
            shown = path.relative_to(root).as_posix()
            problems.append(
                f"{shown} would load {', '.join(sorted(set(urls))[:3])} from another host"
            )
    return problems
