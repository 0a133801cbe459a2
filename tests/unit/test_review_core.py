"""Review core pieces that take plain data: states from a review block, what a sign-off
replaces, and old revisions read from bytes exactly as current files are."""

from __future__ import annotations

import datetime as dt

import pytest

from kbtool.loader import MAX_FILE_BYTES, entry_data_from_bytes
from kbtool.model import Problem
from kbtool.review.approve import _fixed_by_signoff
from kbtool.review.state import state_of_review

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("review", "changed", "expected"),
    [
        ({}, False, "draft"),
        ({"next_review": "2027-06-01"}, True, "draft"),  # never signed off: a draft first
        ({"reviewed_on": "2026-01-01", "next_review": "2027-06-01"}, True, "changed"),
        ({"reviewed_on": "2026-01-01", "next_review": "2026-11-01"}, False, "overdue"),
        ({"reviewed_on": "2026-01-01", "next_review": "2026-12-10"}, False, "due-soon"),
        ({"reviewed_on": "2026-01-01", "next_review": "2027-06-01"}, False, "current"),
        ({"reviewed_on": "2026-01-01"}, False, "overdue"),  # no next review date
    ],
)
def test_state_of_a_review_block(review: dict[str, str], changed: bool, expected: str) -> None:
    assert state_of_review(review, TODAY, 30, changed=changed) == expected


def test_a_sign_off_replaces_problems_in_the_review_block_by_code_and_field() -> None:
    def problem(code: str, message: str, field: str | None = None) -> Problem:
        return Problem("kb/conditions/flu.yaml", 3, 1, "error", code, message, "flu", field)

    assert _fixed_by_signoff(problem("review-date", "any wording"))
    assert _fixed_by_signoff(problem("schema", "reworded: the reviewer must be text", "review"))
    assert not _fixed_by_signoff(problem("schema", "'review' in a message is not enough", "title"))
    assert not _fixed_by_signoff(problem("related-missing", "'review' ...", None))


def test_entry_data_from_bytes_reads_old_revisions_like_current_files() -> None:
    assert entry_data_from_bytes("id: flu\ntitle: 流感\n".encode(), "flu.yaml") == {
        "id": "flu",
        "title": "流感",
    }
    assert entry_data_from_bytes(b"id: &a flu\ntitle: *a\n", "flu.yaml") is None  # no aliases
    assert entry_data_from_bytes(b"id: !!python/name:os.system x\n", "flu.yaml") is None
    assert entry_data_from_bytes(b"id: flu\n" + b"#" * MAX_FILE_BYTES, "flu.yaml") is None
    assert entry_data_from_bytes(b"\xff\xfe", "flu.yaml") is None


def test_the_fingerprint_of_text_with_odd_whitespace_is_the_one_stored_at_sign_off() -> None:
    """Sign-offs stored in KBs must keep matching: the normalisation (trailing spaces of every
    line, Unicode spaces, CRLF remains, one-line values) gives the fingerprint it always gave."""
    from kbtool.review.state import fingerprint

    data = {
        "id": "x",
        "title": "  标题\u3000 ",
        "summary": "one line \t ",
        "body": "a  \r\nb\t\n\u3000c \u2003\n\n  indented\n",
        "red_flags": [{"when": "x\u2003", "urgency": "urgent", "n": 3}],
        "review": {"reviewed_on": "2026-01-01"},
    }
    assert fingerprint(data) == (
        "sha256:cac256f395096294e92bc0d7451c497bdb08007319f90e7df1c79176cd2ae1ab"
    )
