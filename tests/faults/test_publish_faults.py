"""The live patient site survives a full disk, a kill at any step, a broken entry and odd --out
folders: it is always the old site or the new one, complete."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import fill
from tests.helpers import entry_data, write_entry, write_raw

REVIEW = {
    "reviewed_by": "王医生(示例数据)",
    "reviewed_on": "2026-01-05",
    "next_review": "2027-01-05",
}
SAMPLE_KB = Path(__file__).resolve().parents[2] / "kb"


def signed(entry_id: str, **fields: object) -> dict[str, object]:
    return entry_data(entry_id, review=dict(REVIEW), **fields)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_full_disk_leaves_the_live_site_exactly_as_it_was(kb: Path, small_disk: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, signed("one"))
    site = small_disk / "site"
    assert cli("build", "--out", str(site), "--today", "2026-06-01").exit_code == 0
    before = snapshot(site)
    fill(small_disk)
    result = cli("--kb", str(SAMPLE_KB), "build", "--out", str(site), "--today", "2026-12-01")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the disk is full"), result.output
    assert f"the site in '{site}' was left as it was" in lines[0]
    assert snapshot(site) == before
    assert sorted(
        path.name for path in small_disk.iterdir() if not path.name.startswith("filler")
    ) == ["site"]


KILLER = """
import os, sys
from pathlib import Path
from kbtool.publish import mkdocs_build as build
target, kill_at = sys.argv[3], int(sys.argv[4])
calls = {"n": 0}
def dying(function):
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == kill_at:
            os._exit(137)
        return function(*args, **kwargs)
    return wrapper
build.os.rename = dying(os.rename)
build.shutil.copyfile = dying(build.shutil.copyfile)
build.shutil.rmtree = dying(build.shutil.rmtree)
build._exchange = dying(build._exchange)
build.replace_output(Path(sys.argv[1]), Path(sys.argv[2]))
print("finished")
"""


def _staged(folder: Path, text: str, files: int = 3) -> Path:
    for number in range(files):
        write_raw(folder, f"page-{number}/index.html", f"{text} {number}")
    write_raw(folder, ".kbtool-site", "marker")
    return folder


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic-exchange", "two-renames"])
def test_a_kill_at_any_step_of_the_switch_leaves_old_or_new_site(
    tmp_path: Path, exchange: bool
) -> None:
    """Die (like kill -9) at each file operation of the switch in turn; the live folder is
    always the complete old site or the complete new one, and the next build cleans up. (Without
    an atomic exchange, a kill between the two renames leaves the old site beside the live
    folder, and the next build puts it back first.)"""
    out = _staged(tmp_path / "live" / "site", "old")
    old = snapshot(out)
    new = snapshot(_staged(tmp_path / "model", "new"))
    script = (
        KILLER
        if exchange
        else KILLER.replace(
            "build._exchange = dying(build._exchange)", "build._exchange = lambda a, b: False"
        )
    )
    step = 1
    while True:
        staged = _staged(tmp_path / f"staged-{step}", "new")
        done = subprocess.run(
            [sys.executable, "-c", script, str(staged), str(out), "x", str(step)],
            capture_output=True,
            text=True,
            check=False,
        )
        if (
            not exchange and not out.exists()
        ):  # between the two renames: the old site waits beside it
            assert [snapshot(p) for p in out.parent.glob(".site.old-*")] == [old]
        else:
            assert snapshot(out) in (old, new), f"step {step}: live site is neither old nor new"
        if done.returncode == 0:
            assert "finished" in done.stdout and snapshot(out) == new
            break
        assert done.returncode == 137, done.stderr
        if snapshot(out) == new:  # killed after the switch: start again from the old site
            subprocess.run(["rm", "-rf", str(out)], check=True)
            _staged(out, "old")
        step += 1
    assert step > 4
    leftovers = [p.name for p in out.parent.iterdir() if p.name != "site"]
    assert leftovers == []


def test_out_may_be_a_link_to_an_earlier_build(kb: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, signed("one"))
    real = tmp_path / "www" / "site"
    assert cli("build", "--out", str(real), "--today", "2026-06-01").exit_code == 0
    link = tmp_path / "current"
    os.symlink(real, link)
    write_entry(kb, signed("two"))
    result = cli("build", "--out", str(link), "--today", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and (real / "conditions" / "two" / "index.html").is_file()


def test_a_broken_entry_only_costs_itself(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, signed("hiv-pep", kind="referral", related=["chlamydia", "syphilis"]))
    write_entry(kb, signed("syphilis"))
    write_raw(kb, "conditions/chlamydia.yaml", "id: chlamydia\ntitle: [unclosed\n")
    check = cli("check", "--today", "2026-06-01")
    assert "kb/referrals/hiv-pep.yaml:" in check.output and "[related-unreadable]" in check.output
    assert (
        "warning: 'related' names 'chlamydia', whose file kb/conditions/chlamydia.yaml cannot be read"
        in check.output
    )
    result = cli("build", "--out", "site", "--today", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert "warning: kb/referrals/hiv-pep.yaml:" in result.output
    page = Path("site/referrals/hiv-pep/index.html").read_text("utf-8")
    assert "syphilis/" in page and "chlamydia/" not in page
    assert not Path("site/conditions/chlamydia").exists()
    assert cli("build", "--out", "site", "--today", "2026-06-01", "--strict").exit_code == 1


def test_a_build_killed_during_the_site_engine_leaves_the_live_site(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, signed("one"))
    assert cli("build", "--out", "site", "--today", "2026-06-01").exit_code == 0
    before = snapshot(Path("site"))
    write_entry(kb, signed("two"))
    env = {**os.environ, "KBTOOL_KB": str(kb)}
    script = (
        "import os, sys; from kbtool.publish import mkdocs_build as m; "
        "m.fix_query_segmentation = lambda site: os._exit(137); "
        "from kbtool.cli import main; main(['build', '--out', 'site', '--today', '2026-06-01'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 137
    assert snapshot(Path("site")) == before
