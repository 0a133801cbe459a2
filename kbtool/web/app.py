"""Routes of the staff app. Read-only: nothing here writes except the content-gap log."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..model import ENTRY_TYPES
from .access import Access
from .entries import entry_view
from .live import MAX_QUERY_CHARS, LiveKb
from .messages import messages_for

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
MAX_LIMIT = 50


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one error shape of every endpoint."""
    return {"error": {"status": status, "code": code, "message": message}}


def staff_app(
    kb: Path,
    cache_dir: Path,
    access: Access | None,
    *,
    due_soon_days: int = 30,
    cache_size: int = 2048,
    builds_index: bool = True,
) -> Flask:
    """One process's staff app over its own live view of the KB, already watching for changes
    (stop it with `app.extensions["kbtool_live"].stop()`)."""
    from ..search.gaps import gaps_file

    live = LiveKb(
        kb, cache_dir, due_soon_days=due_soon_days, cache_size=cache_size, builds_index=builds_index
    )
    live.start()
    return create_app(live, gap_log=gaps_file(cache_dir), access=access)


def create_app(
    live: LiveKb, gap_log: Path | None = None, access: Access | None = None, throttle: Any = None
) -> Flask:
    """The staff app; with `access` that requires sign-in, every route but login and health is closed."""
    from . import signin

    here = Path(__file__).parent
    app = Flask(
        __name__,
        template_folder=str(here / "templates"),
        static_folder=str(here / "static"),
        static_url_path="/static",
    )
    app.extensions["kbtool_live"] = live
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # a sign-in form at most; nothing is uploaded
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    def lang() -> str:
        return "en" if request.args.get("lang") == "en" else "zh"

    if throttle is None:  # one record of failed sign-ins and sign-outs for every worker
        from .signin_record import SharedRecord, record_file

        throttle = signin.Throttle(record=SharedRecord(record_file(live.cache_dir)))
    signin.install(app, access or Access(), throttle)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = (
            "no-store" if not request.path.startswith("/static/") else "public, max-age=3600"
        )
        return response

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response, int]:
        return jsonify(error_body(error.status, error.code, error.message)), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        code = {404: "not-found", 405: "method-not-allowed"}.get(status, "http-error")
        message = {
            404: "no such page or endpoint",
            405: "this endpoint does not take this kind of request",
        }.get(status, error.description or "request failed")
        if request.path.startswith("/api/"):
            return jsonify(error_body(status, code, message)), status
        return render_template(
            "error.html", t=messages_for(lang()), lang=lang(), status=status, message=message
        ), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        app.logger.exception("unexpected error")
        if request.path.startswith("/api/"):
            return jsonify(
                error_body(500, "internal-error", "the server could not answer; try again")
            ), 500
        return render_template(
            "error.html", t=messages_for(lang()), lang=lang(), status=500, message="internal error"
        ), 500

    @app.get("/")
    def index() -> str:
        query = request.args.get("q", "")[:MAX_QUERY_CHARS]  # a deep link: /?q=红眼病[&open=1]
        return render_template(
            "index.html",
            t=messages_for(lang()),
            lang=lang(),
            max_query=MAX_QUERY_CHARS,
            query=query,
            open_first=bool(query) and request.args.get("open") == "1",
        )

    @app.get("/entries/<entry_id>")
    def entry_page(entry_id: str) -> Any:
        view = _entry(live, entry_id)
        if view is None:
            return render_template(
                "error.html",
                t=messages_for(lang()),
                lang=lang(),
                status=404,
                message=messages_for(lang())["not_found"],
            ), 404
        return render_template("entry.html", t=messages_for(lang()), lang=lang(), entry=view)

    @app.get("/entries/<entry_id>/callback")
    def callback_page(entry_id: str) -> Any:
        t = messages_for(lang())
        try:
            script = _callback(live, entry_id, request.args.get("day"))
        except ApiError as error:
            return render_template(
                "error.html", t=t, lang=lang(), status=error.status, message=error.message
            ), error.status
        return render_template("callback.html", t=t, lang=lang(), script=script)

    @app.get("/api/entries/<entry_id>/callback")
    def api_callback(entry_id: str) -> Response:
        return jsonify(_callback(live, entry_id, request.args.get("day")))

    @app.get("/api/search")
    def api_search() -> Response:
        query = request.args.get("q", "")
        if len(query) > MAX_QUERY_CHARS:
            raise ApiError(
                400, "query-too-long", f"the query is longer than {MAX_QUERY_CHARS} characters"
            )
        options = _search_options()
        body, is_gap = live.search_json(query, **options)
        if request.args.get("log") == "1" and gap_log is not None and is_gap:
            _record_gap(gap_log, query)
        return Response(body, mimetype="application/json")

    @app.get("/api/entries/<entry_id>")
    def api_entry(entry_id: str) -> Response:
        view = _entry(live, entry_id)
        if view is None:
            raise ApiError(404, "not-found", f"no entry with id '{entry_id}'")
        return jsonify(view)

    @app.get("/api/health")
    def api_health() -> Response:
        snapshot = live.snapshot
        problem = live.index_problem()
        return jsonify(
            {
                "ok": live.last_error is None and problem is None,
                "ready": bool(live.searcher.generation) and problem is None,
                "commit": snapshot.commit,
                "entries": len(snapshot.entries),
                "index": live.searcher.generation,
                "index_problem": problem,
                "worker": os.getpid(),
                "reloads": live.reloads,
                "repairs": live.repairs,
                "cache_hits": live.cache_hits,
                "last_error": live.last_error,
            }
        )

    return app


def _search_options() -> dict[str, Any]:
    args = request.args
    try:
        limit = int(args.get("limit", "10"))
    except ValueError:
        raise ApiError(400, "bad-limit", "limit must be a whole number from 1 to 50") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "bad-limit", "limit must be a whole number from 1 to 50")
    kind = args.get("type") or None
    if kind is not None and kind not in ENTRY_TYPES:
        raise ApiError(400, "bad-type", f"type must be one of: {', '.join(ENTRY_TYPES)}")
    lang = args.get("lang") or None
    if lang is not None and lang not in ("zh", "en"):
        raise ApiError(400, "bad-lang", "lang must be zh or en")
    return {
        "limit": limit,
        "type": kind,
        "lang": lang,
        "specialty": args.get("specialty") or None,
        "include_drafts": args.get("include_drafts") in ("1", "true", "yes"),
    }


def _entry(live: LiveKb, entry_id: str) -> dict[str, Any] | None:
    snapshot = live.snapshot
    entry = snapshot.entries.get(entry_id)
    if entry is None:
        return None
    return entry_view(
        entry,
        snapshot.entries,
        live.today(),
        live.due_soon_days,
        snapshot.errors.get(entry_id, 0),
        snapshot.stale.get(entry_id),
    )


def _callback(live: LiveKb, entry_id: str, day_arg: str | None) -> dict[str, Any]:
    """The follow-up call script (`kbtool callback --json`), or an ApiError saying why not."""
    from ..callback import CallbackError, call_script, find_entry

    day = None
    if day_arg:
        if not day_arg.isdigit() or not 1 <= int(day_arg) <= 365:
            raise ApiError(
                400, "bad-day", "day must be a whole number of days after the procedure, 1 to 365"
            )
        day = int(day_arg)
    try:
        entry = find_entry(list(live.snapshot.entries.values()), entry_id)
    except CallbackError as error:
        code = "not-aftercare" if entry_id in live.snapshot.entries else "not-found"
        raise ApiError(404, code, str(error)) from None
    return call_script(entry, live.today(), live.due_soon_days, day).as_dict()


def _record_gap(gap_log: Path, query: str) -> None:
    import datetime as dt

    from ..search import gaps

    gaps.record_gap(gap_log, query, dt.datetime.now(dt.UTC))
