"""`kbtool new`: start an entry from a commented template in the right folder."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..hints import approve_command
from ..model import ENTRY_TYPES
from ..options import settings


@click.command()
@click.argument("kind", metavar="TYPE", type=click.Choice(list(ENTRY_TYPES)))
@click.argument("entry_id", metavar="ID")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="Language of the entry.",
)
@click.option("--title", help="Page title in patient words (default: the id).")
@click.pass_context
def new(ctx: click.Context, kind: str, entry_id: str, lang: str, title: str | None) -> None:
    """Start a new draft entry of TYPE (condition, aftercare, referral or faq) called ID.

    Writes <kb>/<folder>/<ID>.yaml with every field explained in a comment. The file passes
    `kbtool check` at once; it stays a draft until a clinician signs it off. An existing file
    is never replaced.

    Example:  kbtool new condition acute-conjunctivitis --title "急性结膜炎(红眼病)"
    """
    from ..loader import display_path, load_kb
    from ..new import NewEntryError, create_entry

    kb = settings(ctx).kb_path()
    existing = {entry.id: entry.file for entry in load_kb(kb).entries}
    try:
        created = create_entry(kb, kind, entry_id, lang, title, existing)
    except NewEntryError as error:
        raise click.ClickException(str(error)) from None
    shown = display_path(created.path)
    kb_arg = settings(ctx).kb_arg
    where = "" if Path(kb_arg) == Path("kb") else f" --kb {shlex.quote(kb_arg)}"
    click.echo(f"created {shown} (a draft)")
    click.echo("next: replace the text in brackets, then run")
    click.echo(f"  kbtool check {shlex.quote(shown)}{where}")
    click.echo(f"and ask a clinician to sign it off: {approve_command(entry_id)}{where}")
