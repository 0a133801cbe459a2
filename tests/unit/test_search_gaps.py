"""The content-gap log: masking numbers, appending, summarising by frequency."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kbtool.search.gaps import loggable, mask_numbers, read_gaps, record_gap, summarize


@pytest.mark.parametrize(
    "typed, logged",
    [
        ("13812345678 宫外孕", "*********** 宫外孕"),
        ("电话138-1234-5678问医保", "电话***-****-****问医保"),
        ("+86 138 1234 5678", "+** *** **** ****"),
        ("身份证11010519491231002X能挂号吗", "身份证******************能挂号吗"),
        ("座机 8765 4321", "座机 **** ****"),
        ("１３８１２３４５６７８", "***********"),
    ],
)
def test_phone_and_id_numbers_are_masked(typed: str, logged: str) -> None:
    assert loggable(typed) == logged


@pytest.mark.parametrize(
    "text", ["发烧 38.5 度", "拨打 120", "怀孕 6 周", "72 小时内", "HPV 9价", "2026年"]
)
def test_short_numbers_are_kept(text: str) -> None:
    assert mask_numbers(text) == text


def test_gaps_are_appended_with_time_and_masked_query_only(tmp_path: Path) -> None:
    log = tmp_path / "cache" / "search-gaps.jsonl"
    when = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
    record_gap(log, "狂犬疫苗 13812345678", when)
    record_gap(log, "  狂犬疫苗   13999999999 ", when + dt.timedelta(hours=1))
    lines = log.read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"time": "2026-11-20T09:30:00+00:00", "query": "狂犬疫苗 ***********"},
        {"time": "2026-11-20T10:30:00+00:00", "query": "狂犬疫苗 ***********"},
    ]


def test_summary_counts_by_query_most_frequent_first(tmp_path: Path) -> None:
    log = tmp_path / "gaps.jsonl"
    base = dt.datetime(2026, 11, 1, 8, 0)
    for day, query in [
        (1, "狂犬疫苗"),
        (2, "Rabies  vaccine"),
        (3, "狂犬疫苗"),
        (5, "rabies vaccine"),
        (6, "狂犬疫苗"),
        (7, "纹身"),
    ]:
        record_gap(log, query, base + dt.timedelta(days=day))
    with log.open("a", encoding="utf-8") as handle:
        handle.write('not json\n{"time": 1}\n')
    summary = summarize(read_gaps(log))
    assert [(s.query, s.count) for s in summary] == [
        ("狂犬疫苗", 3),
        ("rabies vaccine", 2),
        ("纹身", 1),
    ]
    assert (
        summary[0].first_seen == "2026-11-02T08:00:00"
        and summary[0].last_seen == "2026-11-07T08:00:00"
    )
    recent = summarize(read_gaps(log), since=dt.date(2026, 11, 6))
    assert [(s.query, s.count) for s in recent] == [
        ("rabies vaccine", 1),
        ("狂犬疫苗", 1),
        ("纹身", 1),
    ]


def test_missing_log_means_no_gaps(tmp_path: Path) -> None:
    assert read_gaps(tmp_path / "none.jsonl") == []


def test_gaps_logged_in_utc_and_local_time_are_read_in_local_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        log = tmp_path / "gaps.jsonl"
        # the staff app logs UTC; the CLI logs local time with its offset
        record_gap(
            log, "狂犬疫苗", dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
        )  # 1 Dec 07:30 here
        shanghai = dt.timezone(dt.timedelta(hours=8))
        record_gap(log, "狂犬疫苗", dt.datetime(2026, 12, 1, 6, 0, tzinfo=shanghai))  # earlier
        (summary,) = summarize(read_gaps(log))
        assert summary.first_seen == "2026-12-01T06:00:00+08:00"
        assert summary.last_seen == "2026-12-01T07:30:00+08:00"
        assert summarize(read_gaps(log), since=dt.date(2026, 12, 1))[0].count == 2
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
