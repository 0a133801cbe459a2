"""`kbtool serve`: the staff search app for use during live calls."""

from __future__ import annotations

import os

import click

from ..options import settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep the default unless the app sits behind a login.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests answered at the same time.")
@click.option("--cache-size", default=2048, show_default=True, type=click.IntRange(0, 100_000),
              help="Recent searches kept to answer repeats instantly (0 turns the cache off).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, cache_size: int) -> None:
    """Start the staff search app: answers appear as you type, with warning signs first,
    the approved short answer with a copy button, review warnings and staff notes.

    Read-only; the index is updated in the background when entries change on disk.
    Open the printed address in a browser. Stop with Ctrl+C.

    Example:  kbtool serve --port 8000
    """
    from ..config import load_config
    from ..search import cache_dir_for
    from ..web.app import create_app
    from ..web.live import LiveKb
    from ..web.server import bare_host, gap_log_path, is_loopback, url_host
    from ..web.server import serve as run_server

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    cache_dir = cache_dir_for(kb, config.cache_dir, os.environ)
    if not is_loopback(host):
        click.secho(f"warning: listening on {host} makes the staff app reachable from other computers. "
                    "It has no login and shows staff-only notes: only do this behind your hospital's "
                    "access control.", fg="red", err=True)
    click.echo("preparing the search index...", err=True)
    live = LiveKb(kb, cache_dir, due_soon_days=config.due_soon_days, cache_size=cache_size)
    live.start()
    app = create_app(live, gap_log=gap_log_path(cache_dir))
    shown = url_host(host)
    host = bare_host(host)
    try:
        run_server(app, host, port, threads,
                   on_ready=lambda: click.echo(f"staff app: http://{shown}:{port}/  (Ctrl+C to stop)"))
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}. "
                                   "Is another program using this port? Try --port 8001") from None
    finally:
        live.stop()
