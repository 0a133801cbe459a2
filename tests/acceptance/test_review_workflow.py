"""Review in git: the reviewer registry, the pull-request review report and its CI templates,
translation drift, and one specialty vocabulary."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from kbtool.web.app import create_app
from kbtool.web.live import LiveKb
from tests.helpers import entry_data, write_entry, write_raw

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-11-22"
REGISTRY = """\
reviewers:
  - id: dr-eye
    name: 示例眼科医生
    role: 眼科主治医师，虚构示例数据
    specialties: [眼科]
    email: eye@example.invalid
  - id: dr-ent
    name: Dr Sample ENT
    role: ENT consultant, fictional sample data
    specialties: [ENT]
  - id: translator
    name: Sample Translator
    role: medical translator, fictional sample data
    specialties: [translation]
"""


def git(
    repo: Path,
    *args: str,
    day: str = "2026-11-01",
    author: str = "Author A",
    email: str = "author@example.invalid",
) -> str:
    """git with a fixed author and commit date, so histories are reproducible."""
    stamp = f"{day}T12:00:00+00:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env
    ).stdout


def init_repo(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")


def commit(repo: Path, message: str, **who: str) -> None:
    git(repo, "add", "-A", **who)
    git(repo, "commit", "-qm", message, **who)


# -- reviewer registry ---------------------------------------------------------------------------


def test_without_registry_by_is_free_text(kb: Path, cli: Callable[..., Result]) -> None:
    write_entry(kb, entry_data("stye", specialty="眼科"))
    result = cli("review", "approve", "stye", "--by", "Anyone (any role)", "--today", TODAY)
    assert result.exit_code == 0 and cli("check", "--today", TODAY).exit_code == 0


def test_approve_resolves_registered_reviewers(kb: Path, cli: Callable[..., Result]) -> None:
    write_raw(kb, "reviewers.yaml", REGISTRY)
    path = write_entry(kb, entry_data("stye", specialty="眼科"))
    unknown = cli("review", "approve", "stye", "--by", "Dr Nobody (surgeon)", "--today", TODAY)
    assert unknown.exit_code == 1
    assert "'Dr Nobody (surgeon)' is not in kb/reviewers.yaml" in unknown.output
    assert "dr-eye, dr-ent, translator" in unknown.output
    outside = cli("review", "approve", "stye", "--by", "dr-ent", "--today", TODAY)
    assert outside.exit_code == 1 and "outside the specialties of dr-ent (ENT)" in outside.output
    assert "review" not in yaml.safe_load(path.read_text(encoding="utf-8"))
    ok = cli("review", "approve", "stye", "--by", "dr-eye", "--by", "translator", "--today", TODAY)
    assert ok.exit_code == 0, ok.output
    review = yaml.safe_load(path.read_text(encoding="utf-8"))["review"]
    assert review["reviewed_by"] == [
        "示例眼科医生（眼科主治医师，虚构示例数据）",
        "Sample Translator (medical translator, fictional sample data)",
    ]
    assert cli("check", "--today", TODAY).exit_code == 0
    assert cli("review", "approve", "stye", "--by", "示例眼科医生", "--today", TODAY).exit_code == 0


def test_check_reports_sign_offs_outside_the_registry(kb: Path, cli: Callable[..., Result]) -> None:
    write_raw(kb, "reviewers.yaml", REGISTRY)
    signed = {"reviewed_on": "2026-01-01", "next_review": "2027-01-01"}
    write_entry(
        kb, entry_data("stye", specialty="眼科", review={**signed, "reviewed_by": "王医生(眼科)"})
    )
    write_entry(
        kb,
        entry_data("otitis", specialty="眼科", review={**signed, "reviewed_by": "Dr Sample ENT"}),
    )
    write_entry(
        kb,
        entry_data(
            "fine",
            specialty="眼科",
            review={**signed, "reviewed_by": "示例眼科医生（眼科主治医师，虚构示例数据）"},
        ),
    )
    result = cli("check", "--today", TODAY)
    assert result.exit_code == 1
    assert re.search(
        r"kb/conditions/stye.yaml:\d+:\d+: error: signed off by '王医生\(眼科\)', who is not in "
        r"kb/reviewers.yaml.*\[reviewer-unknown\]",
        result.output,
    )
    assert re.search(
        r"kb/conditions/otitis.yaml:\d+:\d+: error: signed off by dr-ent \(ENT\), outside their "
        r"specialties for an entry of 眼科.*\[reviewer-specialty\]",
        result.output,
    )
    assert "fine.yaml" not in result.output
    bad = write_raw(kb, "reviewers.yaml", "reviewers:\n  - id: Bad Id\n    name: x\n    role: y\n")
    broken = cli("check", "--today", TODAY)
    assert f"{bad.relative_to(kb.parent)}: error: reviewers[0]: id 'Bad Id'" in broken.output


def test_specialty_vocabulary_lets_a_reviewer_cover_local_names(
    kb: Path, cli: Callable[..., Result]
) -> None:
    write_raw(kb, "reviewers.yaml", REGISTRY)
    write_raw(kb, "kbtool.yaml", "specialties:\n  ENT: 耳鼻咽喉科\n  耳鼻喉科: 耳鼻咽喉科\n")
    write_entry(kb, entry_data("otitis", specialty="耳鼻喉科"))
    assert cli("review", "approve", "otitis", "--by", "dr-ent", "--today", TODAY).exit_code == 0


# -- specialty vocabulary ------------------------------------------------------------------------


def test_one_specialty_vocabulary_for_counts_filters_site_and_search(
    kb: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    write_raw(kb, "kbtool.yaml", "specialties:\n  ENT: 耳鼻咽喉科\n  otolaryngology: 耳鼻咽喉科\n")
    signed = {"reviewed_by": "A (B)", "reviewed_on": "2026-01-01", "next_review": "2027-01-01"}
    write_entry(kb, entry_data("otitis", specialty="ENT", title="中耳炎", review=signed))
    write_entry(kb, entry_data("nosebleed", specialty="耳鼻咽喉科", title="流鼻血", review=signed))
    write_entry(
        kb,
        entry_data(
            "otitis-en", lang="en", specialty="otolaryngology", title="Otitis", review=signed
        ),
    )
    write_entry(kb, entry_data("stye", specialty="眼科", title="麦粒肿", review=signed))
    status = json.loads(cli("review", "status", "--json", "--today", TODAY).output)
    assert (
        status["specialties"]["耳鼻咽喉科"]["current"] == 3 and "ENT" not in status["specialties"]
    )
    filtered = json.loads(
        cli("review", "status", "--json", "--specialty", "ent", "--today", TODAY).output
    )
    assert sorted(item["id"] for item in filtered["entries"]) == [
        "nosebleed",
        "otitis",
        "otitis-en",
    ]
    text = cli("review", "status", "--today", TODAY, "--state", "draft").output
    assert "ENT" not in text
    found = json.loads(cli("search", "耳", "--specialty", "ENT", "--json", "--limit", "10").output)
    assert {r["id"] for r in found["results"]} <= {"otitis", "nosebleed", "otitis-en"}
    found = json.loads(cli("search", "中耳炎", "--specialty", "耳鼻咽喉科", "--json").output)
    assert found["results"] and found["results"][0]["id"] == "otitis"
    built = cli("build", "--out", str(tmp_path / "site"), "--today", TODAY)
    assert built.exit_code == 0, built.output
    pages = sorted(p.parent.name for p in (tmp_path / "site" / "specialties").glob("*/index.html"))
    assert len(pages) == 2  # 耳鼻咽喉科 (ENT + 耳鼻咽喉科) and 眼科
    zh_page = next(
        p
        for p in (tmp_path / "site" / "specialties").glob("*/index.html")
        if "流鼻血" in p.read_text(encoding="utf-8")
    )
    assert "中耳炎" in zh_page.read_text(encoding="utf-8")
    en_pages = list((tmp_path / "site" / "en" / "specialties").glob("*/index.html"))
    assert len(en_pages) == 1 and "otolaryngology" in en_pages[0].read_text(encoding="utf-8")


# -- translation drift ---------------------------------------------------------------------------


@pytest.fixture
def pair(kb: Path, tmp_path: Path, cli: Callable[..., Result]) -> Path:
    """A zh entry and its English translation, both signed off and committed."""
    init_repo(tmp_path)
    write_entry(kb, entry_data("flu", translations=["flu-en"], summary="流感一般一周左右好转。"))
    write_entry(
        kb,
        entry_data(
            "flu-en", lang="en", translations=["flu"], summary="Flu usually gets better in a week."
        ),
    )
    commit(tmp_path, "drafts", day="2026-03-01")
    assert cli("review", "approve", "flu", "--by", "A (B)", "--today", "2026-03-02").exit_code == 0
    commit(tmp_path, "sign off zh", day="2026-03-02")
    assert (
        cli("review", "approve", "flu-en", "--by", "C (D)", "--today", "2026-03-05").exit_code == 0
    )
    commit(tmp_path, "sign off en", day="2026-03-05")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_translation_is_stale_after_the_other_side_changes_and_is_signed_off(
    kb: Path, pair: Path, cli: Callable[..., Result]
) -> None:
    assert "translation-stale" not in cli("check", "--today", TODAY).output
    assert cli("review", "approve", "flu", "--by", "A (B)", "--today", "2026-06-01").exit_code == 0
    commit(pair, "re-sign zh without change", day="2026-06-01")
    assert "translation-stale" not in cli("check", "--today", TODAY).output
    edit(kb / "conditions" / "flu.yaml", "一周左右", "七到十天")
    assert "translation-stale" not in cli("check", "--today", TODAY).output  # not signed off yet
    assert cli("review", "approve", "flu", "--by", "A (B)", "--today", "2026-07-01").exit_code == 0
    commit(pair, "change and re-sign zh", day="2026-07-01")
    result = cli("check", "--today", TODAY)
    assert result.exit_code == 0
    assert re.search(
        r"kb/conditions/flu-en.yaml:\d+:1: warning: the zh version 'flu' was changed and signed "
        r"off again on 2026-07-01, after this entry was signed off on 2026-03-05: .*"
        r"'kbtool review approve flu-en --by \"NAME \(ROLE\)\"' \[translation-stale\]",
        result.output,
    )
    assert "conditions/flu.yaml" not in result.output
    assert cli("check", "--strict", "--today", TODAY).exit_code == 1
    assert "translation-stale" in cli("check", "kb/conditions/flu-en.yaml", "--today", TODAY).output
    status = cli("review", "status", "--today", TODAY)
    assert "1 translation-stale" in status.output
    assert (
        "translation-stale: 'flu' was changed and signed off again on 2026-07-01" in status.output
    )
    item = next(
        i
        for i in json.loads(cli("review", "status", "--json", "--today", TODAY).output)["entries"]
        if i["id"] == "flu-en"
    )
    assert item["translation_stale"]["partner"] == "flu"
    live = LiveKb(kb, pair / "cache", poll_seconds=3600)
    try:
        client = create_app(live, gap_log=pair / "cache" / "gaps.log").test_client()
        assert client.get("/api/entries/flu-en").get_json()["translation_stale"]["id"] == "flu"
        assert client.get("/api/entries/flu").get_json()["translation_stale"] is None
        page = client.get("/entries/flu-en").get_data(as_text=True)
        assert "另一语言版本已修改并重新审核" in page and '/entries/flu"' in page
    finally:
        live.stop()
    edit(kb / "conditions" / "flu-en.yaml", "in a week", "in 7 to 10 days")
    assert (
        cli("review", "approve", "flu-en", "--by", "C (D)", "--today", "2026-07-03").exit_code == 0
    )
    commit(pair, "update translation", day="2026-07-03")
    assert "translation-stale" not in cli("check", "--today", TODAY).output


# -- review report -------------------------------------------------------------------------------


@pytest.fixture
def pull_request(kb: Path, tmp_path: Path, cli: Callable[..., Result]) -> Path:
    """main: three signed-off entries; branch 'edit': one edited, one new draft, one deleted."""
    init_repo(tmp_path)
    write_raw(kb, "reviewers.yaml", REGISTRY)
    for entry_id in ("stye", "pink-eye", "old-page"):
        write_entry(
            kb,
            entry_data(
                entry_id,
                specialty="眼科",
                body=f"## 说明\n\n{entry_id} 第一段。\n\n第二段:多休息。\n",
            ),
        )
    commit(tmp_path, "drafts")
    for entry_id in ("stye", "pink-eye", "old-page"):
        assert (
            cli("review", "approve", entry_id, "--by", "dr-eye", "--today", "2026-11-02").exit_code
            == 0
        )
    commit(
        tmp_path, "sign off", day="2026-11-02", author="示例眼科医生", email="eye@example.invalid"
    )
    git(tmp_path, "checkout", "-q", "-b", "edit")
    edit(kb / "conditions" / "stye.yaml", "第二段:多休息。", "第二段:多休息,保证绝对安全。")
    write_entry(kb, entry_data("new-page", specialty="眼科"))
    (kb / "conditions" / "old-page.yaml").unlink()
    commit(tmp_path, "edit stye, add new-page, remove old-page", day="2026-11-10")
    return tmp_path


def test_review_report_markdown_for_a_pull_request(
    kb: Path, pull_request: Path, cli: Callable[..., Result]
) -> None:
    result = cli("review", "report", "--base", "main", "--format", "markdown", "--today", TODAY)
    text = result.output
    assert result.exit_code == 1, text  # the wording check finds an error in the edited entry
    assert text.startswith("## Knowledge-base review report\n\n3 entries changed since main (")
    assert "| `new-page` 标题 new-page | added | draft (not published) | — | none |" in text
    assert re.search(
        r"\| `stye` 标题 stye \| modified \| changed since sign-off \| 示例眼科医生（眼科主治医师，"
        r"虚构示例数据） on 2026-11-02 \| 1 error",
        text,
    )
    assert "| `old-page` 标题 old-page | deleted | deleted |" in text
    assert "pink-eye" not in text
    section = text[text.index("### `stye`") :]
    assert "Changes compared with the signed-off version (commit" in section
    assert "**body** (changed)" in section and "```diff" in section
    assert "-第二段:多休息。" in section and "+第二段:多休息,保证绝对安全。" in section
    assert "[zh-no-risk]" in section.replace("\\[", "[").replace("\\]", "]")
    data = json.loads(cli("review", "report", "--base", "main", "--json", "--today", TODAY).output)
    assert [(e["id"], e["status"], e["state"]) for e in data["entries"]] == [
        ("new-page", "added", "draft"),
        ("old-page", "deleted", None),
        ("stye", "modified", "changed"),
    ]
    assert data["counts"]["error"] >= 1 and data["base"] == "main"
    plain = cli("review", "report", "--base", "main", "--today", TODAY).output
    assert "[changed since sign-off] stye" in plain and "== body (changed) ==" in plain


def test_review_report_notes_an_author_signing_off_their_own_change(
    kb: Path, pull_request: Path, cli: Callable[..., Result]
) -> None:
    edit(kb / "conditions" / "pink-eye.yaml", "第二段:多休息。", "第二段:多休息,少看屏幕。")
    assert (
        cli("review", "approve", "pink-eye", "--by", "dr-eye", "--today", "2026-11-12").exit_code
        == 0
    )
    commit(
        pull_request,
        "edit and sign off my own change",
        day="2026-11-12",
        author="示例眼科医生",
        email="eye@example.invalid",
    )
    text = cli(
        "review", "report", "--base", "main", "--format", "markdown", "--today", TODAY
    ).output
    section = text[text.index("### `pink-eye`") : text.index("### `stye`")]
    assert "signed off in the same commit that changed the content" in section
    assert "author and the reviewer should be different people" in section
    assert "same commit" not in text[text.index("### `stye`") :]


def test_review_report_sign_off_by_someone_else_is_not_noted(
    kb: Path, pull_request: Path, cli: Callable[..., Result]
) -> None:
    edit(kb / "conditions" / "pink-eye.yaml", "第二段:多休息。", "第二段:多休息,少看屏幕。")
    assert (
        cli("review", "approve", "pink-eye", "--by", "dr-eye", "--today", "2026-11-12").exit_code
        == 0
    )
    commit(pull_request, "edit, signed off by the reviewer", day="2026-11-12")  # author: Author A
    text = cli("review", "report", "--base", "main", "--today", TODAY).output
    assert "same commit" not in text


def test_review_report_bad_base_says_what_to_do(
    kb: Path, pull_request: Path, cli: Callable[..., Result]
) -> None:
    result = cli("review", "report", "--base", "no-such-branch")
    assert result.exit_code == 1 and "'no-such-branch' is not a revision" in result.output
    assert "fetch-depth: 0" in result.output


def template_commands(path: Path) -> list[str]:
    """Every `kbtool ...` command line in a CI template's shell steps."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scripts: list[str] = []
    if "jobs" in data:
        for job in data["jobs"].values():
            scripts += [step["run"] for step in job["steps"] if "run" in step]
    else:
        for job in data.values():
            scripts += [
                line
                for key in ("before_script", "script", "after_script")
                for line in job.get(key, [])
            ]
    return [
        line.strip()
        for script in scripts
        for line in script.split("\n")
        if line.strip().startswith("kbtool ")
    ]


@pytest.mark.parametrize(
    ("template", "variables"),
    [
        ("github-actions.yml", {"BASE_REF": "main"}),
        ("gitlab-ci.yml", {}),
    ],
)
def test_ci_templates_commands_run_on_a_pull_request(
    kb: Path,
    pull_request: Path,
    cli: Callable[..., Result],
    template: str,
    variables: dict[str, str],
) -> None:
    git(pull_request, "branch", "-q", "-f", "origin/main", "main")  # what CI's checkout fetches
    variables = {
        **variables,
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": git(pull_request, "rev-parse", "main").strip(),
    }
    commands = template_commands(ROOT / "examples" / "ci" / template)
    assert any(c.startswith("kbtool check") for c in commands)
    assert any(c.startswith("kbtool review report") for c in commands)
    for command in commands:
        line = command.split(" || ")[0]
        line, _, target = line.partition(" > ")
        for name, value in variables.items():
            line = line.replace(f"${name}", value)
        result = cli(*shlex.split(line)[1:], "--today", TODAY)
        assert result.exit_code in (0, 1), (command, result.output)
        assert "Error:" not in result.output, (command, result.output)
        if "report" in line:
            assert target == "review-report.md"
            assert "| `stye` 标题 stye | modified | changed since sign-off |" in result.output
        elif "--format github" in line:
            assert re.search(
                r"^::error file=kb/conditions/stye.yaml,line=\d+", result.output, re.MULTILINE
            )
        else:
            assert "kb/conditions/stye.yaml:" in result.output


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ([], [("2026-07-01", True)], "2026-07-01"),  # the other side changed
        ([("2026-07-03", True)], [("2026-07-01", True)], None),  # ...and this side caught up
        ([("2026-07-01", True)], [("2026-07-03", True)], None),  # this side led, the other followed
        ([("2026-07-01", True)], [], None),  # the other side must catch up
        ([], [("2026-07-01", False)], None),  # re-signed without a change
        ([("2026-07-03", True)], [("2026-07-01", True), ("2026-08-01", True)], "2026-08-01"),
    ],
)
def test_which_side_of_a_translation_waits(
    mine: list[tuple[str, bool]], theirs: list[tuple[str, bool]], expected: str | None
) -> None:
    from kbtool.review.drift import _waiting_since

    assert _waiting_since(mine, theirs) == expected
