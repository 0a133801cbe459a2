"""Killed (like kill -9) at every step of a sign-off or an index swap: the entry file is the
old or the new version, whole; the index in use stays sound and the next run carries on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import entry_data, write_entry

DIE_AT = """
import os, sys
calls = {"n": 0}
def dying(function):
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == int(sys.argv[1]):
            os._exit(137)
        return function(*args, **kwargs)
    return wrapper
"""

SIGN = (
    DIE_AT
    + """
from kbtool.review import signoff
signoff.os.fsync = dying(os.fsync)
signoff.os.chmod = dying(os.chmod)
signoff.os.replace = dying(os.replace)
from kbtool.cli import main
main(["review", "approve", "x", "--by", "Dr New", "--today", "2026-06-01"])
"""
)

INDEX = (
    DIE_AT
    + """
from kbtool.search import index, store
index.seal = dying(index.seal)
index.write_manifest = dying(index.write_manifest)
store.os.replace = dying(os.replace)
store.os.fsync = dying(os.fsync)
from kbtool.cli import main
main(["index"])
"""
)


def _run(script: str, step: int, kb: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, str(step)],
        cwd=kb.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "KBTOOL_KB": str(kb)},
        check=False,
    )


def test_sign_off_killed_at_every_step_leaves_old_or_new_file(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("x", lang="en"))
    old = path.read_bytes()
    step = 1
    while True:
        done = _run(SIGN, step, kb)
        text = path.read_bytes()
        assert text == old or b"reviewed_by: Dr New" in text
        assert cli("check", "--today", "2026-06-01").exit_code == 0
        if done.returncode != 137:
            assert done.returncode == 0, done.stderr
            break
        path.write_bytes(old)
        step += 1
    assert step == 4  # fsync, chmod, replace, then a clean run


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_index_swap_killed_at_every_step_keeps_searches_working(kb: Path, cli, step: int) -> None:  # type: ignore[no-untyped-def]
    write_entry(
        kb,
        entry_data(
            "acute-conjunctivitis",
            title="急性结膜炎(红眼病)",
            aliases=["红眼病"],
            review={"reviewed_by": "Dr", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"},
        ),
    )
    assert cli("index").exit_code == 0
    write_entry(
        kb,
        entry_data(
            "nosebleed",
            title="流鼻血",
            review={"reviewed_by": "Dr", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"},
        ),
    )
    done = _run(INDEX, step, kb)
    assert done.returncode == 137, (
        done.stderr
    )  # write manifest, seal, fsync pointer, replace pointer
    result = cli("search", "流鼻血")
    assert result.exit_code == 0 and "nosebleed" in result.stdout
    assert "damaged" not in result.output


def test_sign_off_on_a_full_disk_changes_nothing_and_says_why(
    small_disk: Path, cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from tests.faults.conftest import fill

    kb = small_disk / "kb"
    path = write_entry(kb, entry_data("x", lang="en", body="Text.\n" * 2000))
    monkeypatch.chdir(small_disk)
    old = path.read_bytes()
    fill(small_disk)
    result = cli(
        "--kb", str(kb), "review", "approve", "x", "--by", "Dr New", "--today", "2026-06-01"
    )
    assert result.exit_code == 1
    assert (
        "the sign-off could not be written (No space left on device); the file was left exactly as it was"
        in result.output
    )
    assert path.read_bytes() == old
