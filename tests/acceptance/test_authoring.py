"""Authoring in git: `kbtool new`, the README's example, hints that run as printed, `check PATH...`,
`--kb` after the command, GitHub annotations and the pre-commit hook definition."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from kbtool.model import Problem
from kbtool.report.check import github_annotation
from tests.helpers import entry_data, write_entry, write_raw

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TODAY = "2026-11-22"


def readme_block(after: str, language: str) -> str:
    """The first fenced block of `language` after the heading `after`, without its indentation."""
    start = README.index(after)
    match = re.search(rf"```{language}\n(.*?)\n *```", README[start:], re.DOTALL)
    assert match, f"no {language} block after {after!r}"
    lines = match.group(1).split("\n")
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines) + "\n"


def run_printed(
    cli: Callable[..., Result], command: str, reviewer: str = "示例医生(眼科主治医师)"
) -> Result:
    """Run a command exactly as kbtool printed it, filling in only the reviewer placeholder."""
    words = shlex.split(command.replace('"NAME (ROLE)"', shlex.quote(reviewer)))
    assert words[0] == "kbtool"
    return cli(*words[1:], "--today", TODAY)


@pytest.mark.parametrize(
    ("kind", "lang"),
    [("condition", "zh"), ("aftercare", "en"), ("referral", "zh"), ("faq", "zh"), ("faq", "en")],
)
def test_new_entry_passes_check_as_a_draft(
    kb: Path, cli: Callable[..., Result], kind: str, lang: str
) -> None:
    result = cli(
        "new", kind, "my-entry", "--lang", lang, "--title", 'Title: with "quotes" # and a hash'
    )
    assert result.exit_code == 0, result.output
    folder = {
        "condition": "conditions",
        "aftercare": "aftercare",
        "referral": "referrals",
        "faq": "faq",
    }[kind]
    path = kb / folder / "my-entry.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["title"] == 'Title: with "quotes" # and a hash'
    assert data["type"] == kind and data["lang"] == lang and "review" not in data
    assert ("question" in data) == (kind == "faq")
    assert path.read_text(encoding="utf-8").count("\n#") > 5  # explained in comments
    checked = cli("check", "--today", TODAY)
    assert checked.exit_code == 0, checked.output
    assert checked.output.strip().endswith("checked 1 entry: 0 errors, 0 warnings")
    status = cli("review", "status", "--today", TODAY)
    assert "1 draft" in status.output


def test_new_refuses_to_overwrite_and_bad_input(kb: Path, cli: Callable[..., Result]) -> None:
    path = write_raw(kb, "conditions/flu.yaml", "# my own work\n")
    result = cli("new", "condition", "flu")
    assert result.exit_code == 1 and "already exists" in result.output
    assert path.read_text(encoding="utf-8") == "# my own work\n"
    write_entry(kb, entry_data("otitis", "condition"))
    taken = cli("new", "faq", "otitis")  # same id in another folder
    assert taken.exit_code == 1 and "already used by" in taken.output
    assert not (kb / "faq" / "otitis.yaml").exists()
    bad = cli("new", "condition", "Bad_Id")
    assert bad.exit_code == 1 and "lowercase" in bad.output
    assert cli("new", "leaflet", "x").exit_code == 2
    assert sorted(p.name for p in kb.rglob("*")) == ["conditions", "flu.yaml", "otitis.yaml"]


def test_new_entry_cannot_be_signed_off_until_written(kb: Path, cli: Callable[..., Result]) -> None:
    cli("new", "condition", "stye")
    result = cli("review", "approve", "stye", "--by", "A (B)", "--today", TODAY)
    assert result.exit_code == 1
    assert "starting text from 'kbtool new'" in result.output and "summary, body" in result.output


def test_readme_walkthrough_from_new_to_published(
    kb: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    """A new author follows the README: kbtool new, the example entry, check, approve, build."""
    (kb / "reviewers.yaml").write_text(
        "reviewers:\n  - id: sample-dr-ding\n    name: 示例医生丁\n    role: 眼科主治医师，虚构示例数据\n"
        "    specialties: [眼科]\n",
        encoding="utf-8",
    )
    new_command = readme_block("## Adding an entry", "sh").strip()
    created = cli(*shlex.split(new_command)[1:])
    assert created.exit_code == 0, created.output
    path = kb / "conditions" / "allergic-conjunctivitis.yaml"
    assert path.is_file()
    checked = run_printed(cli, re.search(r"kbtool check \S+", created.output).group(0))  # type: ignore[union-attr]
    assert checked.exit_code == 0, checked.output
    path.write_text(readme_block("A finished entry looks like this", "yaml"), encoding="utf-8")
    check_command = re.search(r"`(kbtool check kb/[^`]+)`", README).group(1)  # type: ignore[union-attr]
    checked = run_printed(cli, check_command)
    assert checked.exit_code == 0 and "0 errors, 0 warnings" in checked.output, checked.output
    approve_command = readme_block("they sign it off with their reviewer id", "sh").strip()
    approved = run_printed(cli, approve_command)
    assert approved.exit_code == 0, approved.output
    review = yaml.safe_load(path.read_text(encoding="utf-8"))["review"]
    assert review["reviewed_by"] == "示例医生丁（眼科主治医师，虚构示例数据）"
    built = cli("build", "--out", str(tmp_path / "site"), "--today", TODAY)
    assert built.exit_code == 0, built.output
    assert "allergic-conjunctivitis" in built.output and "left out" not in built.output
    assert (tmp_path / "site" / "conditions" / "allergic-conjunctivitis" / "index.html").is_file()


def test_every_printed_approve_hint_runs_as_printed(
    kb: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    write_entry(kb, entry_data("draft-one"))
    write_entry(
        kb,
        entry_data(
            "late-one",
            review={
                "reviewed_by": "A (B)",
                "reviewed_on": "2025-01-01",
                "next_review": "2025-06-01",
            },
        ),
    )
    write_entry(kb, entry_data("half-one", review={"reviewed_by": "A (B)"}))
    checked = cli("check", "--today", TODAY)
    built = cli("build", "--out", str(tmp_path / "site"), "--today", TODAY)
    hints = re.findall(r"'(kbtool review approve [^']+)'", checked.output + built.output)
    assert {shlex.split(h)[3] for h in hints} == {"draft-one", "late-one", "half-one"}, hints
    for hint in sorted(set(hints)):
        result = run_printed(cli, hint)
        assert result.exit_code == 0, (hint, result.output)
    assert "draft: draft" not in built.output


def test_kb_option_before_or_after_the_command(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KBTOOL_KB", raising=False)
    other = tmp_path / "content"
    write_entry(other, entry_data("flu"))
    for args in (
        ["--kb", "content", "check"],
        ["check", "--kb", "content"],
        ["--kb", "missing", "check", "--kb", "content"],
    ):
        result = cli(*args, "--today", TODAY)
        assert result.exit_code == 0 and "checked 1 entry" in result.output, (args, result.output)
    status = cli("review", "status", "--kb", "content", "--json")
    assert status.exit_code == 0 and '"flu"' in status.output
    created = cli("new", "faq", "hours", "--kb", "content")
    printed = re.findall(r"(kbtool (?:check|review approve) .*)$", created.output, re.MULTILINE)
    assert len(printed) == 2 and all(line.endswith("--kb content") for line in printed), (
        created.output
    )
    checked = run_printed(cli, printed[0])
    assert checked.exit_code == 0 and "checked 1 entry" in checked.output
    assert cli("check").exit_code == 2  # no ./kb here


def test_check_named_files_uses_the_whole_kb_for_links(
    kb: Path, cli: Callable[..., Result]
) -> None:
    write_entry(kb, entry_data("a", related=["b"]))
    write_entry(kb, entry_data("b", related=["nowhere"]))  # an error in a file not named
    write_entry(kb, entry_data("c", related=["nowhere-either"]))
    write_entry(kb, entry_data("a", kind="faq"), name="a")  # duplicate id with conditions/a
    only_a = cli("check", "kb/conditions/a.yaml", "--today", TODAY)
    assert "checked 1 entry" in only_a.output
    assert "conditions/b.yaml" not in only_a.output and "related-missing" not in only_a.output
    assert "kb/conditions/a.yaml:1:5: error" in only_a.output and "[duplicate-id]" in only_a.output
    only_b = cli("check", "kb/conditions/b.yaml", "--today", TODAY)
    assert (
        only_b.exit_code == 1
        and "'nowhere'" in only_b.output
        and "nowhere-either" not in only_b.output
    )
    folder = cli("check", "kb/faq", "--today", TODAY, "--json")
    assert '"entries": 1' in folder.output and "kb/faq/a.yaml" in folder.output
    write_raw(kb, "kbtool.yaml", "review:\n  due_soon_days: 20\n")
    for whole in ("kb", "kb/kbtool.yaml"):  # the KB itself, or a file that affects every entry
        assert "checked 4 entries" in cli("check", whole, "--today", TODAY).output
    outside = cli("check", str(kb.parent), "--today", TODAY)
    assert outside.exit_code == 2 and "not inside the knowledge-base folder" in outside.output


def test_check_named_file_reports_only_that_file(kb: Path, cli: Callable[..., Result]) -> None:
    for index in range(30):
        write_entry(kb, entry_data(f"entry-{index}", body="这是一个绝对安全、无痛无副作用的治疗。"))
    named = cli("check", "kb/conditions/entry-7.yaml", "--today", TODAY, "--json")
    assert '"entries": 1' in named.output
    problems = yaml.safe_load(named.output)["problems"]
    assert problems and {p["file"] for p in problems} == {"kb/conditions/entry-7.yaml"}


def test_github_annotations(kb: Path, cli: Callable[..., Result]) -> None:
    write_raw(
        kb, "conditions/flu.yaml", "id: flu\ntype: condition\nlang: zh\ntitle: 流感\nbody: 正文\n"
    )
    write_entry(
        kb,
        entry_data(
            "old",
            review={
                "reviewed_by": "A, B: C",
                "reviewed_on": "2025-01-01",
                "next_review": "2025-06-01",
            },
        ),
    )
    result = cli("check", "--format", "github", "--today", TODAY)
    assert result.exit_code == 1
    lines = result.output.strip().split("\n")
    assert lines[0].startswith(
        "::error file=kb/conditions/flu.yaml,line=1,col=1,title=kbtool schema::"
    )
    assert "'summary' is required" in lines[0]
    assert lines[1].startswith("::warning file=kb/conditions/old.yaml,line=")
    assert lines[-1] == "checked 2 entries: 1 error, 1 warning"


def test_github_annotation_escapes_what_would_break_the_command() -> None:
    problem = Problem(
        "kb/faq/a,b:c.yaml", 3, None, "suggestion", "x", "100% sure\nsecond line", "a"
    )
    assert (
        github_annotation(problem)
        == "::notice file=kb/faq/a%2Cb%3Ac.yaml,line=3,title=kbtool x::100%25 sure%0Asecond line"
    )


def test_pre_commit_hook_definition_runs_kbtool_check_on_changed_entries(
    kb: Path, cli: Callable[..., Result]
) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "kbtool-check")
    assert hook["language"] == "python" and hook["require_serial"] is True
    assert "kbtool-check" in README and ".pre-commit-hooks.yaml" in README
    pattern = re.compile(hook["files"])
    write_entry(kb, entry_data("good"))
    write_raw(kb, "faq/bad.yaml", "id: bad\ntype: faq\n")
    changed = ["kb/faq/bad.yaml", "kb/conditions/good.yaml", "docs/notes.yaml"]
    passed = [name for name in changed if pattern.search(name)]  # as pre-commit filters them
    assert passed == ["kb/faq/bad.yaml", "kb/conditions/good.yaml"]
    entry = shlex.split(hook["entry"])
    assert entry[0] == "kbtool"
    result = cli(*entry[1:], *passed)
    assert (
        result.exit_code == 1
        and "kb/faq/bad.yaml" in result.output
        and "checked 2 entries" in result.output
    )
    clean = cli(*entry[1:], "kb/conditions/good.yaml")
    assert clean.exit_code == 0


def test_check_named_file_next_to_a_broken_one(kb: Path, cli: Callable[..., Result]) -> None:
    write_entry(kb, entry_data("a", related=["broken"], translations=["a-en"]))
    write_raw(kb, "conditions/broken.yaml", "id: broken\ntitle: [unclosed\n")
    write_raw(
        kb, "conditions/a-en.yaml", "id: a-en\nlang: en\nbody: 'A&E &anchor x'\nsummary: *anchor\n"
    )
    result = cli("check", "kb/conditions/a.yaml", "--today", TODAY)
    assert result.exit_code == 0, result.output  # the others' own errors are theirs to report
    assert "checked 1 entry: 0 errors, 2 warnings" in result.output  # links to unreadable files
    whole = cli("check", "--today", TODAY)
    assert whole.exit_code == 1
    assert [
        line for line in whole.output.split("\n") if line.startswith("kb/conditions/a.yaml")
    ] == [line for line in result.output.split("\n") if line.startswith("kb/conditions/a.yaml")]


def test_readme_documents_every_command() -> None:
    from kbtool.cli import COMMANDS, main

    table = README[README.index("## Commands") : README.index("### Staff app")]
    names = [name for name in COMMANDS if name != "review"]
    review = main.get_command(None, "review")  # type: ignore[arg-type]
    names += [f"review {sub}" for sub in review.commands]  # type: ignore[attr-defined]
    missing = [name for name in names if f"| `kbtool {name}" not in table]
    assert not missing, f"commands missing from the README's table: {missing}"
