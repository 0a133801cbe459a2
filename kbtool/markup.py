"""Find what must never reach a patient's browser in entry text: raw HTML and unsafe links.

The same scan serves `kbtool check` (to tell the author) and the site (which also escapes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_SCHEMES = {"http", "https"}
_TAG = re.compile(
    r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?\s*>|<!--|<\?|<!\[CDATA\[|<![A-Za-z]"
)
_SCHEME_IN_LINK = re.compile(
    r"(?:\]\(\s*<?|\]:\s*<?|<|href\s*=\s*[\"']?|src\s*=\s*[\"']?)\s*((?:j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|"
    r"v\s*b\s*s\s*c\s*r\s*i\s*p\s*t|d\s*a\s*t\s*a|f\s*i\s*l\s*e)\s*:)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MarkupIssue:
    """One unsafe construct: its kind ('html' or 'link'), offset into the text and what it is."""

    kind: str
    offset: int
    text: str


def _parser() -> MarkdownIt:
    # validateLink is left permissive here so the scan *sees* every link, including unsafe ones.
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MD = _parser()


def is_safe_url(url: str) -> bool:
    """http, https, in-page (#...) and relative links are safe; every other scheme is not."""
    cleaned = "".join(ch for ch in url.strip() if ch.isprintable() and not ch.isspace())
    if not cleaned:
        return True
    scheme = urlsplit(cleaned).scheme.lower()
    if not scheme:
        return True
    return scheme in SAFE_SCHEMES


_MAYBE_UNSAFE = re.compile(r"<|\]\s*[(:\[]|href|src", re.IGNORECASE)


def scan_markdown(text: str) -> list[MarkupIssue]:
    """Raw HTML blocks/tags and links with a scheme other than http/https, in document order."""
    issues: list[MarkupIssue] = []
    if not _MAYBE_UNSAFE.search(text):  # no tag, link or reference anywhere: skip the full parse
        return issues
    for token in _walk(_MD.parse(text)):
        if token.type in ("html_block", "html_inline"):
            snippet = (
                token.content.strip().splitlines()[0] if token.content.strip() else token.content
            )
            issues.append(MarkupIssue("html", _find(text, snippet), snippet[:60]))
        elif token.type in ("link_open", "image"):
            url = str(token.attrGet("href") or token.attrGet("src") or "")
            if not is_safe_url(url):
                issues.append(MarkupIssue("link", _find(text, url), url[:60]))
    for match in _SCHEME_IN_LINK.finditer(text):
        offset = match.start(1)
        if not any(issue.kind == "link" and abs(issue.offset - offset) < 3 for issue in issues):
            issues.append(MarkupIssue("link", offset, match.group(1)))
    return sorted(issues, key=lambda issue: issue.offset)


def scan_plain(text: str) -> list[MarkupIssue]:
    """HTML-looking tags in a plain-text field (title, summary, ...)."""
    return [MarkupIssue("html", m.start(), m.group(0)[:60]) for m in _TAG.finditer(text)]


def _walk(tokens: list[Token]) -> list[Token]:
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        if token.children:
            flat.extend(_walk(token.children))
    return flat


def _find(text: str, snippet: str) -> int:
    position = text.find(snippet) if snippet else -1
    return max(position, 0)
