"""`kbtool build` on a small KB in a temporary git repository: what reaches the built files."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kbtool.cli import main
from kbtool.publish.privacy import scan_site
from kbtool.review.state import fingerprint
from tests.helpers import entry_data, write_entry

TODAY = "2026-11-22"
REVIEW = {
    "reviewed_by": "示例医生甲（主治医师，虚构）",
    "reviewed_on": "2026-01-10",
    "next_review": "2027-01-10",
}
FLAGS = [
    {"when": "ROUTINE-SIGN", "urgency": "routine", "action": "预约门诊。"},
    {"when": "URGENT-SIGN", "urgency": "urgent", "action": "当天就诊。"},
    {"when": "EMERGENCY-SIGN", "urgency": "emergency", "action": "立即拨打 120。"},
]
SECRETS = [
    "STAFF-SECRET-ZH",
    "STAFF-SECRET-EN",
    "STAFF-SECRET-CHANGED",
    "DRAFT-TEXT-MARKER",
    "UNREVIEWED-TEXT",
    "ERROR-ENTRY-MARKER",
    "NO-REVISION-MARKER",
    "CALLBACK-ASK-MARKER",
    "CALLBACK-REMIND-MARKER",
    "CALLBACK-NOTES-MARKER",
]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def signed(
    entry_id: str, kind: str = "condition", lang: str = "zh", **fields: Any
) -> dict[str, Any]:
    return entry_data(entry_id, kind, lang, review=dict(REVIEW), **fields)


def make_kb(repo: Path) -> Path:
    """A KB in a git repo: every review state, both languages, a changed entry with history."""
    kb = repo / "kb"
    kb.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.org")
    git(repo, "config", "user.name", "Test")
    write_entry(
        kb,
        signed(
            "ectopic-pregnancy",
            title="宫外孕（异位妊娠）",
            specialty="妇科",
            tags=["孕期"],
            aliases=["宫外孕", "异位妊娠"],
            red_flags=FLAGS,
            staff_notes="STAFF-SECRET-ZH",
            related=["draft-entry", "after-op"],
            translations=["ectopic-pregnancy-en"],
            sources=[{"title": "NHS", "url": "https://www.nhs.uk/conditions/ectopic-pregnancy/"}],
        ),
    )
    write_entry(
        kb,
        signed(
            "ectopic-pregnancy-en",
            lang="en",
            title="Ectopic pregnancy",
            staff_notes="STAFF-SECRET-EN",
            translations=["ectopic-pregnancy"],
        ),
    )
    write_entry(kb, entry_data("draft-entry", body="DRAFT-TEXT-MARKER\n"))
    write_entry(
        kb,
        entry_data(
            "old-advice",
            title="旧的建议",
            review={**REVIEW, "reviewed_on": "2025-06-01", "next_review": "2026-06-01"},
        ),
    )
    write_entry(
        kb,
        signed(
            "after-op",
            "aftercare",
            title="术后护理",
            red_flags=[
                {
                    "when": "AFTER-OP-SIGN",
                    "urgency": "urgent",
                    "action": "当天就诊。",
                    "ask": "CALLBACK-ASK-MARKER？",
                }
            ],
            callback={
                "days": [1, 7],
                "remind": ["CALLBACK-REMIND-MARKER"],
                "notes": "CALLBACK-NOTES-MARKER",
            },
        ),
    )
    write_entry(kb, signed("hours", "faq", title="门诊时间"))
    write_entry(
        kb,
        signed(
            "legal-but-odd",
            title='A & B "quoted"',
            body=(
                "## Odd\n\nThe rule: a < b > c & d.\n\n![tracker](https://tracker.example/pixel.png)\n\n"
                "[NHS](https://www.nhs.uk/) and [relative](../../faq/hours/)\n"
            ),
        ),
    )
    write_entry(kb, signed("broken", body="<script>alert('ERROR-ENTRY-MARKER')</script>\n"))
    changed = signed(
        "changed-entry", body="## 已审核\n\nSIGNED-TEXT\n", staff_notes="STAFF-SECRET-CHANGED"
    )
    changed["review"]["fingerprint"] = fingerprint(changed)
    write_entry(kb, changed)
    lost = signed("no-revision", body="NO-REVISION-MARKER\n")
    lost["review"]["fingerprint"] = "sha256:" + "0" * 64
    write_entry(kb, lost)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "signed-off content")
    write_entry(kb, {**changed, "body": "## 修改\n\nUNREVIEWED-TEXT\n"})
    (repo / "mkdocs.yml").write_text(
        "site_name: 测试医院健康信息\nextra_css: [assets/hospital.css]\n", encoding="utf-8"
    )
    (repo / "site" / "assets").mkdir(parents=True)
    (repo / "site" / "assets" / "hospital.css").write_text(".hospital{}\n", encoding="utf-8")
    return kb


def run(*args: str, cwd: Path) -> Any:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The KB built once, from an unrelated working directory, with --json."""
    root = tmp_path_factory.mktemp("build")
    kb = make_kb(root / "repo")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    out = root / "out"
    result = run(
        "--kb", str(kb), "build", "--out", str(out), "--today", TODAY, "--json", cwd=elsewhere
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(result.output)


def page(out: Path, url: str) -> str:
    return (out / url / "index.html").read_text(encoding="utf-8")


def content(html: str) -> str:
    return html[html.index('<article class="md-content__inner') : html.index("</article>")]


def all_files(out: Path) -> list[Path]:
    return sorted(path for path in out.rglob("*") if path.is_file())


def test_report_lists_published_and_left_out(built: tuple[Path, dict[str, Any]]) -> None:
    _, report = built
    assert report["ok"] is True and report["today"] == TODAY and report["preview"] is False
    assert sorted(item["id"] for item in report["published"]) == [
        "after-op",
        "changed-entry",
        "ectopic-pregnancy",
        "ectopic-pregnancy-en",
        "hours",
        "legal-but-odd",
        "old-advice",
    ]
    reasons = {item["id"]: item["reason"] for item in report["left_out"]}
    assert reasons == {"broken": "errors", "draft-entry": "draft", "no-revision": "changed"}
    assert set(report) == {
        "ok",
        "out",
        "today",
        "preview",
        "settings",
        "published",
        "left_out",
        "pages",
        "files",
        "bytes",
        "warnings",
    }
    assert set(report["published"][0]) == {
        "id",
        "type",
        "lang",
        "file",
        "state",
        "commit",
        "commit_date",
        "banner",
    }
    assert set(report["left_out"][0]) == {"id", "file", "reason", "message"}
    assert report["warnings"] == []
    assert report["settings"].endswith("mkdocs.yml")


def test_drafts_staff_notes_and_unreviewed_text_appear_nowhere(
    built: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = built
    for path in all_files(out):
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret} found in {path.relative_to(out)}"
    assert not (out / "conditions" / "draft-entry").exists()
    assert not (out / "api" / "entries" / "draft-entry.json").exists()


def test_the_callback_script_is_never_published(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    html = page(out, "aftercare/after-op")
    assert "AFTER-OP-SIGN" in content(html)  # the warning sign itself is patient information
    api = json.loads((out / "api" / "entries" / "after-op.json").read_text(encoding="utf-8"))
    assert api["red_flags"] == [
        {"when": "AFTER-OP-SIGN", "urgency": "urgent", "action": "当天就诊。"}
    ]
    assert "callback" not in api


def test_changed_entry_is_published_as_its_signed_off_revision(
    built: tuple[Path, dict[str, Any]],
) -> None:
    out, report = built
    html = page(out, "conditions/changed-entry")
    assert "SIGNED-TEXT" in html and "已审核" in html
    entry = json.loads((out / "api" / "entries" / "changed-entry.json").read_text(encoding="utf-8"))
    published = next(item for item in report["published"] if item["id"] == "changed-entry")
    assert entry["signed_off_commit"] == published["commit"] and len(published["commit"]) == 40
    assert "SIGNED-TEXT" in entry["body"]


def test_changed_entry_without_signed_off_revision_is_left_out(
    built: tuple[Path, dict[str, Any]],
) -> None:
    out, report = built
    left = next(item for item in report["left_out"] if item["id"] == "no-revision")
    assert "no committed version matches" in left["message"]
    assert not (out / "conditions" / "no-revision").exists()


def test_overdue_page_carries_the_notice(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    overdue = content(page(out, "conditions/old-advice"))
    assert (
        '<div class="kb-notice kb-notice--overdue" role="note" data-search-exclude '
        'data-next-review="2026-06-01"><p><strong>此页面已超过审核日期</strong>' in overdue
    )
    assert "最近一次审核是 2025-06-01" in overdue
    current = content(page(out, "conditions/ectopic-pregnancy"))
    assert 'data-next-review="2027-01-10" hidden>' in current
    assert "kbtool/kbtool.js" in page(out, "conditions/ectopic-pregnancy")


def test_care_cards_in_order_with_screen_reader_text(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    html = content(page(out, "conditions/ectopic-pregnancy"))
    positions = [html.index(marker) for marker in ("EMERGENCY-SIGN", "URGENT-SIGN", "ROUTINE-SIGN")]
    assert positions == sorted(positions)
    assert re.search(
        r'<h3 class="kb-care-card__heading"><span class="kb-sr-only">需要立即行动：</span>'
        r"立即拨打 120 或去急诊，如果：</h3>",
        html,
    )
    footer = html[html.index('class="kb-review"') :]
    assert "审核人" in footer and "最近审核" in footer and "下次审核" in footer


def test_legal_but_odd_markdown_is_neutralised(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    html = content(page(out, "conditions/legal-but-odd"))
    assert "tracker.example" in html and "<img" not in html
    assert "a &lt; b &gt; c &amp; d" in html
    assert "<h1>A &amp; B &quot;quoted&quot;</h1>" in html
    assert "<title>A &amp; B &quot;quoted&quot; - 测试医院健康信息</title>" in page(
        out, "conditions/legal-but-odd"
    )
    assert not (out / "conditions" / "broken").exists()


def test_no_page_contacts_a_third_party(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    assert scan_site(out) == []
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        assert "googletagmanager" not in text
        assert re.search(r"<script[^>]+src=\"(https?:)?//", text) is None
        assert "Content-Security-Policy" in text and "default-src 'self'" in text


def test_languages_sections_and_switch(built: tuple[Path, dict[str, Any]]) -> None:
    out, _ = built
    assert '<html lang="zh"' in page(out, "")
    english = page(out, "en/conditions/ectopic-pregnancy-en")
    assert '<html lang="en"' in english and "Read this page" not in english
    assert (
        'href="../../../conditions/ectopic-pregnancy/" hreflang="zh" lang="zh">阅读本页的中文版'
        in english
    )
    zh = page(out, "conditions/ectopic-pregnancy")
    assert 'href="../../en/conditions/ectopic-pregnancy-en/" hreflang="en"' in zh
    for section in ("conditions", "aftercare", "referrals", "faq", "specialties", "a-z", "tags"):
        assert (out / section / "index.html").is_file() and (
            out / "en" / section / "index.html"
        ).is_file()
    assert (out / "specialties" / "fu-ke" / "index.html").is_file()
    assert (out / "tags" / "yun-qi" / "index.html").is_file()
    assert "测试医院健康信息" in page(out, "") and "assets/hospital.css" in page(out, "")
    assert "Patient health information" in english


def test_every_link_in_the_content_leads_to_a_built_page(
    built: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = built
    checked = 0
    for path in out.rglob("index.html"):
        if path.parent.name in ("search",) or "assets" in path.parts:
            continue
        for href in re.findall(r'href="([^"#]+)"', content(path.read_text(encoding="utf-8"))):
            if href.startswith(("http://", "https://")):
                continue
            target = (path.parent / href).resolve()
            assert (target / "index.html").is_file() or target.is_file(), (
                f"{path}: broken link {href}"
            )
            checked += 1
    assert checked > 50


def test_machine_readable_copy(built: tuple[Path, dict[str, Any]]) -> None:
    out, report = built
    index = json.loads((out / "api" / "index.json").read_text(encoding="utf-8"))
    assert index["count"] == len(report["published"])
    assert [entry["id"] for entry in index["entries"]] == sorted(
        item["id"] for item in report["published"]
    )
    for entry in index["entries"]:
        data = json.loads((out / entry["json"]).read_text(encoding="utf-8"))
        assert (
            data["review"]["next_review"]
            and data["review"]["reviewed_on"]
            and data["review"]["reviewed_by"]
        )
        assert "staff_notes" not in data
    ectopic = json.loads(
        (out / "api" / "entries" / "ectopic-pregnancy.json").read_text(encoding="utf-8")
    )
    assert ectopic["related"] == ["after-op"] and ectopic["translations"] == [
        "ectopic-pregnancy-en"
    ]


def test_two_builds_are_byte_identical(built: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, report = built
    kb = Path(report["published"][0]["file"]).parents[1]
    if not kb.is_absolute():
        kb = (out.parent / "elsewhere" / kb).resolve()
    again = tmp_path / "again"
    result = run("--kb", str(kb), "build", "--out", str(again), "--today", TODAY, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    first = {path.relative_to(out).as_posix(): path.read_bytes() for path in all_files(out)}
    second = {path.relative_to(again).as_posix(): path.read_bytes() for path in all_files(again)}
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_text_report_and_strict(kb: Path, tmp_path: Path) -> None:
    write_entry(kb, signed("flu"))
    lost = signed("lost", body="x\n")
    lost["review"]["fingerprint"] = "sha256:" + "1" * 64
    write_entry(kb, lost)  # changed, and the KB is not in git
    result = run("build", "--out", "site-out", "--today", TODAY, "--strict", cwd=tmp_path)
    assert result.exit_code == 1
    assert "published 1 entry (1 zh, 0 en) to site-out" in result.output
    assert "  current   flu  conditions/flu/" in result.output
    assert "kb/conditions/lost.yaml: changed: edited since sign-off" in result.output
    assert "--strict: 1 entry left out for errors or unreviewed changes" in result.output
    relaxed = run("build", "--out", "site-out", "--today", TODAY, cwd=tmp_path)
    assert relaxed.exit_code == 0, relaxed.output


def test_refuses_to_replace_a_folder_it_did_not_build(kb: Path, tmp_path: Path) -> None:
    write_entry(kb, signed("flu"))
    precious = tmp_path / "docs" / "thesis.txt"
    precious.parent.mkdir()
    precious.write_text("keep me", encoding="utf-8")
    result = run("build", "--out", "docs", "--today", TODAY, cwd=tmp_path)
    assert result.exit_code == 1
    assert "was not made by 'kbtool build'" in result.output
    assert precious.read_text(encoding="utf-8") == "keep me"


def test_missing_site_engine_is_a_clear_error(
    kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "material" else real(name, *a)
    )
    result = run("build", "--today", TODAY, cwd=tmp_path)
    assert result.exit_code == 1
    assert "mkdocs-material not installed" in result.output and "pip install" in result.output


def test_forbidden_site_settings_stop_the_build(kb: Path, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("theme:\n  font:\n    text: Roboto\n", encoding="utf-8")
    result = run("build", "--today", TODAY, cwd=tmp_path)
    assert result.exit_code == 1 and "theme.font must be false" in result.output


def test_today_is_validated(kb: Path, tmp_path: Path) -> None:
    result = run("build", "--today", "22/11/2026", cwd=tmp_path)
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_build_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--strict" in result.output


_ = dt  # dates are strings in this module
