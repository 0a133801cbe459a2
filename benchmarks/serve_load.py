"""Load test of the staff app on loopback: 50 concurrent clients, >= 5,000 searches, then the
same while the knowledge base is edited and re-indexed mid-run. Prints throughput, latency
percentiles and the error count. Bounded: each phase stops after its request budget or time limit."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def queries() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "staff_queries.yaml").read_text("utf-8"))
    items = data["queries"] if isinstance(data, dict) else data
    return [str(item["query"]) for item in items]


def wait_ready(port: int, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the staff app did not start in time")


def run_phase(port: int, words: list[str], clients: int, total: int, seconds: float,
              during: threading.Thread | None = None) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds

    def more(index: int) -> bool:
        """Keep going until the budget is spent and any concurrent editing has finished."""
        return index < total or (during is not None and during.is_alive())

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                index = next(counter)
            if not more(index):
                break
            query = words[(index * 7 + number) % len(words)]
            path = "/api/search?" + urllib.parse.urlencode({"q": query, "limit": 10})
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and "results" in json.loads(body)
            except (OSError, http.client.HTTPException, ValueError) as error:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                body = str(error).encode()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(body[:200].decode("utf-8", "replace"))
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    if during is not None:
        during.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if during is not None:
        during.join()
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    return {"requests": len(latencies), "errors": len(errors), "wall_s": wall,
            "throughput_rps": len(latencies) / wall if wall else 0.0, "p50_ms": pct(50), "p95_ms": pct(95),
            "p99_ms": pct(99), "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
            "first_error": errors[0] if errors else ""}


def editor(kb: Path, port: int, edits: int, pause: float, reloads: list[int]) -> threading.Thread:
    """Edit one entry several times during the run, as a `git pull` would."""
    target = kb / "faq" / "opening-hours.yaml"
    original = target.read_text("utf-8")

    def work() -> None:
        for number in range(edits):
            time.sleep(pause)
            text = original.replace("aliases:\n", f"aliases:\n  - 门诊几点关门{number}\n", 1)
            temporary = target.with_suffix(".tmp")
            temporary.write_text(text, "utf-8")
            os.replace(temporary, target)
        time.sleep(pause)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/api/health")
        reloads.append(int(json.loads(connection.getresponse().read())["reloads"]))

    return threading.Thread(target=work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=240.0, help="time limit per phase")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument("--cache-size", type=int, default=2048,
                        help="server's repeated-search cache (0: every request runs a real search)")
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kbtool-load-"))
    kb = workdir / "kb"
    shutil.copytree(ROOT / "kb", kb)
    port = free_port()
    environment = {**os.environ, "KBTOOL_CACHE": str(workdir / "cache")}
    server = subprocess.Popen([sys.executable, "-m", "kbtool", "--kb", str(kb), "serve", "--port", str(port),
                               "--threads", str(arguments.threads), "--cache-size", str(arguments.cache_size)],
                              env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(port)
        words = queries()
        print(f"staff app on 127.0.0.1:{port}, {len(words)} distinct queries, {arguments.clients} clients, "
              f"{arguments.threads} server threads, search cache {arguments.cache_size or 'off'}")
        run_phase(port, words, 10, 200, 30)  # warm-up
        steady = run_phase(port, words, arguments.clients, arguments.requests, arguments.seconds)
        reloads: list[int] = []
        changing = run_phase(port, words, arguments.clients, arguments.requests, arguments.seconds,
                             during=editor(kb, port, edits=4, pause=2.5, reloads=reloads))
        for name, figures in (("steady", steady), ("while re-indexing", changing)):
            print(f"{name:>18}: {figures['requests']} searches in {figures['wall_s']:.1f} s = "
                  f"{figures['throughput_rps']:.0f}/s; latency p50 {figures['p50_ms']:.1f} ms, "
                  f"p95 {figures['p95_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms; errors {figures['errors']}"
                  + (f" (first: {figures['first_error']})" if figures["errors"] else ""))
        print(f"index reloads during the second phase: {reloads[0] if reloads else 'unknown'}")
        print("goal: zero errors, p95 under 100 ms")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
