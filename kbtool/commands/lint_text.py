"""`kbtool lint-text`: run the wording check on one sentence, for people writing rules."""

from __future__ import annotations

from pathlib import Path

import click

from ..fields import wording_names
from ..lint import guess_lang, load_rules
from ..lint import lint_text as check_text
from ..options import emit, json_option
from ..report import problem_line
from ..report.lint_text import LintTextReport, finding_lines


@click.command("lint-text")
@click.argument("text")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of the text (default: zh when it has Chinese characters, else en).",
)
@click.option(
    "--field",
    default="body",
    show_default=True,
    type=click.Choice(wording_names()),
    help="Which entry field to treat the text as (the term check looks at summaries).",
)
@click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Extra rules folder to load after the built-in rules (repeatable).",
)
@json_option
@click.pass_context
def lint_text_command(
    ctx: click.Context,
    text: str,
    lang: str | None,
    field: str,
    rule_dirs: tuple[Path, ...],
    as_json: bool,
) -> None:
    """Check one sentence against the wording rules and print what they find.

    Prints `line:col: level: "phrase": message [rule-id]` per finding, with line and column
    counted within TEXT. Exit status 1 when a finding is an error (or a rule file is broken),
    else 0.

    Example:  kbtool lint-text "保证治愈,无效退款" --lang zh
    """
    missing = [str(d) for d in rule_dirs if not d.is_dir()]
    if missing:
        raise click.BadParameter(f"rules folder '{missing[0]}' not found", param_hint="--rules")
    rules, problems = load_rules(rule_dirs)
    chosen = lang or guess_lang(text)
    report = LintTextReport(text, chosen, check_text(text, chosen, rules, field=field), problems)
    if not as_json:
        for problem in problems:
            click.echo(problem_line(problem), err=True)
    emit(report, "json" if as_json else "text", finding_lines)
    ctx.exit(0 if report.ok else 1)


lint_text = lint_text_command
"""The click command, under the name the CLI registry uses (kbtool.commands.lint_text:lint_text)."""
