"""Load test of the staff app (`kbtool serve`) on loopback, as a call-centre floor uses it.

Every search is distinct and the server's repeat cache is off, so each request runs a real
search. Three phases, each printed with throughput, latency percentiles and errors:

1. steady:   searches arrive at a fixed rate (default 200/s) for 60 s, whether or not earlier
             ones have been answered (latency counts from when a search was due, so a stalled
             server cannot hide its queue);
2. editing:  the same while an entry is edited every 10 s and re-indexed by the app;
3. saturation: 50 clients that never pause, for 30 s: the most the server can answer.

The load generator runs on the same machine and takes CPU from the server; the load average
is printed so a busy shared machine shows in the figures."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOAL = {"p95_ms": 100.0, "p99_ms": 250.0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def distinct_queries() -> list[str]:
    """The labelled staff queries plus the prefixes staff type on the way to them (as-you-type
    sends each), without repeats, in a fixed shuffled order."""
    data = yaml.safe_load((ROOT / "tests" / "data" / "staff_queries.yaml").read_text("utf-8"))
    items = data["queries"] if isinstance(data, dict) else data
    found: dict[str, None] = {}
    for item in items:
        query = str(item["query"])
        shortest = 2 if any(ord(ch) > 0x2E80 for ch in query) else 3
        for end in range(shortest, len(query) + 1):
            found.setdefault(query[:end].strip(), None)
    words = [word for word in found if word]
    random.Random(15).shuffle(words)
    return words


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def health(port: int) -> dict[str, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        return dict(json.loads(get(connection, "/api/health")[1]))
    finally:
        connection.close()


def wait_ready(port: int, server: subprocess.Popen[bytes], limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the staff app stopped; see its messages above")
        try:
            if health(port).get("ready"):
                return
        except (OSError, ValueError, http.client.HTTPException):
            time.sleep(0.3)
    raise SystemExit("the staff app did not start in time")


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error is not None:
                self.errors.append(error)

    def figures(self, wall: float) -> dict[str, float | str]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return (
                ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000
                if ordered
                else float("nan")
            )

        return {
            "requests": len(ordered),
            "errors": len(self.errors),
            "wall_s": wall,
            "rate": len(ordered) / wall if wall else 0.0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": ordered[-1] * 1000 if ordered else float("nan"),
            "first_error": self.errors[0] if self.errors else "",
        }


def search_once(
    connection: http.client.HTTPConnection, port: int, query: str
) -> tuple[str | None, http.client.HTTPConnection]:
    path = "/api/search?" + urllib.parse.urlencode({"q": query, "limit": 10})
    try:
        status, body = get(connection, path)
        if status == 200 and "results" in json.loads(body):
            return None, connection
        return f"HTTP {status}: {body[:120]!r}", connection
    except (OSError, http.client.HTTPException, ValueError) as error:
        connection.close()
        return f"{type(error).__name__}: {error}", http.client.HTTPConnection(
            "127.0.0.1", port, timeout=10
        )


def steady(
    port: int, words: list[str], offset: int, rate: float, seconds: float, senders: int = 64
) -> dict[str, float | str]:
    """Open loop: search number i is due at start + i/rate and timed from then."""
    due_queue: queue.SimpleQueue[tuple[str, float] | None] = queue.SimpleQueue()
    tally = Tally()

    def sender() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while (item := due_queue.get()) is not None:
            query, due = item
            error, connection = search_once(connection, port, query)
            tally.add(time.perf_counter() - due, error)
        connection.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    for number in range(total):
        due = start + number / rate
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due_queue.put((words[(offset + number) % len(words)], due))
    for _ in threads:
        due_queue.put(None)
    for thread in threads:
        thread.join()
    return tally.figures(time.perf_counter() - start)


def saturation(port: int, words: list[str], clients: int, seconds: float) -> dict[str, float | str]:
    """Closed loop: every client sends its next search as soon as the last one is answered."""
    tally = Tally()
    counter = iter(range(10**9))
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            with lock:
                number = next(counter)
            began = time.perf_counter()
            error, connection = search_once(connection, port, words[number % len(words)])
            tally.add(time.perf_counter() - began, error)
        connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally.figures(time.perf_counter() - began)


def editor(kb: Path, every: float, stop: threading.Event) -> threading.Thread:
    """Edit one entry every `every` seconds, as a `git pull` would, until stopped."""
    target = kb / "faq" / "opening-hours.yaml"
    original = target.read_text("utf-8")

    def work() -> None:
        number = 0
        while not stop.wait(every):
            number += 1
            text = original.replace("aliases:\n", f"aliases:\n  - 门诊几点关门{number}\n", 1)
            temporary = target.with_suffix(".tmp")
            temporary.write_text(text, "utf-8")
            os.replace(temporary, target)

    return threading.Thread(target=work, daemon=True)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def line(name: str, figures: dict[str, float | str], goal: bool) -> str:
    text = (
        f"{name:>11}: {figures['requests']} searches in {figures['wall_s']:.1f} s = {figures['rate']:.0f}/s; "
        f"latency p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
        f"max {figures['max_ms']:.0f} ms; errors {figures['errors']}"
    )
    if figures["errors"]:
        text += f" (first: {figures['first_error']})"
    if goal:
        met = (
            figures["errors"] == 0
            and float(figures["p95_ms"]) < GOAL["p95_ms"]
            and float(figures["p99_ms"]) < GOAL["p99_ms"]
        )
        text += "  [goal met]" if met else "  [GOAL MISSED]"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rate", type=float, default=200.0, help="searches per second in phases 1 and 2"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of phases 1 and 2")
    parser.add_argument(
        "--edit-every", type=float, default=10.0, help="seconds between edits in phase 2"
    )
    parser.add_argument("--clients", type=int, default=50, help="never-pausing clients in phase 3")
    parser.add_argument("--saturation-seconds", type=float, default=30.0)
    parser.add_argument(
        "--workers", type=int, default=None, help="server worker processes (default: the server's)"
    )
    parser.add_argument("--threads", type=int, default=8, help="threads per server worker")
    parser.add_argument(
        "--cache-size", type=int, default=0, help="server's repeat cache (default 0: off)"
    )
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kbtool-load-"))
    kb = workdir / "kb"
    shutil.copytree(ROOT / "kb", kb)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "kbtool",
        "--kb",
        str(kb),
        "serve",
        "--port",
        str(port),
        "--threads",
        str(arguments.threads),
        "--cache-size",
        str(arguments.cache_size),
    ]
    if arguments.workers:
        command += ["--workers", str(arguments.workers)]
    environment = {**os.environ, "KBTOOL_CACHE": str(workdir / "cache")}
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=log)
    try:
        wait_ready(port, server)
        assert server.stdout is not None
        started = server.stdout.readline().decode("utf-8").strip()
        words = distinct_queries()
        print(f"{started}")
        print(
            f"{len(words)} distinct searches, repeat cache {arguments.cache_size or 'off'}; {load()}"
        )
        saturation(port, words, 10, 5)  # warm-up: every worker's dictionaries and readers
        first = steady(port, words, 0, arguments.rate, arguments.seconds)
        print(line("steady", first, goal=True) + f"; {load()}")
        before = health(port)
        stop = threading.Event()
        edits = editor(kb, arguments.edit_every, stop)
        edits.start()
        second = steady(
            port, words, int(arguments.rate * arguments.seconds), arguments.rate, arguments.seconds
        )
        stop.set()
        edits.join()
        time.sleep(3)
        after = health(port)
        print(line("editing", second, goal=True) + f"; {load()}")
        print(
            f"{'':>13}index generation {before['index']} -> {after['index']} "
            f"(one worker's reloads: {after['reloads']})"
        )
        third = saturation(port, words, arguments.clients, arguments.saturation_seconds)
        print(line("saturation", third, goal=False) + f"; {load()}")
        print(
            f"goal for phases 1 and 2: {arguments.rate:.0f}/s steady, p95 < {GOAL['p95_ms']:.0f} ms, "
            f"p99 < {GOAL['p99_ms']:.0f} ms, 0 errors"
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        errors = (workdir / "server.log").read_text("utf-8", "replace").strip()
        if errors:
            print("server messages:\n" + errors[-2000:])
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
