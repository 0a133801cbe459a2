"""The author's preview: a local site that includes drafts and unreviewed changes under
banners, rebuilt whenever a file of the KB (or the site settings) changes, and reloaded in
the browser by a small script. Serves on 127.0.0.1 only."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from .build import BuildReport, build_site
from .errors import PublishError
from .labels import LANGS
from .urls import lang_root

VERSION_FILE = "assets/kbtool/preview-version.txt"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def start_server(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    """Serve `root` on http://127.0.0.1:port/ in a background thread."""
    handler = functools.partial(_Quiet, directory=str(root))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise PublishError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror}): choose another port with --port"
        ) from None
    threading.Thread(target=server.serve_forever, name="kbtool-preview", daemon=True).start()
    return server


def watched_state(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every file under `paths` (changes trigger a rebuild)."""
    found = []
    for top in paths:
        if top.is_file():
            stat = top.stat()
            found.append((str(top), stat.st_mtime_ns, stat.st_size))
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                path = Path(folder, name)
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def build_preview(
    kb: Path, out: Path, today: dt.date, config: Path | None, version: int
) -> BuildReport:
    """One preview build into `out`, stamped with `version` so open pages reload."""
    report = build_site(kb, out, today, preview=True, config=config)
    for lang in LANGS:
        stamp = out / lang_root(lang) / VERSION_FILE
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(str(version), encoding="utf-8")
    return report


def run_preview(
    kb: Path,
    port: int,
    today: dt.date,
    config: Path | None,
    on_build: Callable[[BuildReport | None, str | None], None],
    on_ready: Callable[[str], None],
    stop: threading.Event,
    interval: float = 1.0,
) -> None:
    """Build, serve, and rebuild on every change until `stop` is set."""
    work = Path(tempfile.mkdtemp(prefix="kbtool-preview-"))
    out = work / "site"
    watched = (
        [kb]
        + ([config] if config else [])
        + [kb.resolve().parent / "mkdocs.yml", kb.resolve().parent / "site"]
    )
    watched = [path for path in watched if path.exists()]
    version = 1
    try:
        on_build(build_preview(kb, out, today, config, version), None)
        server = start_server(out, port)
        on_ready(f"http://127.0.0.1:{server.server_address[1]}/")
        seen = watched_state(watched)
        try:
            while not stop.wait(interval):
                current = watched_state(watched)
                if current == seen:
                    continue
                seen = current
                version += 1
                try:
                    on_build(build_preview(kb, out, today, config, version), None)
                except PublishError as error:
                    on_build(None, str(error))
        finally:
            server.shutdown()
            server.server_close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
