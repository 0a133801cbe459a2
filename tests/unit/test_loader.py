"""The loader keeps positions, and no input at all makes it raise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbtool.check import check_kb
from kbtool.loader import load_entry

SOURCE = """\
# a comment
id: flu
title: 流行性感冒
summary: >-
  流感是由流感病毒引起的
  急性呼吸道感染。
body: |
  ## 常见表现

  - 发热
  - 咳嗽和咽痛
red_flags:
  - when: 呼吸困难
    urgency: emergency
    action: 立即拨打 120。
"""


def test_positions_of_values_keys_and_list_items(tmp_path: Path) -> None:
    path = tmp_path / "flu.yaml"
    path.write_text(SOURCE, encoding="utf-8")
    entry, problems = load_entry(path)
    assert problems == [] and entry is not None
    assert entry.position(("title",)) == (3, 8)
    assert entry.key_position(("body",)) == (7, 1)
    assert entry.position(("red_flags", 0, "action")) == (15, 13)
    assert entry.position(("no-such-field",)) == (2, 1)  # the start of the entry itself


def test_locate_inside_literal_and_folded_blocks(tmp_path: Path) -> None:
    path = tmp_path / "flu.yaml"
    path.write_text(SOURCE, encoding="utf-8")
    entry, _ = load_entry(path)
    assert entry is not None
    body = entry.data["body"]
    assert entry.locate(("body",), body.index("咳嗽"), 2) == (11, 5)
    summary = entry.data["summary"]
    assert entry.locate(("summary",), summary.index("急性"), 2) == (6, 3)


def test_dates_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "flu.yaml"
    path.write_text("id: flu\nreview:\n  reviewed_on: 2026-03-01\n", encoding="utf-8")
    entry, _ = load_entry(path)
    assert entry is not None and entry.review["reviewed_on"] == "2026-03-01"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_no_input_makes_check_raise(tmp_path: Path, content: bytes | str) -> None:
    kb = tmp_path / "kb"
    (kb / "faq").mkdir(parents=True, exist_ok=True)
    target = kb / "faq" / "fuzz.yaml"
    target.write_bytes(
        content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    )
    result = check_kb(kb, dt.date(2026, 11, 22))
    assert result.files == 1


YAML_FRAGMENTS = st.sampled_from(
    [
        "id: fuzz\n",
        "type: faq\n",
        "lang: zh\n",
        "title: 标题\n",
        "question: 问?\n",
        "summary: 答。\n",
        "body: |\n  ## 说明\n  <b>x</b>\n",
        "related: [a, fuzz]\n",
        "red_flags:\n  - when: x\n    urgency: soon\n",
        "review:\n  reviewed_on: 2026-13-01\n",
        "review: {next_review: 1}\n",
        "tags: 3\n",
        "sources:\n  - url: ftp://x\n",
        "aliases: [1, null]\n",
        "x-local: {a: [1]}\n",
        "body: [1, 2]\n",
        "? [a]\n: b\n",
        "title: &a x\nsummary: *a\n",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(YAML_FRAGMENTS, max_size=8))
def test_no_entry_shape_makes_check_raise(tmp_path: Path, parts: list[str]) -> None:
    kb = tmp_path / "kb"
    (kb / "faq").mkdir(parents=True, exist_ok=True)
    (kb / "faq" / "fuzz.yaml").write_text("".join(parts), encoding="utf-8")
    result = check_kb(kb, dt.date(2026, 11, 22))
    assert result.files == 1
