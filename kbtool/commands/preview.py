"""`kbtool preview`: the site as authors see it while editing, with live reload."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..options import settings, today_option
from .build import config_option

if TYPE_CHECKING:
    from ..publish import BuildReport


@click.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 to serve the preview on (0: any free port).",
)
@config_option
@today_option
@click.pass_context
def preview(ctx: click.Context, port: int, config_file: Path | None, today: dt.date) -> None:
    """Preview the patient site while editing: drafts and unreviewed changes are shown, each
    under a clear banner. Rebuilds when a KB file changes; open pages reload by themselves.
    Serves on 127.0.0.1 only. Stop with Ctrl+C.

    Example:  kbtool preview --port 8000
    """
    from ..publish import PublishError
    from ..publish.preview import run_preview
    from ..report.build import preview_lines

    kb = settings(ctx).kb_path()

    def on_build(report: BuildReport | None, error: str | None) -> None:
        if report is None:
            click.echo(f"preview build failed (showing the last good build): {error}", err=True)
            return
        for line in preview_lines(report):
            click.echo(line)

    def on_ready(url: str) -> None:
        click.echo(f"preview at {url}  (rebuilds on every change; Ctrl+C to stop)")

    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(
            signal.SIGTERM, lambda *_: stop.set()
        )  # stop cleanly, removing the temporary site
    try:
        run_preview(kb, port, today, config_file, on_build, on_ready, stop)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    except KeyboardInterrupt:
        stop.set()
        click.echo("preview stopped")
