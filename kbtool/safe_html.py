"""Entry Markdown -> HTML that is safe to put in front of patients (the public site) and
staff (the staff app's entry view): one renderer for both.

Entry text is treated as untrusted: raw HTML is shown as text, never passed through;
links are kept only when `markup.is_safe_url` accepts them (http, https, relative);
images are not rendered (an image from another host would be a third-party request);
headings are shifted below the page title and given stable ids."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .markup import is_safe_url

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Drop control characters (they have no meaning in patient text and confuse HTML tools)."""
    return _CONTROL.sub("", text)


def escape(text: object) -> str:
    """HTML-escape any value for use in element text and quoted attributes."""
    return html.escape(clean(str(text)), quote=True)


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _valid_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    return md


def _valid_link(url: str) -> bool:
    return is_safe_url(url) and is_safe_url(unquote(url))


def _is_external(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://", "//"))


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if not is_safe_url(href):  # belt and braces: validateLink already refused it
        token.attrSet("href", "#")
    if _is_external(href):
        token.attrSet("rel", "noopener noreferrer external")
    return str(self.renderToken(tokens, idx, options, env))


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An image is shown as a link to it: nothing on the page loads from elsewhere by itself."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = escape(token.content or src)
    if not src or not _valid_link(src):
        return alt
    rel = ' rel="noopener noreferrer external"' if _is_external(src) else ""
    return f'<a href="{escape(src)}"{rel}>{alt}</a>'


def _level(token: Token) -> int:
    return max(int(token.tag[1]), 2)  # the page title is the only h1


def _render_heading_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    env["heading"] = env.get("heading", 0) + 1
    prefix = env.get("id_prefix", "section")
    return f'<h{_level(token)} id="{escape(prefix)}-{env["heading"]}">'


def _render_heading_close(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    return f"</h{_level(tokens[idx])}>\n"


_MD = _make_parser()


def render_markdown(text: str, id_prefix: str = "section") -> str:
    """Safe HTML for a Markdown body; headings get ids `<id_prefix>-1`, `-2`, ..."""
    env: dict[str, Any] = {"id_prefix": id_prefix}
    return str(_MD.render(clean(text), env))


def render_plain(text: str) -> str:
    """A plain-text field as HTML: escaped, with line breaks kept as spaces."""
    return escape(" ".join(text.split()))
