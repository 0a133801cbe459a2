"""Follow-up calls (回访): the schema fields, the wording check, sign-off, diff, the call script
and the list of incomplete scripts."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.helpers import entry_data, write_entry, write_raw

SIGNED = {
    "reviewed_by": "示例医生甲(虚构示例数据)",
    "reviewed_on": "2026-01-10",
    "next_review": "2027-06-01",
}
FLAGS = [
    {
        "when": "发热或伤口流脓",
        "urgency": "urgent",
        "action": "当天就诊。",
        "ask": "有没有发热，伤口有没有流脓？",
    },
    {"when": "复查时间到了", "urgency": "routine", "action": "预约门诊复查。"},
    {
        "when": "出血不止或头晕晕倒",
        "urgency": "emergency",
        "action": "立即拨打 120 或去最近的急诊。",
        "ask": "出血有没有止不住，有没有头晕或晕倒？",
    },
]
CALLBACK = {
    "days": [7, 1, 30],
    "remind": ["按时复查。", "伤口愈合前不要泡澡。"],
    "notes": "只与患者本人沟通。",
}


def after_op(**fields: Any) -> dict[str, Any]:
    base = {"title": "术后护理", "red_flags": FLAGS, "callback": CALLBACK, "review": SIGNED}
    return entry_data("after-op", "aftercare", **{**base, **fields})


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def codes(problems: list[dict[str, Any]]) -> list[str]:
    return [p["code"] for p in problems]


def test_ask_and_callback_pass_the_check(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, after_op())
    code, report = cli_json("check", "--today", "2026-11-22")
    assert code == 0 and [p for p in report["problems"] if p["severity"] == "error"] == []


def test_callback_is_only_for_aftercare(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, entry_data("flu", callback={"days": [3]}))
    code, report = cli_json("check", "--today", "2026-11-22")
    problem = next(p for p in report["problems"] if p["code"] == "callback-type")
    assert code == 1 and problem["file"] == "kb/conditions/flu.yaml" and problem["line"] is not None
    assert "only for aftercare" in problem["message"]


def test_bad_callback_fields_say_what_to_write(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_raw(
        kb,
        "aftercare/after-op.yaml",
        "id: after-op\ntype: aftercare\nlang: zh\ntitle: 术后\nsummary: 说明。\nbody: 正文\n"
        "red_flags:\n  - when: 发热\n    urgency: urgent\n    action: 当天就诊。\n    aks: 有没有发热？\n"
        "callback:\n  days: [0, 7, 7]\n  remnd: [按时复查。]\n",
    )
    code, report = cli_json("check", "--today", "2026-11-22")
    messages = [(p["line"], p["message"]) for p in report["problems"] if p["code"] == "schema"]
    assert code == 1

    def on(line: int) -> str:
        return " | ".join(message for at, message in messages if at == line)

    assert "did you mean 'ask'?" in on(11)
    assert "from 1 to 365 days" in on(13) and "lists the same value twice" in on(13)
    assert "did you mean 'remind'?" in on(14)
    write_raw(
        kb,
        "aftercare/after-op.yaml",
        "id: after-op\ntype: aftercare\nlang: zh\ntitle: 术后\nsummary: 说明。\nbody: 正文\n"
        "callback:\n  remind: [按时复查。]\n",
    )
    _, report = cli_json("check", "--today", "2026-11-22")
    assert any("needs 'days:'" in p["message"] for p in report["problems"])


def test_promotional_ask_or_reminder_fails_the_wording_check(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    flags = [{**FLAGS[0], "ask": "伤口还疼吗？本院专家一次根治，保证治愈。"}]
    write_entry(
        kb,
        after_op(red_flags=flags, callback={"days": [1], "remind": ["限时优惠，复查免挂号费。"]}),
    )
    code, report = cli_json("check", "--today", "2026-11-22")
    found = {(p["code"], p["line"]) for p in report["problems"] if p["severity"] == "error"}
    assert code == 1
    assert "zh-guarantee-cure" in {c for c, _ in found} and "zh-price-lure" in {c for c, _ in found}
    text = (kb / "aftercare" / "after-op.yaml").read_text(encoding="utf-8").split("\n")
    cure_line = next(line for c, line in found if c == "zh-guarantee-cure")
    assert "保证治愈" in text[cure_line - 1]
    # staff-only callback notes are not said to patients, so they are not wording-checked
    write_entry(kb, after_op(callback={"days": [1], "notes": "不要说保证治愈之类的话。"}))
    code, report = cli_json("check", "--today", "2026-11-22")
    assert code == 0, report


def test_raw_html_in_a_question_is_an_error(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, after_op(red_flags=[{**FLAGS[0], "ask": "有没有发热<script>x()</script>？"}]))
    code, report = cli_json("check", "--today", "2026-11-22")
    assert code == 1 and "raw-html" in codes(report["problems"])


def test_questions_and_callback_are_part_of_the_sign_off(
    kb: Path, tmp_path: Path, cli, cli_json
) -> None:  # type: ignore[no-untyped-def]
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "Test")
    path = write_entry(kb, after_op(review=None))
    assert (
        cli(
            "review", "approve", "after-op", "--by", "示例医生甲(虚构)", "--today", "2026-11-01"
        ).exit_code
        == 0
    )
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "signed off")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("有没有发热，伤口有没有流脓？", "有没有发烧？").replace("- 30", "- 14"),
        encoding="utf-8",
    )
    _, status = cli_json("review", "status", "--today", "2026-11-22")
    assert status["entries"][0]["state"] == "changed"
    result = cli("review", "diff", "after-op")
    assert result.exit_code == 0, result.output
    assert (
        "== red_flags (changed) ==" in result.output and "== callback (changed) ==" in result.output
    )
    assert (
        "-  ask: 有没有发热，伤口有没有流脓？" in result.output
        and "+  ask: 有没有发烧？" in result.output
    )
    assert "-- 30" in result.output and "+- 14" in result.output


def test_callback_script_text(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, after_op(staff_notes="坐席须知。"))
    result = cli("callback", "after-op", "--day", "7", "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "planned calls, days after the procedure: 1, 7, 30" in out and "this call: day 7" in out
    assert (
        "术后护理" not in out.split("Opening")[1].split("Questions")[0]
    )  # the opener never names it
    assert "第 7 天" in out and "第 30 天左右再给您打电话" in out
    emergency, urgent, routine = (
        out.index(text)
        for text in (
            "出血有没有止不住",
            "有没有发热，伤口有没有流脓",
            "有没有出现这种情况：复查时间到了",
        )
    )
    assert emergency < urgent < routine  # emergency first; an unwritten ask is asked as the sign
    assert "yes: 停止回访，告诉患者现在就拨打 120" in out
    assert "- 伤口愈合前不要泡澡。" in out and "只与患者本人沟通。" in out and "坐席须知。" in out
    assert "1 warning sign without a follow-up question" in out
    for word in ("优惠", "效果好", "预约", "欢迎"):
        assert word not in out.split("Questions")[0] + out.split("Closing")[1].split("Notes")[0]
    other = cli("callback", "after-op", "--day", "5", "--today", "2026-11-22").output
    assert "this call: day 5 (not one of the planned days)" in other and "第 7 天左右" in other


def test_callback_json_shape(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, after_op())
    code, script = cli_json("callback", "after-op", "--today", "2026-11-22")
    assert code == 0
    assert list(script) == [
        "id",
        "title",
        "lang",
        "file",
        "review_state",
        "reviewed_by",
        "reviewed_on",
        "days",
        "day",
        "planned",
        "next_day",
        "check_first",
        "opener",
        "questions",
        "if_emergency",
        "if_unsure",
        "reminders",
        "closing",
        "notes",
        "staff_notes",
        "missing_ask",
    ]
    assert (
        script["days"] == [1, 7, 30]
        and script["day"] is None
        and script["review_state"] == "current"
    )
    assert [q["urgency"] for q in script["questions"]] == ["emergency", "urgent", "routine"]
    assert [q["stop"] for q in script["questions"]] == [True, False, False]
    assert list(script["questions"][0]) == [
        "number",
        "ask",
        "ask_written",
        "when",
        "urgency",
        "action",
        "stop",
    ]
    assert script["missing_ask"] == ["复查时间到了"]


def test_callback_refuses_other_entries_clearly(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, after_op())
    write_entry(kb, entry_data("flu"))
    result = cli("callback", "flu")
    assert result.exit_code == 1 and "aftercare entries" in result.output
    result = cli("callback", "after-opp")
    assert result.exit_code == 1 and "did you mean 'after-op'?" in result.output
    assert cli("callback", "after-op", "--day", "0").exit_code == 2


def test_draft_script_carries_a_warning(kb: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_entry(kb, after_op(review=None))
    assert "DRAFT: not clinically reviewed" in cli("callback", "after-op").output


def test_review_status_lists_incomplete_call_scripts(kb: Path, cli, cli_json) -> None:  # type: ignore[no-untyped-def]
    complete = [{**flag, "ask": flag.get("ask", "到复查时间了吗？")} for flag in FLAGS]
    write_entry(kb, after_op())
    write_entry(
        kb,
        entry_data("done", "aftercare", red_flags=complete, callback={"days": [1]}, review=SIGNED),
    )
    write_entry(kb, entry_data("no-days", "aftercare", red_flags=complete))
    write_entry(kb, entry_data("flu", red_flags=FLAGS[1:2]))  # not aftercare: no call script
    code, listed = cli_json("review", "status", "--callbacks", "--today", "2026-11-22")
    assert code == 0 and listed["count"] == 2
    assert [(e["id"], e["state"], e["missing_ask"], e["days"]) for e in listed["entries"]] == [
        ("no-days", "draft", [], []),
        ("after-op", "current", ["复查时间到了"], [1, 7, 30]),
    ]
    text = cli("review", "status", "--callbacks", "--today", "2026-11-22").output
    assert "no 'ask' for the warning sign: 复查时间到了" in text and "no call days" in text
    assert "done" not in text and "flu" not in text


def test_staff_app_json_twin_agrees_with_the_cli(kb: Path, cli_json) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from kbtool.web.app import create_app
    from kbtool.web.live import LiveKb

    write_entry(kb, after_op(staff_notes="坐席须知。"))
    write_entry(kb, entry_data("flu", review=SIGNED))
    live = LiveKb(kb, kb.parent / "cache", today=lambda: dt.date(2026, 11, 22), poll_seconds=3600)
    try:
        client = create_app(live).test_client()
        for query, args in (("", ()), ("?day=7", ("--day", "7"))):
            response = client.get(f"/api/entries/after-op/callback{query}")
            _, from_cli = cli_json("callback", "after-op", "--today", "2026-11-22", *args)
            assert response.status_code == 200 and response.get_json() == from_cli
        page = client.get("/entries/after-op/callback?day=7")
        html = page.get_data(as_text=True)
        assert (
            page.status_code == 200
            and "出血有没有止不住" in html
            and 'aria-current="page">第 7 天' in html
        )
        assert 'id="callback-link"' in client.get("/entries/after-op").get_data(as_text=True)
        assert 'id="callback-link"' not in client.get("/entries/flu").get_data(as_text=True)
        for path, status, code in (
            ("/api/entries/flu/callback", 404, "not-aftercare"),
            ("/api/entries/nothing/callback", 404, "not-found"),
            ("/api/entries/after-op/callback?day=0", 400, "bad-day"),
            ("/api/entries/after-op/callback?day=x", 400, "bad-day"),
        ):
            response = client.get(path)
            assert response.status_code == status and response.get_json()["error"]["code"] == code
        assert client.get("/entries/flu/callback").status_code == 404
    finally:
        live.stop()
