"""`kbtool lint-text`: run the wording check on one sentence, for people writing rules."""

from __future__ import annotations

from pathlib import Path

import click

from ..fields import wording_names
from ..lint import TextFinding, guess_lang, load_rules
from ..lint import lint_text as check_text
from ..report import to_json


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _as_dict(text: str, finding: TextFinding) -> dict[str, object]:
    line, column = _position(text, finding.start)
    return {
        "line": line,
        "column": column,
        "severity": finding.level,
        "code": finding.rule_id,
        "category": finding.category,
        "phrase": finding.phrase,
        "start": finding.start,
        "end": finding.end,
        "message": finding.describe(),
    }


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
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
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
    findings = check_text(text, chosen, rules, field=field)
    failed = bool(problems) or any(f.level == "error" for f in findings)
    if as_json:
        click.echo(
            to_json(
                {
                    "ok": not failed,
                    "lang": chosen,
                    "findings": [_as_dict(text, f) for f in findings],
                    "rule_problems": [p.as_dict() for p in problems],
                }
            )
        )
    else:
        for problem in problems:
            place = f"{problem.file}:{problem.line}" if problem.line else problem.file
            click.echo(f"{place}: {problem.severity}: {problem.message} [{problem.code}]", err=True)
        for finding in findings:
            line, column = _position(text, finding.start)
            click.echo(
                f"{line}:{column}: {finding.level}: {finding.describe()} [{finding.rule_id}]"
            )
        if not findings:
            click.echo(f"no findings ({chosen})")
    ctx.exit(1 if failed else 0)


lint_text = lint_text_command
"""The click command, under the name the CLI registry uses (kbtool.commands.lint_text:lint_text)."""
