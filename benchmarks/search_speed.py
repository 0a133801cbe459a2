"""Staff search speed on a generated 10,000-entry knowledge base (realistic entries, synthetic_kb.py).

Prints: full index build time (first build into an empty cache, and `kbtool index --rebuild`),
time to re-index after one entry changed, query latency p50/p95 over 600 varied queries with
a warm searcher, the wall time of one cold `kbtool search` CLI call, and peak memory of each
step. Goals: build < 60 s, one-entry update < 2 s, p95 < 20 ms warm, cold CLI < 1.5 s,
peak memory < 400 MB. The peer, a tantivy BM25 index over jieba-split text (peer_tantivy.py),
runs from its own environment on the same entries and queries, and is printed as ratios:

    python3 -m venv benchmarks/.venv-peers
    benchmarks/.venv-peers/bin/pip install -r benchmarks/requirements-peers.txt

    python benchmarks/search_speed.py [--count 10000] [--queries 600]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_kb import TOPICS_EN, TOPICS_ZH, entry_text, generate

CHILD = r"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
task, kb, cache = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
out = {}
if task in ("build", "rebuild", "update"):
    from kbtool.search import ensure_index
    start = time.perf_counter()
    report = ensure_index(kb, cache, rebuild=task == "rebuild")
    out["seconds"] = time.perf_counter() - start
    out["entries"], out["reindexed"] = report.entries, len(report.reindexed)
elif task == "query":
    from kbtool.search import Searcher
    queries = json.loads(Path(sys.argv[4]).read_text("utf-8"))
    today = dt.date(2026, 11, 22)
    start = time.perf_counter()
    searcher = Searcher(cache)
    out["open_seconds"] = time.perf_counter() - start
    passes = []
    for _ in range(2):
        timings = []
        for query in queries:
            began = time.perf_counter()
            searcher.search(query, limit=10, today=today)
            timings.append((time.perf_counter() - began) * 1000)
        passes.append(timings)
    out["first_pass_ms"], out["repeat_pass_ms"] = passes
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


PEERS_VENV = Path(__file__).resolve().parent / ".venv-peers"


def peer(venv: Path, kb: Path, queries_file: Path, folder: Path) -> dict | None:
    """The tantivy + jieba peer's figures, or None (saying how to install it) when it is missing."""
    python = venv / "bin" / "python"
    script = Path(__file__).resolve().parent / "peer_tantivy.py"
    if not python.exists():
        print(
            f"\npeer not run: no {python}. Install it with\n  python3 -m venv {venv}\n"
            f"  {venv}/bin/pip install -r {script.parent / 'requirements-peers.txt'}"
        )
        return None
    done = subprocess.run(
        [str(python), str(script), str(kb), str(queries_file), str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"\npeer failed (is tantivy installed in {venv}?): {done.stderr.strip()[-500:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def child(task: str, kb: Path, cache: Path, *extra: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, task, str(kb), str(cache), *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{task} failed: {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def varied_queries(count: int, entries: int, seed: int = 11) -> list[str]:
    """Titles, lay words, questions, pinyin, typos, English, mixed, ids and noise."""
    rng = random.Random(seed)
    pinyin = [
        "jiemoyan",
        "zhongeryan",
        "niaolu ganran",
        "fashao",
        "kesou",
        "fuxie",
        "gongwaiyun",
        "yindaoyan",
        "qianliexianyan",
        "bichuxue",
        "shenjieshi",
        "liugan",
        "toutong",
        "shimian",
    ]
    typos = [
        "结膜严",
        "中耳严",
        "尿路敢染",
        "发少",
        "咳漱",
        "腹写",
        "宫外运",
        "阴到炎",
        "前列线炎",
        "鼻出雪",
        "扁桃提炎",
        "麦粒种",
        "肾结实",
        "流敢",
        "头通",
        "皮诊",
        "胃通",
        "被痛",
        "失棉",
        "过明",
    ]
    asks = [
        "怎么办",
        "要注意什么",
        "多久能好",
        "严重吗",
        "要去医院吗",
        "吃什么药",
        "会传染吗",
        "孩子",
        "老人",
    ]
    english = [
        "fever",
        "cough at night",
        "sore throat child",
        "ear infection",
        "nosebleed won't stop",
        "urinary tract infection",
        "diarrhoea",
        "conjunctivitis",
        "headache",
        "back pain",
        "feverr",
        "headake",
        "conjunctivits",
    ]
    noise = [
        "",
        "？？？",
        "😷",
        "120",
        "13812345678",
        "alias",
        "test test test",
        "a" * 300,
        "哈哈哈",
    ]
    makers = [
        lambda: rng.choice(TOPICS_ZH),
        lambda: rng.choice(TOPICS_ZH) + rng.choice(asks),
        lambda: f"{rng.choice(TOPICS_ZH)} {rng.choice(TOPICS_ZH)}",
        lambda: rng.choice(pinyin),
        lambda: rng.choice(typos),
        lambda: rng.choice(english),
        lambda: f"{rng.choice(TOPICS_EN)} {rng.choice(TOPICS_ZH)}",
        lambda: f"alias-{rng.randrange(entries)}",
        lambda: f"{rng.choice(TOPICS_ZH)}({rng.randrange(entries)})",
        lambda: "呼吸困难" + rng.choice(asks),
        lambda: rng.choice(noise),
    ]
    return [makers[i % len(makers)]() for i in range(count)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument(
        "--peers-venv",
        type=Path,
        default=PEERS_VENV,
        help="environment with tantivy and jieba (benchmarks/requirements-peers.txt)",
    )
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kbtool-search-bench-"))
    try:
        kb, cache = generate(workdir / "kb", arguments.count), workdir / "cache"
        first = child("build", kb, cache)
        rebuild = child("rebuild", kb, cache)
        target = kb / entry_text(3, arguments.count)[0]
        target.write_text(
            target.read_text("utf-8").replace("summary: >-\n  ", "summary: >-\n  (已更新)", 1),
            "utf-8",
        )
        update = child("update", kb, cache)
        queries_file = workdir / "queries.json"
        queries = varied_queries(arguments.queries, arguments.count)
        queries_file.write_text(json.dumps(queries, ensure_ascii=False), "utf-8")
        warm = child("query", kb, cache, str(queries_file))
        cli = [
            sys.executable,
            "-m",
            "kbtool",
            "--kb",
            str(kb),
            "search",
            "结膜炎 怎么办",
            "--json",
            "--no-log",
        ]
        walls, peaks = [], []
        for _ in range(arguments.cli_runs):
            started = time.perf_counter()
            done = subprocess.run(
                ["/usr/bin/env", "KBTOOL_CACHE=" + str(cache), *cli],
                capture_output=True,
                text=True,
                check=False,
            )
            walls.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(f"kbtool search failed: {done.stderr}")
        try:
            timed = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "/usr/bin/env", "KBTOOL_CACHE=" + str(cache), *cli],
                capture_output=True,
                text=True,
                check=False,
            )
            peaks.append(int(timed.stderr.strip().splitlines()[-1]) / 1024)
        except (OSError, ValueError, IndexError):
            pass
        first_pass, repeat_pass = warm["first_pass_ms"], warm["repeat_pass_ms"]
        print(
            f"entries: {arguments.count} (generated with benchmarks/synthetic_kb.py); "
            f"searchable: {first['entries']}; machine: {os.cpu_count()} CPUs"
        )
        print(
            f"full build, empty cache (incl. dictionary files): {first['seconds']:.1f} s, "
            f"peak {first['peak_mb']:.0f} MB"
        )
        print(
            f"full rebuild (kbtool index --rebuild):             {rebuild['seconds']:.1f} s, "
            f"peak {rebuild['peak_mb']:.0f} MB   (goal < 60 s)"
        )
        print(
            f"re-index after one entry changed:                  {update['seconds']:.2f} s "
            f"({update['reindexed']} entry re-indexed), peak {update['peak_mb']:.0f} MB   (goal < 2 s)"
        )
        print(
            f"warm searcher: opened in {warm['open_seconds'] * 1000:.0f} ms; {len(queries)} varied queries, "
            f"peak {warm['peak_mb']:.0f} MB"
        )
        print(
            f"  first pass:  p50 {percentile(first_pass, 0.5):.1f} ms, p95 {percentile(first_pass, 0.95):.1f} ms, "
            f"max {max(first_pass):.1f} ms, mean {statistics.mean(first_pass):.1f} ms   (goal p95 < 20 ms)"
        )
        print(
            f"  repeat pass: p50 {percentile(repeat_pass, 0.5):.1f} ms, p95 {percentile(repeat_pass, 0.95):.1f} ms, "
            f"max {max(repeat_pass):.1f} ms"
        )
        peak_text = f", peak {peaks[0]:.0f} MB" if peaks else ""
        print(
            f"cold `kbtool search` CLI call (index up to date), {len(walls)} runs: "
            + ", ".join(f"{wall:.2f}" for wall in walls)
            + f" s; median {statistics.median(walls):.2f} s{peak_text}   (goal < 1.5 s)"
        )
        peak = max(
            [first["peak_mb"], rebuild["peak_mb"], update["peak_mb"], warm["peak_mb"], *peaks]
        )
        print(f"peak memory of any step: {peak:.0f} MB   (goal < 400 MB)")
        theirs = peer(arguments.peers_venv, kb, queries_file, workdir / "tantivy")
        if theirs is not None:
            their_p95 = percentile(theirs["first_pass_ms"], 0.95)
            print(
                f"peer: tantivy BM25 over jieba-split text: build {theirs['build_seconds']:.1f} s, "
                f"first pass p50 {percentile(theirs['first_pass_ms'], 0.5):.2f} ms, "
                f"p95 {their_p95:.2f} ms"
            )
            print(
                f"ratios kbtool / tantivy: index build {rebuild['seconds'] / theirs['build_seconds']:.1f}, "
                f"query p95 {percentile(first_pass, 0.95) / max(their_p95, 1e-6):.1f} "
                "(kbtool also expands lay terms, typos and pinyin; tantivy matches jieba words only)"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
