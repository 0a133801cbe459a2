"""The bundled sample KB builds, and none of its staff notes or drafts reach the output."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from kbtool.publish import build_site
from kbtool.publish.privacy import scan_site

SAMPLE = Path(__file__).resolve().parents[2] / "kb"


def test_sample_kb_builds_without_staff_notes_or_drafts(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE, kb)
    out = tmp_path / "site"
    report = build_site(kb, out, dt.date(2026, 11, 22))
    assert report.published and report.warnings == []
    assert scan_site(out) == []
    secrets, drafts = [], []
    for path in sorted(kb.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        note = data.get("staff_notes")
        if isinstance(note, str) and len(note.strip()) >= 12:
            secrets.append(" ".join(note.split())[:30])
        if not (data.get("review") or {}).get("reviewed_on"):
            drafts.append(str(data.get("id")))
    assert secrets, "the sample KB should have staff notes to test with"
    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml")
    ]
    flat = [" ".join(text.split()) for text in texts]
    for secret in secrets:
        assert not any(secret in text for text in flat), secret
    for draft in drafts:
        assert (
            not list(out.rglob(f"{draft}/index.html"))
            and not (out / "api" / "entries" / f"{draft}.json").exists()
        )


def test_sample_aftercare_call_scripts_are_complete_and_never_published(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kbtool.cli import main

    result = CliRunner().invoke(
        main, ["--kb", str(SAMPLE), "review", "status", "--callbacks", "--json"]
    )
    assert (
        result.exit_code == 0 and '"count": 0' in result.output
    )  # every warning sign has an 'ask'
    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE, kb)
    out = tmp_path / "site"
    build_site(kb, out, dt.date(2026, 11, 22))
    staff_only: list[str] = []
    for path in sorted((kb / "aftercare").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["callback"]["days"], path.name
        staff_only += [flag["ask"] for flag in data["red_flags"]] + [data["callback"]["notes"]]
    flat = " ".join(
        " ".join(p.read_text(encoding="utf-8", errors="replace").split())
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml")
    )
    assert len(staff_only) > 30
    for text in staff_only:
        assert " ".join(text.split()) not in flat, text
