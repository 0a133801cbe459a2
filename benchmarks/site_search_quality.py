"""Patient-site search quality, measured in the built site: recall@1, recall@3 and zero-result
counts per kind of query, for kbtool's search and for the theme's built-in search.

    python benchmarks/site_search_quality.py                    # both engines, sample KB
    python benchmarks/site_search_quality.py --engine kbtool    # one engine
    python benchmarks/site_search_quality.py --misses           # list the queries that missed
    python benchmarks/site_search_quality.py --without-aliases  # the KB with no aliases at all

The sample KB (kb/) is built twice with `kbtool build`: as it is, and with the theme's own
search box put back (an owner override, `site/overrides/partials/search.html`, holding the
theme's original partial; the theme's index is built in every build anyway). Each labelled
query of tests/data/patient_queries.yaml is typed, key by key, into the search box of the
built site in headless Chromium (English queries on the English site, en/, the others on the
Chinese site at the root), and the links of the first ten results are read back.
Goal for kbtool's search: recall@3 >= 0.90 overall and >= 0.80 for every kind."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.site_search_speed import CHROMIUM, CHROMIUM_ARGS, serve
from kbtool.publish import build_site, pages
from kbtool.publish.settings import find_template

TODAY = dt.date(2026, 11, 22)
LIMIT = 10
ENGINES = ("kbtool", "builtin")


def builtin_settings(kb: Path, folder: Path) -> Path:
    """A copy of the KB's site settings whose overrides put the theme's own search box back."""
    import material

    template = find_template(kb)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "mkdocs.yml"
    if template is not None:
        shutil.copyfile(template, config)
        if (template.parent / "site").is_dir():
            shutil.copytree(template.parent / "site", folder / "site")
    else:
        config.write_text("{}\n", encoding="utf-8")
    partial = Path(material.__file__).parent / "templates" / "partials" / "search.html"
    target = folder / "site" / "overrides" / "partials" / "search.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(partial, target)
    return config


def without_aliases(kb: Path, folder: Path) -> Path:
    """A copy of the KB with every entry's `aliases` removed (and sign-off fingerprints, which
    cover the aliases, dropped so that entries stay published): how much do the aliases do?"""
    for path in sorted(kb.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if isinstance(data, dict):
            data.pop("aliases", None)
            if isinstance(data.get("review"), dict):
                data["review"].pop("fingerprint", None)
        target = folder / "kb" / path.relative_to(kb)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    template = find_template(kb)
    if template is not None:
        shutil.copyfile(template, folder / "mkdocs.yml")
    return folder / "kb"


def entry_id(href: str) -> str:
    """The entry id of a result link (the last part of its path)."""
    return urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]


def settle(page: Any, read: Any, quiet_ms: int = 300, timeout_ms: int = 5000) -> Any:
    """Poll `read()` until its value has not changed for `quiet_ms`; return it."""
    last, since, started = object(), time.monotonic(), time.monotonic()
    while True:
        value = read()
        now = time.monotonic()
        if value != last:
            last, since = value, now
        elif (now - since) * 1000 >= quiet_ms or (now - started) * 1000 >= timeout_ms:
            return value
        page.wait_for_timeout(25)


class KbtoolBox:
    """kbtool's search box: results are final once the list says which query they are for."""

    def __init__(self, page: Any) -> None:
        self.page = page
        page.locator("#kb-search-input").click()  # on a wide screen the box is in the header
        page.locator("#kb-search-results[data-kb-query]").wait_for(state="attached", timeout=30_000)

    def search(self, query: str) -> list[str]:
        box = self.page.locator("#kb-search-input")
        box.fill("")
        box.press_sequentially(query)
        results = self.page.locator("#kb-search-results")
        for _ in range(400):
            if results.get_attribute("data-kb-query") == query:
                break
            self.page.wait_for_timeout(5)
        hrefs = self.page.locator("#kb-search-results > li > a").evaluate_all(
            "links => links.map(link => link.href)"
        )
        return [entry_id(href) for href in hrefs[:LIMIT]]


class BuiltinBox:
    """The theme's search box: results are read once they stop changing."""

    def __init__(self, page: Any) -> None:
        self.page = page
        page.locator(".md-search__input").click()
        self.read()
        settle(page, lambda: page.locator(".md-search-result__meta").inner_text(), 500, 15_000)

    def read(self) -> list[str]:
        return list(
            self.page.locator(".md-search-result__list > li > a:first-child").evaluate_all(
                "links => links.map(link => link.href)"
            )
        )

    def search(self, query: str) -> list[str]:
        box = self.page.locator(".md-search__input")
        box.fill("")
        box.press_sequentially(query)
        box.press("End")  # the theme searches on keyup; typed Chinese (an input method) has none
        hrefs = settle(
            self.page,
            lambda: (self.read(), self.page.locator(".md-search-result__meta").inner_text()),
        )[0]
        ids = [entry_id(href) for href in hrefs]
        return list(dict.fromkeys(ids))[:LIMIT]


def run_queries(site: Path, engine: str, items: list[dict[str, Any]]) -> list[list[str]]:
    """Result ids for each labelled query, typed into the engine's box in the built site."""
    from playwright.sync_api import sync_playwright

    found: dict[int, list[str]] = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for root in ("", "en/"):
            chosen = [(n, item) for n, item in enumerate(items) if site_root(item) == root]
            if not chosen:
                continue
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.goto(base + root)
            box = KbtoolBox(page) if engine == "kbtool" else BuiltinBox(page)
            for number, item in chosen:
                found[number] = box.search(str(item["query"]))
            context.close()
        browser.close()
    return [found[number] for number in range(len(items))]


def site_root(item: dict[str, Any]) -> str:
    return "en/" if item["kind"] == "english" else ""


def report(items: list[dict[str, Any]], results: list[list[str]]) -> dict[str, dict[str, float]]:
    """Per kind, per source ('from staff', ...) and 'all': count, recall@1, recall@3, zero results."""
    rows: dict[str, list[tuple[int | None, bool]]] = defaultdict(list)
    for item, ids in zip(items, results):
        rank = ids.index(item["expected"]) + 1 if item["expected"] in ids else None
        for key in (str(item["kind"]), "all", f"from {item.get('from', '?')}"):
            rows[key].append((rank, not ids))
    table = {}
    for kind, ranks in rows.items():
        count = len(ranks)
        table[kind] = {
            "n": count,
            "r1": sum(1 for rank, _ in ranks if rank == 1) / count,
            "r3": sum(1 for rank, _ in ranks if rank is not None and rank <= 3) / count,
            "zero": sum(1 for _, empty in ranks if empty),
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kb", type=Path, default=ROOT / "kb")
    parser.add_argument(
        "--queries", type=Path, default=ROOT / "tests" / "data" / "patient_queries.yaml"
    )
    parser.add_argument("--engine", choices=(*ENGINES, "both"), default="both")
    parser.add_argument("--misses", action="store_true", help="list the queries not in the top 3")
    parser.add_argument(
        "--without-aliases",
        action="store_true",
        help="search a copy of the KB with every entry's aliases removed",
    )
    arguments = parser.parse_args()
    items = yaml.safe_load(arguments.queries.read_text("utf-8"))
    engines = ENGINES if arguments.engine == "both" else (arguments.engine,)
    tables = {}
    with tempfile.TemporaryDirectory(prefix="kbtool-site-quality-") as folder:
        work = Path(folder)
        kb = (
            without_aliases(arguments.kb, work / "plain")
            if arguments.without_aliases
            else arguments.kb
        )
        for engine in engines:
            config = (
                builtin_settings(kb, work / "builtin-settings") if engine == "builtin" else None
            )
            site = work / f"site-{engine}"
            pages.THEME_INDEXES_ENTRIES = engine == "builtin"  # the peer needs its own index
            build_site(kb, site, TODAY, config=config)
            started = time.perf_counter()
            results = run_queries(site, engine, items)
            seconds = time.perf_counter() - started
            tables[engine] = report(items, results)
            print(f"{engine}: {len(items)} queries typed in {seconds:.0f} s")
            if arguments.misses:
                for item, ids in zip(items, results):
                    if item["expected"] not in ids[:3]:
                        print(
                            f"  miss [{item['kind']}] {item['query']!r} -> {item['expected']}: {ids[:3]}"
                        )
    groups = list(tables[engines[0]])
    kinds = [key for key in groups if key != "all" and not key.startswith("from ")] + ["all"]
    kinds += [key for key in groups if key.startswith("from ")]
    header = f"{'kind':<14} {'n':>4}" + "".join(
        f" | {engine + ' r@1':>12} {'r@3':>5} {'zero':>5}" for engine in engines
    )
    print("\n" + header + "\n" + "-" * len(header))
    for kind in kinds:
        line = f"{kind:<14} {tables[engines[0]][kind]['n']:>4.0f}"
        for engine in engines:
            row = tables[engine][kind]
            line += f" | {row['r1']:>12.2f} {row['r3']:>5.2f} {row['zero']:>5.0f}"
        print(line)


if __name__ == "__main__":
    main()
