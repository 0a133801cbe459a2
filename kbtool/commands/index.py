"""`kbtool index`: build or update the staff search index."""

from __future__ import annotations

import os

import click

from ..options import emit, json_option, settings


@click.command()
@click.option(
    "--rebuild", is_flag=True, help="Rebuild the whole index instead of updating changed entries."
)
@json_option
@click.pass_context
def index(ctx: click.Context, rebuild: bool, as_json: bool) -> None:
    """Build or update the index that kbtool search uses.

    You rarely need this: kbtool search updates the index itself, re-indexing only the
    entries whose content changed. Run it after large edits so the next search is instant,
    or with --rebuild if results look wrong. Entries that cannot be read or break the schema
    are not searchable and are listed; fix them (kbtool check shows how).

    The index lives in the cache folder: .kbtool-cache/ next to the knowledge base, the
    'cache_dir' setting in kbtool.yaml, or $KBTOOL_CACHE.

    Example:  kbtool index --rebuild
    """
    from ..config import load_config
    from ..loader import display_path
    from ..report.search import IndexSummary, index_lines
    from ..search.index import ensure_index
    from ..search.store import LockTimeout, cache_dir_for

    kb = settings(ctx).kb_path()
    config, _ = load_config(kb)
    cache = cache_dir_for(kb, config.cache_dir, os.environ)
    try:
        report = ensure_index(kb, cache, rebuild=rebuild, lock_timeout=300.0)
    except LockTimeout as error:
        raise click.ClickException(f"{error}: try again later") from None
    except OSError as error:
        raise click.ClickException(
            f"cannot write the search index in {cache} ({error.strerror}): "
            "set KBTOOL_CACHE to a writable folder"
        ) from None
    location = display_path(report.generation) if report.generation else display_path(cache)
    summary = IndexSummary(report, cache=display_path(cache), location=location)
    emit(summary, "json" if as_json else "text", index_lines)
