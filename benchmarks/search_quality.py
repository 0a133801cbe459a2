"""Search quality on the labelled staff queries: recall@1, recall@3 and MRR per kind of query.

Runs `kbtool search --batch FILE --json` (the interface evaluation scripts use) over
tests/data/staff_queries.yaml against the sample knowledge base, in a throw-away cache
folder unless --cache is given. Goal: recall@3 >= 0.95 overall and >= 0.85 for every kind.

    python benchmarks/search_quality.py [--kb kb] [--queries tests/data/staff_queries.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 10


def run_batch(kb: Path, queries: list[str], cache: Path, drafts: bool) -> list[list[str]]:
    """Result ids for each query, in rank order, from one `kbtool search --batch` call."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(queries) + "\n")
        batch = handle.name
    try:
        command = [
            sys.executable,
            "-m",
            "kbtool",
            "--kb",
            str(kb),
            "search",
            "--batch",
            batch,
            "--json",
            "--limit",
            str(LIMIT),
        ] + (["--include-drafts"] if drafts else [])
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "KBTOOL_CACHE": str(cache)},
        )
    finally:
        os.unlink(batch)
    if done.returncode != 0:
        raise SystemExit(f"kbtool search failed ({done.returncode}): {done.stderr}")
    lines = done.stdout.splitlines()
    if len(lines) != len(queries):
        raise SystemExit(f"expected {len(queries)} JSON lines, got {len(lines)}")
    return [[result["id"] for result in json.loads(line)["results"]] for line in lines]


def draft_ids(kb: Path) -> set[str]:
    """Ids of the entries never signed off (hidden from staff unless --include-drafts)."""
    import datetime as dt

    sys.path.insert(0, str(ROOT))
    from kbtool.loader import load_kb
    from kbtool.review.state import review_state

    return {
        entry.id for entry in load_kb(kb).entries if review_state(entry, dt.date.today()) == "draft"
    }


def scores(ranks: list[int | None]) -> tuple[float, float, float]:
    """recall@1, recall@3 and mean reciprocal rank (rank None: not in the first LIMIT)."""
    count = len(ranks) or 1
    at1 = sum(1 for r in ranks if r == 1) / count
    at3 = sum(1 for r in ranks if r is not None and r <= 3) / count
    mrr = sum(1 / r for r in ranks if r is not None) / count
    return at1, at3, mrr


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kb", type=Path, default=ROOT / "kb")
    parser.add_argument(
        "--queries", type=Path, default=ROOT / "tests" / "data" / "staff_queries.yaml"
    )
    parser.add_argument("--cache", type=Path, help="cache folder to use (default: a temporary one)")
    parser.add_argument("--quiet", action="store_true", help="do not list the queries that missed")
    parser.add_argument(
        "--hide-drafts",
        action="store_true",
        help="search as staff do by default (drafts hidden); by default drafts are "
        "included, since several sample entries are drafts and this measures "
        "whether the right entry is found",
    )
    arguments = parser.parse_args()
    items = yaml.safe_load(arguments.queries.read_text("utf-8"))
    cache = arguments.cache or Path(tempfile.mkdtemp(prefix="kbtool-quality-"))
    try:
        found = run_batch(
            arguments.kb, [item["query"] for item in items], cache, drafts=not arguments.hide_drafts
        )
    finally:
        if arguments.cache is None:
            shutil.rmtree(cache, ignore_errors=True)
    drafts = draft_ids(arguments.kb) if arguments.hide_drafts else set()
    skipped = [item for item in items if item["expected"] in drafts]
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    misses = []
    for item, ids in zip(items, found):
        if item["expected"] in drafts:
            continue
        rank = ids.index(item["expected"]) + 1 if item["expected"] in ids else None
        by_kind[item["kind"]].append(rank)
        if rank is None or rank > 3:
            misses.append((item, rank, ids[:3]))
    view = (
        "drafts hidden (staff default)"
        if arguments.hide_drafts
        else "drafts included (--include-drafts)"
    )
    print(f"{len(items)} labelled queries, {view}, top {LIMIT} results each")
    if skipped:
        print(
            f"({len(skipped)} queries whose expected entry is a draft are left out: "
            f"{', '.join(sorted(drafts))})"
        )
    print(f"{'kind':<10} {'n':>4} {'R@1':>6} {'R@3':>6} {'MRR':>6}")
    for kind in sorted(by_kind):
        at1, at3, mrr = scores(by_kind[kind])
        print(f"{kind:<10} {len(by_kind[kind]):>4} {at1:>6.3f} {at3:>6.3f} {mrr:>6.3f}")
    everything = [rank for ranks in by_kind.values() for rank in ranks]
    at1, at3, mrr = scores(everything)
    print(f"{'overall':<10} {len(everything):>4} {at1:>6.3f} {at3:>6.3f} {mrr:>6.3f}")
    worst = min(scores(ranks)[1] for ranks in by_kind.values())
    verdict = "met" if at3 >= 0.95 and worst >= 0.85 else "NOT met"
    print(f"goal (R@3 >= 0.95 overall, >= 0.85 per kind): {verdict}")
    if misses and not arguments.quiet:
        print("\nqueries whose expected entry is not in the top 3:")
        for item, rank, top in misses:
            print(
                f"  [{item['kind']}] {item['query']!r} -> expected {item['expected']} "
                f"(rank {rank or '>' + str(LIMIT)}); got {', '.join(top) or 'nothing'}"
            )


if __name__ == "__main__":
    main()
