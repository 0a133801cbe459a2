"""`kbtool start`: the whole product on this computer: the public site and the staff app."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from ..options import settings, today_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--staff-port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port of the staff search app.",
)
@click.option(
    "--site-port",
    default=8001,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port of the public patient site.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site-build"),
    show_default=True,
    metavar="DIR",
    help="Folder for the built patient site.",
)
@today_option
@click.pass_context
def start(
    ctx: click.Context, host: str, staff_port: int, site_port: int, out: Path, today: dt.date
) -> None:
    """Build the public patient site from signed-off entries, then serve it together with the
    staff search app, and print where to open each. Stop with Ctrl+C.

    Example:  kbtool start
    """
    from ..config import load_config
    from ..publish import PublishError, build_site
    from ..report.build import start_lines
    from ..search import cache_dir_for
    from ..web.app import staff_app
    from ..web.server import is_loopback, run_servers, url_host
    from ..web.static_site import static_site
    from .serve import staff_access

    if staff_port == site_port:
        raise click.BadParameter(
            "the staff app and the site need different ports", param_hint="--site-port"
        )
    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    access = staff_access(kb, config.staff_app, is_loopback(host))
    click.echo("building the patient site...")
    try:
        report = build_site(kb, out, today)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    for line in start_lines(report):
        click.echo(line)
    click.echo("preparing the staff search index...")
    cache_dir = cache_dir_for(kb, config.cache_dir, os.environ)
    app = staff_app(kb, cache_dir, access, due_soon_days=config.due_soon_days)
    shown = url_host(host)

    def ready() -> None:
        click.echo(f"\npatient site: http://{shown}:{site_port}/")
        click.echo(f"staff app:    http://{shown}:{staff_port}/")
        click.echo("(Ctrl+C to stop)")

    try:
        run_servers(
            [
                (app, staff_port),
                (static_site(out), site_port),
            ],
            host,
            on_ready=ready,
        )
    except OSError as error:
        raise click.ClickException(
            f"cannot listen on {host}: {error.strerror or error}. Is another program "
            "using the port? Choose others with --staff-port and --site-port"
        ) from None
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        app.extensions["kbtool_live"].stop()
