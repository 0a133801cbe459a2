"""Review workflow: states, sign-off bound to content, the queue, diffs since sign-off."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from kbtool.loader import load_entry
from kbtool.review.state import fingerprint, review_state
from tests.helpers import entry_data, write_entry, write_raw

ODD_FILE = """\
# Sample data for kbtool: fictional reviewer.
# Keep this comment.
id: flu   # the page address
type: condition
lang: zh
title: '流行性感冒(流感)'
aliases: [流感, "influenza", 'flu']
summary: >-
  流感是由流感病毒引起的急性呼吸道感染,
  大多数人一周左右好转。

body: |
  ## 常见表现

  - 发热、头痛、肌肉酸痛
  - 咳嗽、咽痛

      indented code-like line kept as is


red_flags:
-   when: "呼吸困难或胸痛"
    urgency:   emergency
    action: 立即拨打 120。
review:
    # the paper form is in the ward office
    reviewed_by: "示例医生甲(虚构示例数据)"
    reviewed_on: 2025-01-10   # first sign-off
# trailing comment after the review block
tags:
  - 呼吸道
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def load(path: Path):  # type: ignore[no-untyped-def]
    entry, problems = load_entry(path)
    assert entry is not None, problems
    return entry


@pytest.mark.parametrize(
    ("review", "today", "expected"),
    [
        (None, "2026-11-22", "draft"),
        ({"reviewed_by": "A"}, "2026-11-22", "draft"),
        (
            {"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2027-01-01"},
            "2026-11-22",
            "current",
        ),
        (
            {"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2026-12-22"},
            "2026-11-22",
            "due-soon",
        ),
        (
            {"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2026-12-23"},
            "2026-11-22",
            "current",
        ),
        (
            {"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2026-11-22"},
            "2026-11-22",
            "due-soon",
        ),
        (
            {"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2026-11-21"},
            "2026-11-22",
            "overdue",
        ),
        (
            {
                "reviewed_by": "A",
                "reviewed_on": "2026-01-01",
                "next_review": "2027-01-01",
                "fingerprint": "sha256:" + "0" * 64,
            },
            "2026-11-22",
            "changed",
        ),
        (
            {
                "reviewed_by": "A",
                "reviewed_on": "2026-01-01",
                "next_review": "2026-02-01",
                "fingerprint": "sha256:" + "0" * 64,
            },
            "2026-11-22",
            "changed",
        ),  # changed wins over overdue
    ],
)
def test_state_on_a_fixed_day(kb: Path, review: dict | None, today: str, expected: str) -> None:
    path = write_entry(kb, entry_data("flu", review=review))
    assert review_state(load(path), dt.date.fromisoformat(today)) == expected


def test_due_soon_window_is_configurable(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(
        kb,
        entry_data(
            "flu",
            review={"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2027-01-15"},
        ),
    )
    assert cli_json("review", "status", "--today", "2026-11-22")[1]["counts"]["current"] == 1
    write_raw(kb, "kbtool.yaml", "review:\n  due_soon_days: 60\n")
    assert cli_json("review", "status", "--today", "2026-11-22")[1]["counts"]["due-soon"] == 1


def test_fingerprint_ignores_layout_but_not_text(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text(
        "id: flu\ntitle: 流感\nbody: |\n  第一行\n  第二行\nreview:\n  reviewed_on: 2026-01-01\n",
        encoding="utf-8",
    )
    second = tmp_path / "b.yaml"
    second.write_text(
        'review: {reviewed_on: 2027-01-01}\nbody: |-\n    第一行\n    第二行\ntitle: "流感"\nid: flu\n',
        encoding="utf-8",
    )
    assert fingerprint(load(first).data) == fingerprint(load(second).data)
    third = tmp_path / "c.yaml"
    third.write_text("id: flu\ntitle: 流感\nbody: |\n  第一行\n  第二行。\n", encoding="utf-8")
    assert fingerprint(load(first).data) != fingerprint(load(third).data)


def test_approve_keeps_the_rest_of_the_file_byte_identical(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_raw(kb, "conditions/flu.yaml", ODD_FILE)
    result = cli(
        "review",
        "approve",
        "flu",
        "--by",
        "示例医生乙(呼吸科,虚构)",
        "--today",
        "2026-11-22",
        "--interval",
        "12m",
    )
    assert result.exit_code == 0, result.output
    after = path.read_text(encoding="utf-8")
    expected = ODD_FILE.replace('"示例医生甲(虚构示例数据)"', "示例医生乙(呼吸科,虚构)").replace(
        "2025-01-10   # first sign-off",
        "2026-11-22   # first sign-off\n    next_review: 2027-11-22\n    fingerprint: "
        + fingerprint(load(path).data),
    )
    assert after == expected
    assert review_state(load(path), dt.date(2026, 11, 22)) == "current"


def test_approve_appends_a_review_block_and_keeps_crlf_and_bom(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    original = (
        "id: flu\r\ntype: condition\r\nlang: zh\r\ntitle: 流感\r\nsummary: 说明。\r\nbody: 正文\r\n"
    )
    path = write_raw(kb, "conditions/flu.yaml", b"\xef\xbb\xbf" + original.encode("utf-8"))
    result = cli(
        "review",
        "approve",
        "flu",
        "--by",
        "A",
        "--today",
        "2026-11-22",
        "--next-review",
        "2027-05-01",
    )
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + original.encode("utf-8"))
    assert raw.endswith(
        b"review:\r\n  reviewed_by: A\r\n  reviewed_on: 2026-11-22\r\n  next_review: 2027-05-01\r\n"
        b"  fingerprint: " + fingerprint(load(path).data).encode() + b"\r\n"
    )


def test_default_interval_per_type_from_config(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("hours", "faq"))
    write_entry(kb, entry_data("chest-pain", "referral"))
    write_raw(kb, "kbtool.yaml", "review:\n  intervals_months:\n    referral: 6\n")
    _, faq = cli_json("review", "approve", "hours", "--by", "A", "--today", "2026-01-31")
    _, referral = cli_json("review", "approve", "chest-pain", "--by", "A", "--today", "2026-01-31")
    assert faq["review"]["next_review"] == "2028-01-31"
    assert referral["review"]["next_review"] == "2026-07-31"


def test_approve_is_refused_for_an_entry_with_errors(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu", related=["no-such-entry"], body="见<b>这里</b>"))
    before = path.read_bytes()
    result = cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-22")
    assert result.exit_code == 1
    assert "cannot be signed off" in result.output and "[related-missing]" in result.output
    assert "[raw-html]" in result.output and "nothing was changed" in result.output
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interval", "soon"], "is not an interval"),
        (["--next-review", "2026-11-01"], "must be after"),
        (["--next-review", "2026-13-01"], "is not a date"),
        (["--interval", "12m", "--next-review", "2027-01-01"], "not both"),
        (["--interval", "20y"], "more than 5 years"),
    ],
)
def test_approve_bad_dates(kb: Path, cli, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu"))
    before = path.read_bytes()
    result = cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-22", *args)
    assert result.exit_code in (1, 2) and message in result.output
    assert path.read_bytes() == before


def test_approve_replaces_a_broken_review_block_but_not_other_schema_errors(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    broken = {"reviewed_by": 123, "reviewed_on": "2025-01-01", "next_review": "2026-01-01"}
    path = write_entry(kb, entry_data("flu", review=broken))
    assert "[schema]" in cli("check", "--today", "2026-11-22").output
    result = cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "reviewed_by: A" in path.read_text("utf-8")
    other = write_entry(kb, entry_data("cold", review=broken, colour="red"))
    before = other.read_bytes()
    refused = cli("review", "approve", "cold", "--by", "A", "--today", "2026-11-22")
    assert refused.exit_code == 1 and "unknown field 'colour'" in refused.output
    assert "reviewed_by" not in refused.output  # the review block's own problem is not listed
    assert other.read_bytes() == before


def test_approve_unknown_entry(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("influenza"))
    result = cli("review", "approve", "influenz", "--by", "A")
    assert result.exit_code == 1 and "did you mean: influenza" in result.output


def test_check_warns_on_changed_and_overdue_and_strict_fails(kb: Path, cli, cli_json) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu"))
    write_entry(
        kb,
        entry_data(
            "cold",
            review={"reviewed_by": "A", "reviewed_on": "2025-01-01", "next_review": "2026-01-01"},
        ),
    )
    assert cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-01").exit_code == 0
    path.write_text(
        path.read_text(encoding="utf-8").replace("第二段。", "第二段,已修改。"), encoding="utf-8"
    )
    code, data = cli_json("check", "--today", "2026-11-22")
    codes = {p["entry"]: p["code"] for p in data["problems"]}
    assert code == 0 and codes == {"flu": "changed", "cold": "overdue"}
    assert cli("check", "--today", "2026-11-22", "--strict").exit_code == 1


def test_status_queue_order_counts_and_json_shape(kb: Path, cli, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(
        kb,
        entry_data(
            "a-current",
            specialty="妇科",
            review={"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2027-06-01"},
        ),
    )
    write_entry(
        kb,
        entry_data(
            "b-overdue",
            specialty="妇科",
            review={"reviewed_by": "A", "reviewed_on": "2025-01-01", "next_review": "2026-01-01"},
        ),
    )
    write_entry(
        kb,
        entry_data(
            "c-due",
            specialty="眼科",
            review={"reviewed_by": "A", "reviewed_on": "2026-01-01", "next_review": "2026-12-01"},
        ),
    )
    write_entry(
        kb,
        entry_data(
            "d-draft",
            wording_exceptions=[{"rule": "zh-superlative", "reason": "quoting a guideline title"}],
        ),
    )
    code, data = cli_json("review", "status", "--today", "2026-11-22")
    assert code == 0
    assert list(data)[:3] == ["today", "counts", "specialties"] and "entries" in data
    assert data["counts"] == {"changed": 0, "overdue": 1, "due-soon": 1, "draft": 1, "current": 1}
    assert [e["id"] for e in data["entries"]] == ["b-overdue", "c-due", "d-draft", "a-current"]
    first = data["entries"][0]
    assert list(first)[:7] == [
        "id",
        "title",
        "state",
        "reviewed_by",
        "reviewed_on",
        "next_review",
        "file",
    ]
    assert first["file"] == "kb/conditions/b-overdue.yaml"
    assert data["specialties"]["妇科"]["overdue"] == 1
    draft = next(e for e in data["entries"] if e["id"] == "d-draft")
    assert draft["wording_exceptions"] == [
        {"rule": "zh-superlative", "reason": "quoting a guideline title"}
    ]
    text = cli("review", "status", "--today", "2026-11-22").output
    assert "wording exception zh-superlative: quoting a guideline title" in text
    _, only_gyn = cli_json("review", "status", "--today", "2026-11-22", "--specialty", "妇科")
    assert [e["id"] for e in only_gyn["entries"]] == ["b-overdue", "a-current"]
    _, soon = cli_json("review", "status", "--today", "2026-11-22", "--due-within", "30")
    assert [e["id"] for e in soon["entries"]] == ["b-overdue", "c-due"]
    _, drafts = cli_json("review", "status", "--today", "2026-11-22", "--state", "draft")
    assert [e["id"] for e in drafts["entries"]] == ["d-draft"]


def test_review_diff_shows_the_changed_paragraph(kb: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "Test")
    path = write_entry(
        kb, entry_data("flu", body="## 说明\n\n第一段保持不变。\n\n第二段:多喝水。\n")
    )
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "draft")
    assert cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-01").exit_code == 0
    git(tmp_path, "commit", "-qam", "sign off")
    path.write_text(
        path.read_text(encoding="utf-8").replace("第二段:多喝水。", "第二段:多喝温水,注意休息。"),
        encoding="utf-8",
    )
    git(tmp_path, "commit", "-qam", "edit without review")
    result = cli("review", "diff", "flu")
    assert result.exit_code == 0, result.output
    assert "== body (changed) ==" in result.output
    assert "-第二段:多喝水。" in result.output and "+第二段:多喝温水,注意休息。" in result.output
    assert "第一段保持不变" not in result.output.replace(
        " 第一段保持不变", ""
    )  # only context, not a change
    assert "summary" not in result.output


def test_review_diff_outside_git_says_so(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu"))
    assert cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-01").exit_code == 0
    result = cli("review", "diff", "flu")
    assert result.exit_code == 1 and "not in a git repository" in result.output


def test_review_diff_without_signed_off_revision(kb: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    git(tmp_path, "init", "-q")
    write_entry(kb, entry_data("flu"))
    assert cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-01").exit_code == 0
    result = cli("review", "diff", "flu")
    assert result.exit_code == 1 and "no committed version" in result.output


def test_several_reviewers_are_written_as_a_block_list(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_raw(
        kb,
        "conditions/flu.yaml",
        "id: flu\ntype: condition\nlang: zh\ntitle: 流感\nsummary: 说明。\n"
        "body: 正文\nreview:\n  reviewed_by:\n    - 甲\n  reviewed_on: 2025-01-01  # old\n",
    )
    result = cli(
        "review",
        "approve",
        "flu",
        "--by",
        "示例医生甲(虚构)",
        "--by",
        "示例医生乙(虚构)",
        "--today",
        "2026-11-22",
        "--next-review",
        "2027-11-01",
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert (
        "review:\n  reviewed_by:\n    - 示例医生甲(虚构)\n    - 示例医生乙(虚构)\n  reviewed_on: 2026-11-22  # old\n"
        "  next_review: 2027-11-01\n  fingerprint: sha256:" in text
    )


def test_approve_is_blocked_by_a_wording_error(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = write_entry(kb, entry_data("flu", summary="三个疗程保证治愈。"))
    result = cli("review", "approve", "flu", "--by", "A", "--today", "2026-11-22")
    assert result.exit_code == 1 and "[zh-guarantee-cure]" in result.output
    assert "review" not in path.read_text(encoding="utf-8")
