"""`kbtool serve`: the staff search app for use during live calls."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..options import settings


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Any address other than 127.0.0.1 needs sign-in set up "
    "(staff accounts or single sign-on: see docs/deploy.md).",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=None,
    help="Worker processes sharing the index (default: one per core; more than one needs "
    "gunicorn, i.e. Linux or macOS).",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Requests each worker answers at the same time.",
)
@click.option(
    "--cache-size",
    default=2048,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="Recent searches kept to answer repeats instantly (0 turns the cache off).",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int | None, threads: int, cache_size: int
) -> None:
    """Start the staff search app: answers appear as you type, with warning signs first,
    the approved short answer with a copy button, review warnings and staff notes.

    Read-only; the index is updated in the background when entries change on disk, and every
    worker moves to the new index without a restart. Open the printed address in a browser.
    Stop with Ctrl+C. On 127.0.0.1 nobody needs to sign in unless accounts are set up.

    Example:  kbtool serve --port 8000
    """
    from ..config import load_config
    from ..search import cache_dir_for, ensure_index
    from ..web.app import staff_app
    from ..web.indexer import start as start_indexer
    from ..web.server import default_workers, is_loopback, url_host
    from ..web.server import serve as run_server

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    access = staff_access(kb, config.staff_app, is_loopback(host))
    cache_dir = cache_dir_for(kb, config.cache_dir, os.environ)
    click.echo("preparing the search index...", err=True)
    ensure_index(kb, cache_dir)  # once, before the workers start, so they do not all build it
    shown = url_host(host)

    def ready(server: str) -> None:
        click.echo(
            f"staff app: http://{shown}:{port}/  ({server}; sign-in: {access.describe()}; "
            "Ctrl+C to stop)"
        )

    try:
        run_server(
            lambda builds: staff_app(
                kb,
                cache_dir,
                access,
                due_soon_days=config.due_soon_days,
                cache_size=cache_size,
                builds_index=builds,
            ),
            host,
            port,
            indexer=lambda: start_indexer(kb, cache_dir),
            threads=threads,
            workers=workers or default_workers(),
            on_ready=ready,
            trusted_proxies=tuple(str(network) for network in access.trusted_proxies),
            on_exit=lambda app: app.extensions["kbtool_live"].stop(),
        )
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {error.strerror or error}. "
            "Is another program using this port? Try --port 8001"
        ) from None


def staff_access(kb: Path, staff_settings: dict[str, Any], loopback: bool) -> Any:
    """The sign-in settings, or a clear refusal to start (shared by `serve` and `start`)."""
    from ..web.access import AccessError, access_for, refusal

    try:
        access = access_for(staff_settings, kb, os.environ)
    except AccessError as error:
        raise click.ClickException(str(error)) from None
    reason = refusal(access, loopback)
    if reason is not None:
        raise click.ClickException(reason)
    return access
