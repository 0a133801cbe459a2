"""Serve a built static site folder (the public patient site) over WSGI, read-only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from werkzeug.security import safe_join
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

SITE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'self'; "
    "frame-ancestors 'none'"
)


def static_site(root: Path) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """A WSGI app answering GET/HEAD from `root`: `dir/` serves `dir/index.html`, never outside root."""
    base = root.resolve()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        response = _respond(base, request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Content-Security-Policy", SITE_CSP)
        return response(environ, start_response)

    return app


def _respond(base: Path, request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return Response("method not allowed", status=405, mimetype="text/plain")
    relative = request.path.lstrip("/")
    joined = safe_join(str(base), relative) if relative else str(base)
    if joined is None:
        return _not_found(base, request)
    target = Path(joined)
    if target.is_dir():
        if relative and not request.path.endswith("/"):
            return Response(status=301, headers={"Location": request.path + "/"})
        target = target / "index.html"
    if not target.is_file():
        return _not_found(base, request)
    return send_file(target, request.environ, max_age=60)


def _not_found(base: Path, request: Request) -> Response:
    page = base / "404.html"
    if page.is_file():
        response = send_file(page, request.environ)
        response.status_code = 404
        return response
    return Response("not found", status=404, mimetype="text/plain")
