"""Time `kbtool build` and measure its output: the sample KB, then generated KBs.

    python benchmarks/site_build.py                 # sample KB, 1,000 and 5,000 entries
    python benchmarks/site_build.py --sizes 2000    # other sizes

Goals on a 2-core machine: 1,000 entries under 15 s, 5,000 under 90 s, and output size
growing linearly with the number of entries (bytes per entry roughly constant).

The peer: a plain `mkdocs build` (mkdocs-material, its default navigation and search, one site
per language run side by side as kbtool does) of the same Markdown pages kbtool generates, for
the sizes in --peer-sizes (default 1,000: its automatic navigation grows with the square of the
pages). It runs from its own environment and is printed as a ratio:

    python3 -m venv benchmarks/.venv-peers
    benchmarks/.venv-peers/bin/pip install -r benchmarks/requirements-peers.txt"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_kb import generate
from kbtool.check import check_kb
from kbtool.publish import build_site
from kbtool.publish.build import site_documents
from kbtool.publish.catalog import build_catalog
from kbtool.publish.labels import LANGS
from kbtool.publish.mkdocs_build import write_files
from kbtool.publish.select import select_entries
from kbtool.publish.settings import find_template, load_settings
from kbtool.review.history import signed_off_revision

PEERS_VENV = ROOT / "benchmarks" / ".venv-peers"

TODAY = dt.date(2026, 11, 22)


def measure(name: str, kb: Path, work: Path) -> dict[str, float | int | str]:
    out = work / f"site-{name}"
    started = time.perf_counter()
    report = build_site(kb, out, TODAY)
    seconds = time.perf_counter() - started
    entries = len(report.published)
    pages = sum(1 for _ in out.rglob("index.html"))
    html = sum(path.stat().st_size for path in out.rglob("*.html"))
    return {
        "name": name,
        "entries": entries,
        "left_out": len(report.left_out),
        "pages": pages,
        "files": report.files,
        "mb": report.bytes / 1e6,
        "html_mb": html / 1e6,
        "kb_per_entry": (report.bytes / max(entries, 1)) / 1e3,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    parser.add_argument("--no-sample", action="store_true", help="skip the sample KB in kb/")
    parser.add_argument("--peer-sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--peers-venv", type=Path, default=PEERS_VENV)
    arguments = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kbtool-bench-") as folder:
        work = Path(folder)
        if not arguments.no_sample:
            rows.append(measure("sample kb/", ROOT / "kb", work))
            print(_row(rows[-1]), flush=True)
        for size in arguments.sizes:
            kb = generate(work / f"kb-{size}", size)
            rows.append(measure(f"generated {size}", kb, work))
            print(_row(rows[-1]), flush=True)
            if size in arguments.peer_sizes:
                theirs = plain_mkdocs(kb, work / f"peer-{size}", arguments.peers_venv)
                if theirs is not None:
                    ratio = float(rows[-1]["seconds"]) / theirs
                    print(
                        f"peer: plain mkdocs build of the same pages: {theirs:.1f} s; "
                        f"ratio kbtool build / plain mkdocs: {ratio:.2f}",
                        flush=True,
                    )
    print(
        f"\n{'KB':<16}{'entries':>8}{'pages':>8}{'files':>8}{'MB':>9}{'HTML MB':>9}"
        f"{'kB/entry':>10}{'seconds':>9}"
    )
    for row in rows:
        print(
            f"{row['name']:<16}{row['entries']:>8}{row['pages']:>8}{row['files']:>8}{row['mb']:>9.1f}"
            f"{row['html_mb']:>9.1f}{row['kb_per_entry']:>10.1f}{row['seconds']:>9.1f}"
        )
    for line in _growth(rows):
        print(line)


def plain_mkdocs(kb: Path, work: Path, venv: Path) -> float | None:
    """Seconds for the peer's mkdocs to build kbtool's Markdown pages of `kb` (None: missing)."""
    mkdocs = venv / "bin" / "mkdocs"
    if not mkdocs.exists():
        print(
            f"peer not run: no {mkdocs}. Install it with\n  python3 -m venv {venv}\n"
            f"  {venv}/bin/pip install -r {ROOT / 'benchmarks' / 'requirements-peers.txt'}"
        )
        return None
    selection = select_entries(check_kb(kb, TODAY), TODAY, signed_off_revision, False)
    docs = site_documents(build_catalog(selection), load_settings(find_template(kb, None)))
    configs = []
    for lang in LANGS:
        folder = work / lang
        write_files(folder / "docs", docs[lang])
        config = folder / "mkdocs.yml"
        config.write_text(
            f"site_name: peer {lang}\ntheme:\n  name: material\n  language: {lang}\n"
            "plugins:\n  - search\n",
            encoding="utf-8",
        )
        configs.append(config)
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            [str(mkdocs), "build", "-q", "-f", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for config in configs
    ]
    codes = [process.wait() for process in running]
    seconds = time.perf_counter() - started
    if any(codes):
        print(f"peer: mkdocs failed (exit status {codes})")
        return None
    return seconds


def _growth(rows: list[dict[str, float | int | str]]) -> list[str]:
    """Extra output per extra entry between generated sizes: constant when growth is linear."""
    generated = [row for row in rows if str(row["name"]).startswith("generated")]
    lines = []
    for small, large in pairwise(generated):
        extra = (
            (float(large["mb"]) - float(small["mb"]))
            * 1e3
            / (int(large["entries"]) - int(small["entries"]))
        )
        lines.append(
            f"growth {small['entries']} -> {large['entries']} entries: {extra:.1f} kB per extra entry"
        )
    return lines


def _row(row: dict[str, float | int | str]) -> str:
    return (
        f"{row['name']}: {row['entries']} entries published ({row['left_out']} left out), "
        f"{row['pages']} pages, {row['mb']:.1f} MB in {row['seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
