"""Command-line wiring only: options -> core call -> reporter -> exit code.

Commands live in `kbtool.commands.*` and are imported only when run, so `--help` and
`kbtool search` start fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from . import __version__
from .options import KB_OPTION_HELP, Settings, accept_kb_option

COMMANDS: dict[str, str] = {
    "build": "kbtool.commands.build:build",
    "callback": "kbtool.commands.callback:callback",
    "check": "kbtool.commands.check:check",
    "gaps": "kbtool.commands.gaps:gaps",
    "index": "kbtool.commands.index:index",
    "lint-text": "kbtool.commands.lint_text:lint_text",
    "new": "kbtool.commands.new:new",
    "preview": "kbtool.commands.preview:preview",
    "review": "kbtool.commands.review:review",
    "search": "kbtool.commands.search:search",
    "serve": "kbtool.commands.serve:serve",
    "start": "kbtool.commands.start:start",
    "users": "kbtool.commands.users:users",
}
"""Command name -> 'module:attribute' of its click command."""


class KbtoolGroup(click.Group):
    """Loads commands lazily and turns any unexpected failure into a one-line message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return accept_kb_option(command)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except Exception as error:
            if os.environ.get("KBTOOL_DEBUG"):
                raise
            raise click.ClickException(
                f"kbtool stopped unexpectedly: {type(error).__name__}: {error}. "
                "Nothing was changed. Please report this (run again with KBTOOL_DEBUG=1 for details)."
            ) from None


@click.group(cls=KbtoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--kb",
    "kb",
    envvar="KBTOOL_KB",
    default="kb",
    show_default=True,
    metavar="DIR",
    help=KB_OPTION_HELP + " Also accepted after the command name.",
)
@click.version_option(__version__, prog_name="kbtool")
@click.pass_context
def main(ctx: click.Context, kb: str) -> None:
    """kbtool: check, review, search and publish a clinician-reviewed patient knowledge base.

    Entries are YAML files under the knowledge-base folder (kb/conditions, kb/aftercare,
    kb/referrals, kb/faq). Start with:  kbtool check
    """
    ctx.obj = Settings(kb_arg=kb)
