"""How fast `kbtool check` is on a realistic knowledge base, against check-jsonschema.

Prints, on 10,000 generated entries shaped like real ones (synthetic_kb.py, ~1.8 KB each):

- `kbtool check` of the whole KB with no cache (goal < 5 s on 2 cores), and again unchanged
  and with 1% of the files edited since the last check (each file's findings are cached);
- `kbtool check FILE`, one file as a pre-commit hook or editor runs it, cold (a new process;
  goal < 0.4 s), with the user's wording cache empty and then filled: in the sample KB (kb/),
  and in the 10,000-entry KB (where reading every other entry's id and links dominates);
- `kbtool lint-text "..."` cold (goal < 0.4 s), the same two ways;
- the peer: check-jsonschema with the project's schema on the same 10,000 files (schema only,
  no wording, links or review dates), and kbtool's time as a ratio of it.

The peer runs from its own environment, never kbtool's: create it once with

    python3 -m venv benchmarks/.venv-peers
    benchmarks/.venv-peers/bin/pip install -r benchmarks/requirements-peers.txt

(or name another with --peers-venv). Without it the script says so and prints kbtool's figures.
The machine is shared: run it with `nice`, and read the load average it prints.

    nice python benchmarks/check_speed.py [--count 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synthetic_kb import TODAY, generate

SCHEMA = ROOT / "schema" / "entry.schema.json"
PEERS_VENV = HERE / ".venv-peers"
SENTENCE = "人流手术后出血超过两周，或者发热、腹痛加重，请及时到妇科就诊。"


Runs = list[tuple[float, float]]
"""(wall seconds, CPU seconds) per run; CPU is user + system time of every process of the run,
which a busy machine moves less than the wall time."""


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall time, CPU time and the exit status with the last output line of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, cpu, f"exit status {done.returncode}; {lines[-1] if lines else ''}"


def runs(command: Sequence[str], count: int, env: dict[str, str] | None = None) -> Runs:
    return [timed(command, env)[:2] for _ in range(count)]


def cold_and_cached(command: Sequence[str], count: int) -> tuple[Runs, Runs]:
    """Runs with an empty user cache folder each time, then with the cache the first one left."""
    empty = []
    for _ in range(count):
        with tempfile.TemporaryDirectory(prefix="kbtool-cache-") as cache:
            empty.append(timed(command, {**os.environ, "XDG_CACHE_HOME": cache})[:2])
    with tempfile.TemporaryDirectory(prefix="kbtool-cache-") as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        timed(command, env)
        filled = runs(command, count, env)
    return empty, filled


def show(label: str, timings: Runs, goal: str = "") -> str:
    walls = [wall for wall, _ in timings]
    listed = ", ".join(f"{t:.2f}" for t in walls)
    line = (
        f"{label:<52} best {min(walls):6.2f} s  median {statistics.median(walls):6.2f} s"
        f"  CPU {min(cpu for _, cpu in timings):6.2f} s"
    )
    return line + (f"  (goal {goal})" if goal else "") + f"  [{listed}]"


def peer_command(venv: Path) -> list[str] | None:
    tool = venv / "bin" / "check-jsonschema"
    return [str(tool), "--schemafile", str(SCHEMA)] if tool.exists() else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers-venv", type=Path, default=PEERS_VENV)
    arguments = parser.parse_args()
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="kbtool-bench-"))
    try:
        kb = generate(workdir / "kb", arguments.count)
        files = sorted(str(p) for p in kb.rglob("*.yaml"))
        size = sum(os.path.getsize(f) for f in files)
        print(f"entries: {len(files)} ({size / 1e6:.1f} MB, {size / len(files):.0f} bytes each)")
        kbtool = [sys.executable, "-m", "kbtool", "--kb", str(kb)]
        check = [*kbtool, "check", "--today", TODAY]
        print(f"kbtool check: {timed(check)[2]}", flush=True)  # warms the user cache
        whole = []
        for _ in range(arguments.runs):
            with tempfile.TemporaryDirectory(prefix="kbtool-kb-cache-") as cache:
                whole.append(timed(check, {**os.environ, "KBTOOL_CACHE": cache})[:2])
        print(show(f"kbtool check, {len(files)} entries, no cache", whole, "< 5 s"), flush=True)
        with tempfile.TemporaryDirectory(prefix="kbtool-kb-cache-") as cache:
            env = {**os.environ, "KBTOOL_CACHE": cache}
            timed(check, env)
            unchanged = runs(check, arguments.runs, env)
            print(
                show(f"kbtool check, {len(files)} entries, unchanged since last check", unchanged)
            )
            edited = []
            for run in range(arguments.runs):
                for name in files[run :: max(1, len(files) // 100)]:  # 1% of the files
                    os.utime(name)
                edited.append(timed(check, env)[:2])
            print(show(f"kbtool check, {len(files)} entries, 1% edited since", edited), flush=True)
        sample = ROOT / "kb"
        sample_file = str(sample / "faq" / "opening-hours.yaml")
        one_file = [sys.executable, "-m", "kbtool", "--kb", str(sample), "check", sample_file]
        empty, filled = cold_and_cached(one_file, arguments.runs)
        print(show("kbtool check FILE (sample kb/), cold, empty cache", empty))
        print(show("kbtool check FILE (sample kb/), cold, cache filled", filled, "< 0.4 s"))
        one_file = [*check, next(f for f in files if "/faq/" in f)]
        empty, filled = cold_and_cached(one_file, arguments.runs)
        print(show(f"kbtool check FILE ({len(files)} KB), cold, empty cache", empty))
        print(show(f"kbtool check FILE ({len(files)} KB), cold, cache filled", filled), flush=True)
        lint = [*kbtool, "lint-text", SENTENCE]
        empty, filled = cold_and_cached(lint, arguments.runs)
        print(show("kbtool lint-text, cold, empty user cache", empty))
        print(show("kbtool lint-text, cold, cache filled", filled, "< 0.4 s"), flush=True)
        peer = peer_command(arguments.peers_venv)
        if peer is None:
            print(
                f"\npeer not run: no check-jsonschema in {arguments.peers_venv}. Install it with\n"
                f"  python3 -m venv {arguments.peers_venv}\n"
                f"  {arguments.peers_venv}/bin/pip install -r {HERE / 'requirements-peers.txt'}"
            )
        else:
            print(f"check-jsonschema: {timed([*peer, *files])[2]}")
            theirs = runs([*peer, *files], max(1, min(arguments.runs, 2)))
            print(show(f"peer: check-jsonschema (schema only), {len(files)}", theirs))
            print(
                f"ratio kbtool check / check-jsonschema: {min(whole)[0] / min(theirs)[0]:.2f} "
                "(below 1: kbtool is faster, while checking far more than the schema)"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
