"""`kbtool build` as a pipeline, top to bottom:

settings -> check the KB -> select what is published -> catalog -> pages and JSON
-> mkdocs (one site per language) -> privacy check -> replace the output folder.
The patient search index (`sitesearch`) is written beside the JSON copies.

Never prints; returns a BuildReport that the command renders."""

from __future__ import annotations

import datetime as dt
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check import CheckResult, check_kb
from ..review.history import signed_off_revision
from .api import api_files
from .catalog import Catalog, build_catalog
from .errors import PublishError
from .labels import LANGS
from .mkdocs_build import (
    assemble,
    check_engine,
    check_output,
    disk_error,
    prepare,
    replace_output,
    run_engine,
)
from .navigation import list_pages, navigation
from .pages import entry_page
from .privacy import scan_site
from .select import LeftOut, Published, RevisionLookup, Selection, select_entries
from .settings import SiteSettings, find_template, load_settings, site_name
from .sitesearch import search_files
from .urls import entry_source


@dataclass
class BuildReport:
    """What was published, what was left out and why, and what was written."""

    out: Path
    today: dt.date
    preview: bool
    published: list[Published] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    settings: str | None = None
    pages: int = 0
    files: int = 0
    bytes: int = 0
    warnings: list[str] = field(default_factory=list)

    def blocking(self) -> list[LeftOut]:
        """Entries left out for errors or unreviewed changes (drafts are expected)."""
        return [item for item in self.left_out if item.reason != "draft"]

    def ok(self, strict: bool = False) -> bool:
        return not (strict and self.blocking())

    def as_dict(self, strict: bool = False) -> dict[str, Any]:
        return {
            "ok": self.ok(strict),
            "out": str(self.out),
            "today": self.today.isoformat(),
            "preview": self.preview,
            "settings": self.settings,
            "published": [item.as_dict() for item in self.published],
            "left_out": [item.as_dict() for item in self.left_out],
            "pages": self.pages,
            "files": self.files,
            "bytes": self.bytes,
            "warnings": self.warnings,
        }


def site_documents(catalog: Catalog, settings: SiteSettings) -> dict[str, dict[str, str]]:
    """Language -> docs-relative path -> Markdown text: every page of the site."""
    docs: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        pages = list_pages(lang, catalog, site_name(settings, lang))
        for item in catalog.by_lang[lang]:
            pages[entry_source(item.type, item.id)] = entry_page(item, catalog)
        docs[lang] = pages
    return docs


def unreadable(check: CheckResult) -> list[LeftOut]:
    """Files with errors that never became entries (broken YAML, wrong folder...)."""
    loaded = {entry.file for entry in check.entries}
    first: dict[str, str] = {}
    for problem in check.problems:
        if problem.severity == "error" and problem.file not in loaded and problem.file not in first:
            first[problem.file] = problem.message
    return [
        LeftOut(Path(file).stem, file, "errors", f"cannot be read: {message}")
        for file, message in sorted(first.items())
    ]


def build_site(
    kb: Path,
    out: Path,
    today: dt.date,
    *,
    preview: bool = False,
    config: Path | None = None,
    lookup: RevisionLookup = signed_off_revision,
) -> BuildReport:
    """Build the patient site for the KB at `kb` into `out` as it stands on `today`."""
    check_engine()
    check_output(out)
    template = find_template(kb, config)
    settings = load_settings(template)
    check = check_kb(kb, today)
    selection = select_entries(check, today, lookup, preview)
    report = BuildReport(
        out=out,
        today=today,
        preview=preview,
        published=selection.published,
        left_out=unreadable(check) + selection.left_out,
        settings=str(template) if template else None,
        warnings=[
            f"{p.file}:{p.line}: {p.message}"
            for p in check.problems
            if p.code.endswith("-unreadable")
        ],
    )
    try:
        publish(selection, settings, out, today, preview, report)
    except OSError as error:
        raise disk_error(error, out) from None
    return report


def publish(
    selection: Selection,
    settings: SiteSettings,
    out: Path,
    today: dt.date,
    preview: bool,
    report: BuildReport,
) -> None:
    """Selected entries -> pages and JSON -> mkdocs -> privacy check -> `out` (fills `report`)."""
    catalog = build_catalog(selection)
    docs = site_documents(catalog, settings)
    with (
        tempfile.TemporaryDirectory(prefix="kbtool-site-") as folder,
        ThreadPoolExecutor(max_workers=1) as background,
    ):
        # the search index is made while mkdocs runs: its processes leave this one waiting
        search = background.submit(search_files, catalog)
        work = Path(folder)
        configs = prepare(work, settings, docs, preview, {lang: navigation(lang) for lang in LANGS})
        report.warnings += run_engine(configs, today)
        staged = assemble(work, configs, {**api_files(catalog, today), **search.result()})
        problems = scan_site(staged)
        if problems:
            raise PublishError(
                "the built site would contact other hosts, so it was not published:\n  "
                + "\n  ".join(problems[:20])
            )
        report.pages = sum(len(pages) for pages in docs.values())
        report.files, report.bytes = _size(staged)
        replace_output(staged, out)


def _size(root: Path) -> tuple[int, int]:
    files = [path for path in root.rglob("*") if path.is_file()]
    return len(files), sum(path.stat().st_size for path in files)


__all__ = ["BuildReport", "PublishError", "build_site", "publish", "site_documents"]
