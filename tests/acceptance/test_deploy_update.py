"""deploy/kbtool-update on a real git repository: fetch, check, build, index, atomic switch;
a running staff app follows without a restart; a commit with errors is never switched to."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kbtool.web.live import LiveKb
from tests.helpers import entry_data, write_entry

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "kbtool-update"
SIGNED = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("flock") is None,
    reason="needs git and flock (util-linux)",
)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_entry(origin: Path, aliases: list[str], message: str, **fields: object) -> str:
    write_entry(
        origin / "kb",
        entry_data(
            "opening-hours",
            "faq",
            title="门诊时间",
            question="你们几点开门?",
            aliases=aliases,
            review=SIGNED,
            **fields,
        ),
    )
    git(origin, "add", "-A")
    git(
        origin,
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.org",
        "commit",
        "-qm",
        message,
    )
    return git(origin, "rev-parse", "HEAD")


def update(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "KBTOOL_HOME": str(home),
        "KBTOOL": f"{sys.executable} -m kbtool",
        "NO_MKDOCS_2_WARNING": "1",
    }
    environment.pop("KBTOOL_CACHE", None)
    return subprocess.run(
        [str(SCRIPT), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_update_switches_atomically_and_the_running_app_follows(tmp_path: Path) -> None:
    origin, home = tmp_path / "origin", tmp_path / "srv"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    first = commit_entry(origin, ["几点开门"], "first")
    home.mkdir()
    git(home, "clone", "-q", str(origin), "repo")

    done = update(home)
    assert done.returncode == 0, done.stderr
    assert f"now serving {first}" in done.stderr
    assert os.readlink(home / "current") == str(home / "releases" / first)
    assert (home / "current" / "site-build" / "index.html").is_file()
    assert update(home).stderr.strip().endswith(f"already serving {first}")

    live = LiveKb(home / "current" / "kb", home / "cache", poll_seconds=3600, builds_index=True)
    try:
        today = dt.date(2026, 12, 1)
        assert live.searcher.search("夜间急诊", today=today).results == []
        assert live.snapshot.commit == first

        second = commit_entry(origin, ["几点开门", "夜间急诊"], "second")
        done = update(home)
        assert done.returncode == 0, done.stderr
        assert os.readlink(home / "current") == str(home / "releases" / second)
        live.refresh()  # what the app's watcher does every two seconds
        assert [r.id for r in live.searcher.search("夜间急诊", today=today).results] == [
            "opening-hours"
        ]
        assert live.snapshot.commit == second

        commit_entry(origin, ["夜间急诊"], "broken", summary=None)  # 'summary' is required
        done = update(home)
        assert done.returncode == 1 and "nothing was switched" in done.stderr
        assert os.readlink(home / "current") == str(home / "releases" / second)
        live.refresh()
        assert live.snapshot.commit == second

        back = update(home, first)  # going back to an earlier commit is the same command
        assert back.returncode == 0, back.stderr
        assert os.readlink(home / "current") == str(home / "releases" / first)
    finally:
        live.stop()
