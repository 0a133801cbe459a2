"""Time `kbtool build` and measure its output: the sample KB, then generated KBs.

    python benchmarks/site_build.py                 # sample KB, 1,000 and 5,000 entries
    python benchmarks/site_build.py --sizes 2000    # other sizes

Goals on a 2-core machine: 1,000 entries under 20 s, 5,000 under 90 s, and output size
growing linearly with the number of entries (bytes per entry roughly constant)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_kb import generate
from kbtool.publish import build_site

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
