"""Files in a knowledge base that are not what they seem: special files, links, YAML tags,
alias bombs in old revisions, invisible characters. Each costs only itself, with a message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kbtool.review.history import revisions
from tests.faults.conftest import git
from tests.helpers import entry_data, write_entry, write_raw

SIGNED = {
    "reviewed_by": "Dr Sample (sample data)",
    "reviewed_on": "2026-01-05",
    "next_review": "2027-01-05",
}


def test_fifo_and_dev_zero_are_reported_not_read(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("good"))
    os.mkfifo(kb / "conditions" / "fifo.yaml")
    os.symlink("/dev/zero", kb / "conditions" / "zero.yaml")
    result = cli("check", "--today", "2026-06-01")
    assert result.exit_code == 1
    assert (
        "conditions/fifo.yaml: error: this is not an ordinary file (it is a named pipe (FIFO))"
        in result.output
    )
    assert (
        "conditions/zero.yaml: error: this is not an ordinary file (it is a device such as /dev/zero)"
        in result.output
    )
    assert cli("search", "标题", "--include-drafts", "--json").exit_code == 0


def test_links_inside_the_kb_are_entries_links_outside_are_not(
    kb: Path, tmp_path: Path, cli_json
) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("target"), folder="shared")
    (kb / "conditions").mkdir()
    os.symlink(kb / "shared" / "target.yaml", kb / "conditions" / "target.yaml")
    outside = write_entry(tmp_path / "elsewhere", entry_data("outside"))
    os.symlink(outside, kb / "conditions" / "outside.yaml")
    os.symlink(kb / "conditions" / "missing-file.yaml", kb / "conditions" / "gone.yaml")
    _, data = cli_json("check", "--today", "2026-06-01")
    codes = {(Path(p["file"]).name, p["code"]) for p in data["problems"]}
    assert ("outside.yaml", "link-outside") in codes
    assert ("gone.yaml", "broken-link") in codes
    assert not any(name == "target.yaml" and code != "entry-folder" for name, code in codes)


@pytest.mark.parametrize(
    "tagged",
    [
        "x-b: !!binary aGVsbG8=",
        "x-s: !!set {a, b}",
        "x-o: !!omap [a: 1]",
        "x-p: !!python/object:os.system ls",
        "x-l: !local text",
    ],
)
def test_yaml_tags_are_an_error_with_file_and_line_for_every_command(
    kb: Path, cli, tagged: str
) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("good", review=SIGNED))
    write_raw(
        kb,
        "conditions/tagged.yaml",
        "id: tagged\ntype: condition\nlang: zh\ntitle: 标题\nsummary: 简短说明。\nbody: 正文。\n"
        f"{tagged}\nreview:\n  reviewed_by: Dr\n  reviewed_on: 2026-01-01\n  next_review: 2027-01-01\n"
        "  fingerprint: sha256:0000\n",
    )
    result = cli("check", "--today", "2026-06-01")
    assert result.exit_code == 1
    assert "kb/conditions/tagged.yaml:7:" in result.output and "[yaml-tag]" in result.output
    assert "stopped unexpectedly" not in result.output
    status = cli("review", "status", "--today", "2026-06-01")
    assert "stopped unexpectedly" not in status.output and status.exit_code in (0, 1)
    found = cli("search", "标题", "--json")
    assert found.exit_code == 0


def test_alias_bomb_in_an_old_revision_is_not_expanded(kb: Path, repo: Path) -> None:
    bomb = "\n".join(
        ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        + [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 7)]
    )
    path = write_raw(
        kb,
        "conditions/x.yaml",
        "id: x\ntype: condition\nlang: en\ntitle: T\nsummary: A short summary here.\n"
        f"body: Text.\nx-bomb:\n  {bomb.replace(chr(10), chr(10) + '  ')}\n",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bomb")
    write_entry(kb, entry_data("x", lang="en"))
    git(repo, "commit", "-qam", "clean")
    found = revisions(path)
    assert len(found) == 1 and "x-bomb" not in found[0].data


def test_oversized_old_revision_is_not_read(kb: Path, repo: Path) -> None:
    path = write_raw(
        kb,
        "conditions/x.yaml",
        "id: x\ntype: condition\nlang: en\ntitle: T\n"
        "summary: A short summary here.\nbody: |\n" + "  Text.\n" * 60_000,
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "huge")
    assert revisions(path) == []


def test_invisible_characters_error_in_titles_warning_elsewhere(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(
        kb,
        entry_data(
            "bidi",
            lang="en",
            title="Take 2 tablets \u202edaily 01\u202c",
            summary="A short\u200b plain answer.",
        ),
    )
    _, data = cli_json("check", "--today", "2026-06-01")
    found = [
        (p["severity"], p["line"], p["message"].split(" in ")[0])
        for p in data["problems"]
        if p["code"] == "invisible-character"
    ]
    assert found == [
        ("error", 4, "invisible character U+202E (a right-to-left or left-to-right control)"),
        ("warning", 5, "invisible character U+200B (a zero-width character)"),
    ]


LIST_LAST = (
    "id: x\ntype: condition\nlang: en\ntitle: T\nsummary: A short summary here.\nbody: Text.\n"
    "review:\n  # inside the review block\n  reviewed_by:\n    - Dr One  # locum\n    # between\n"
    '    - "Dr #2"\n    # after the last reviewer\n# KEEP this top-level comment\nstaff_notes: keep\n'
    "# end of file\n"
)


def test_sign_off_keeps_every_comment_when_a_list_ends_the_review_block(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_raw(kb, "conditions/x.yaml", LIST_LAST)
    result = cli("review", "approve", "x", "--by", "Dr New", "--today", "2026-06-01")
    assert result.exit_code == 0, result.output
    text = path.read_text("utf-8")
    for comment in (
        "# inside the review block",
        "# locum",
        "# between",
        "# after the last reviewer",
        "# KEEP this top-level comment",
        "# end of file",
    ):
        assert comment in text
    assert text.endswith("# KEEP this top-level comment\nstaff_notes: keep\n# end of file\n")
    assert "reviewed_by: Dr New\n" in text and "Dr One" not in text


def test_sign_off_through_a_link_signs_the_shared_file_and_keeps_the_link(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = write_entry(kb, entry_data("x", lang="en"), folder="shared")
    (kb / "conditions").mkdir()
    link = kb / "conditions" / "x.yaml"
    os.symlink(os.path.relpath(target, link.parent), link)
    result = cli("review", "approve", "x", "--by", "Dr New", "--today", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert "reviewed_by: Dr New" in target.read_text("utf-8")
