"""Patient-site search on a phone-sized KB: index size (compressed) and keystroke-to-results time.

    python benchmarks/site_search_speed.py                  # sample KB + 5,000 generated entries
    python benchmarks/site_search_speed.py --count 2000     # another size
    python benchmarks/site_search_speed.py --index-only     # sizes only, no site build or browser

Index sizes are printed for the sample KB (kb/), for `synthetic_kb.py`'s 5,000 entries (the
project's standard generator: short, repetitive entries) and for a "realistic" 5,000-entry KB
made here from the sample KB: every entry is a sample entry (so of a real entry's length) with
a sentence of 12 random words from jieba's dictionary added to its body and random dictionary
words added to its title and aliases, so the vocabulary keeps growing with the number of
entries as a real KB's would (about 17 new words per entry: pessimistic).

Then the realistic KB is built with `kbtool build` and opened in headless Chromium on a phone
screen; queries are typed into the real search box one key at a time (80 ms apart) and the
time from the last keystroke (its `input` event) to the frame that shows its results is taken,
without and with 4x CPU throttling (a mid-range phone). Goal: under 100 ms.
No timed assertions anywhere: this script prints numbers."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import math
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_kb import generate
from kbtool.check import check_kb
from kbtool.publish import build_site
from kbtool.publish.catalog import build_catalog
from kbtool.publish.select import select_entries
from kbtool.publish.sitesearch.index import index_json

TODAY = dt.date(2026, 11, 22)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
QUERIES = [
    "宫外孕",
    "红眼病",
    "人流后出血一直不干净",
    "小孩一直抓耳朵",
    "你们这能刷医保卡吗",
    "宫外运",
    "gongwaiyun",
    "zhong er yan",
    "hyb",
    "kidney stones",
    "conjuntivitis",
    "opening hours at weekend",
    "HPV 疫苗",
    "孩子发烧39度抽筋了",
    "注意休息多喝水",
]
REVIEW = {
    "reviewed_by": "Dr Sample (fictional)",
    "reviewed_on": "2026-03-01",
    "next_review": "2027-03-01",
}
EN_SYLLABLES = ["ka", "lo", "mi", "ter", "an", "dro", "vel", "sin", "por", "ux", "ble", "ra"]


def dictionary_words(rng: random.Random, limit: int = 60_000) -> list[str]:
    """Common Chinese words (2-4 characters) from jieba's dictionary."""
    import jieba

    words = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            word, count = line.split()[:2]
            if 2 <= len(word) <= 4 and int(count) >= 20:
                words.append(word)
    rng.shuffle(words)
    return sorted(words[:limit])


def _english_word(rng: random.Random) -> str:
    return "".join(rng.choice(EN_SYLLABLES) for _ in range(rng.randint(2, 4)))


def realistic_kb(root: Path, count: int, seed: int = 7) -> Path:
    """`count` entries re-mixed from the sample KB (see the module's docstring)."""
    rng = random.Random(seed)
    words = dictionary_words(rng)
    samples = [
        yaml.safe_load(path.read_text("utf-8")) for path in sorted((ROOT / "kb").rglob("*.yaml"))
    ]
    by_lang: dict[str, list[dict[str, Any]]] = {}
    for data in samples:
        by_lang.setdefault(data["lang"], []).append(data)
    for number in range(count):
        base = samples[number % len(samples)]
        lang = base["lang"]
        fresh = (lambda: rng.choice(words)) if lang == "zh" else (lambda: _english_word(rng))
        joiner = "，" if lang == "zh" else " "
        data = {
            key: value
            for key, value in base.items()
            if key not in ("related", "translations", "review")
        }
        data["id"] = f"{base['id']}-{number:05d}"
        data["title"] = (
            f"{base['title']}（{fresh()}{fresh()}）"
            if lang == "zh"
            else f"{base['title']} ({fresh()} {fresh()})"
        )
        data["aliases"] = list(base.get("aliases") or [])[: rng.randint(3, 12)] + [
            fresh() for _ in range(3)
        ]
        data["body"] = (
            "\n\n".join(
                [
                    base["body"].rstrip(),
                    joiner.join(fresh() for _ in range(12)) + ("。" if lang == "zh" else "."),
                ]
            )
            + "\n"
        )
        data["review"] = dict(REVIEW)
        folder = {
            "condition": "conditions",
            "aftercare": "aftercare",
            "referral": "referrals",
            "faq": "faq",
        }[data["type"]]
        path = root / folder / f"{data['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def index_sizes(kb: Path) -> dict[str, float]:
    """Entries, index bytes (raw and gzip -9) and seconds to make it, without building the site."""
    from kbtool.review.history import signed_off_revision

    check = check_kb(kb, TODAY)
    catalog = build_catalog(select_entries(check, TODAY, signed_off_revision))
    started = time.perf_counter()
    text = index_json(catalog).encode("utf-8")
    seconds = time.perf_counter() - started
    return {
        "entries": len(catalog.items),
        "raw": len(text),
        "gzip": len(gzip.compress(text, 9)),
        "seconds": seconds,
    }


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


RECORDER = """() => {
  window.__kb = {inputs: [], frames: []};
  document.addEventListener('input', () => window.__kb.inputs.push(performance.now()), true);
  const list = document.getElementById('kb-search-results');
  new MutationObserver(() => {
    const query = list.getAttribute('data-kb-query');
    requestAnimationFrame(() => window.__kb.frames.push([query, performance.now()]));
  }).observe(list, {attributes: true, childList: true});
}"""


def type_and_time(page: Any, query: str) -> float:
    """Type `query` into the open search box; ms from its last keystroke to the frame showing results."""
    box = page.locator("#kb-search-input")
    box.fill("")
    page.locator("#kb-search-results[data-kb-query='']").wait_for(state="attached")
    page.evaluate("() => { window.__kb.inputs = []; window.__kb.frames = []; }")
    box.press_sequentially(query, delay=80)
    page.wait_for_timeout(250)
    record = page.evaluate("() => window.__kb")
    last = record["inputs"][-1]
    shown = [at for text, at in record["frames"] if text == query and at >= last]
    return (min(shown) - last) if shown else float("nan")


def browser_latency(site: Path, throttle: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        if throttle > 1:
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(base + "faq/")
        page.evaluate(RECORDER)
        started = time.perf_counter()
        page.locator("label.md-header__button[for='__search']").click()
        page.locator("#kb-search-results[data-kb-query='']").wait_for(
            state="attached", timeout=60_000
        )
        ready = (time.perf_counter() - started) * 1000
        load = page.evaluate(
            "() => performance.getEntriesByName('kbtool-search-load').map(e => e.duration)"
        )
        times = {query: type_and_time(page, query) for query in QUERIES}
        browser.close()
    values = sorted(value for value in times.values() if not math.isnan(value))
    return {
        "open_to_ready_ms": ready,
        "load_ms": load[0] if load else float("nan"),
        "median_ms": statistics.median(values),
        "p90_ms": values[int(0.9 * (len(values) - 1))],
        "max_ms": values[-1],
        "per_query": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--index-only", action="store_true", help="print index sizes only")
    parser.add_argument(
        "--throttle", type=float, nargs="*", default=[1, 4], help="CPU slow-down factors"
    )
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kbtool-search-speed-") as folder:
        work = Path(folder)
        kbs = {
            "sample kb/": ROOT / "kb",
            f"synthetic_kb.py x{arguments.count}": generate(
                work / "synthetic" / "kb", arguments.count
            ),
            f"realistic x{arguments.count}": realistic_kb(
                work / "realistic" / "kb", arguments.count
            ),
        }
        print(f"{'index':<26} {'entries':>7} {'raw KB':>9} {'gzip KB':>8} {'build s':>8}")
        for name, kb in kbs.items():
            size = index_sizes(kb)
            print(
                f"{name:<26} {size['entries']:>7} {size['raw'] / 1000:>9.1f} {size['gzip'] / 1000:>8.1f} "
                f"{size['seconds']:>8.1f}"
            )
        if arguments.index_only:
            return
        out = work / "site"
        started = time.perf_counter()
        report = build_site(kbs[f"realistic x{arguments.count}"], out, TODAY)
        print(
            f"\nbuilt the realistic site: {len(report.published)} entries in {time.perf_counter() - started:.0f} s"
        )
        theme = out / "search" / "search_index.json"
        if theme.is_file():
            data = theme.read_bytes()
            print(
                f"(the theme's own index, unused: {len(data) / 1000:.0f} KB raw, "
                f"{len(gzip.compress(data, 9)) / 1000:.0f} KB gzip)"
            )
        print(
            f"\n{'CPU':<6} {'open->ready ms':>14} {'load ms':>8} "
            f"{'keystroke->results ms: median':>30} {'p90':>6} {'max':>6}"
        )
        for rate in arguments.throttle:
            result = browser_latency(out, rate)
            print(
                f"{'x' + format(rate, 'g'):<6} {result['open_to_ready_ms']:>14.0f} {result['load_ms']:>8.0f} "
                f"{result['median_ms']:>30.1f} {result['p90_ms']:>6.1f} {result['max_ms']:>6.1f}"
            )
            slow = {
                query: round(ms, 1) for query, ms in result["per_query"].items() if not ms < 100
            }
            if slow:
                print(f"       at or over 100 ms: {slow}")


if __name__ == "__main__":
    main()
