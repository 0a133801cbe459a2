"""Which entries are published, and which revision: drafts never, changed ones as signed off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kbtool.check import check_kb
from kbtool.model import Entry
from kbtool.publish.select import public_content, select_entries
from kbtool.review.history import HistoryError, Revision
from kbtool.review.state import fingerprint
from tests.helpers import entry_data, write_entry

TODAY = dt.date(2026, 11, 22)
SIGNED = {"reviewed_by": "Dr A (GP)", "reviewed_on": "2026-01-10", "next_review": "2027-01-10"}


def signed(entry_id: str, **fields: Any) -> dict[str, Any]:
    return entry_data(entry_id, review=dict(SIGNED), **fields)


def no_history(entry: Entry) -> Revision | None:
    raise AssertionError("history must only be asked about changed entries")


def select(kb: Path, lookup=no_history, preview: bool = False):  # type: ignore[no-untyped-def]
    return select_entries(check_kb(kb, TODAY), TODAY, lookup, preview)


def test_signed_off_entries_are_published_and_drafts_left_out(kb: Path) -> None:
    write_entry(kb, signed("flu"))
    write_entry(kb, entry_data("draft-one"))
    selection = select(kb)
    assert [item.id for item in selection.published] == ["flu"]
    assert [(item.id, item.reason) for item in selection.left_out] == [("draft-one", "draft")]
    assert "kbtool review approve draft-one" in selection.left_out[0].message


def test_entries_with_errors_are_left_out(kb: Path) -> None:
    write_entry(kb, signed("bad", body="<script>alert(1)</script>"))
    selection = select(kb)
    assert selection.published == []
    assert selection.left_out[0].reason == "errors"
    assert "raw HTML" in selection.left_out[0].message


def test_staff_notes_and_internal_fields_are_never_part_of_the_content(kb: Path) -> None:
    write_entry(
        kb,
        signed(
            "flu",
            staff_notes="SECRET NOTE",
            **{"x-owner": "ward 3"},
            wording_exceptions=[{"rule": "r", "reason": "why"}],
        ),
    )
    item = select(kb).published[0]
    assert "staff_notes" not in item.content and "x-owner" not in item.content
    assert "wording_exceptions" not in item.content and "review" not in item.content
    assert item.review == SIGNED
    assert public_content(
        {"title": "t", "staff_notes": "x", "review": {}, "x-local": 1, "unheard-of": 2}
    ) == {"title": "t"}


def test_states_follow_the_review_dates(kb: Path) -> None:
    write_entry(kb, entry_data("old", review={**SIGNED, "next_review": "2026-06-01"}))
    write_entry(kb, entry_data("soon", review={**SIGNED, "next_review": "2026-12-01"}))
    states = {item.id: item.state for item in select(kb).published}
    assert states == {"old": "overdue", "soon": "due-soon"}


def _changed(kb: Path) -> dict[str, Any]:
    original = signed("flu", body="## Signed\n\nSIGNED TEXT\n")
    original["review"]["fingerprint"] = fingerprint(original)
    edited = {**original, "body": "## Edited\n\nUNREVIEWED TEXT\n"}
    write_entry(kb, edited)
    return original


def test_a_changed_entry_is_published_as_its_signed_off_revision(kb: Path) -> None:
    original = _changed(kb)
    calls = []

    def lookup(entry: Entry) -> Revision:
        calls.append(entry.id)
        return Revision(commit="a" * 40, date="2026-01-10", data=original)

    item = select(kb, lookup).published[0]
    assert calls == ["flu"]
    assert "SIGNED TEXT" in item.content["body"]
    assert item.commit == "a" * 40 and item.state == "current"


def test_a_changed_entry_without_a_signed_off_revision_is_left_out(kb: Path) -> None:
    _changed(kb)
    selection = select(kb, lambda entry: None)
    assert selection.published == []
    assert selection.left_out[0].reason == "changed"
    assert "no committed version matches" in selection.left_out[0].message


def test_a_changed_entry_outside_git_is_left_out_with_the_reason(kb: Path) -> None:
    _changed(kb)

    def lookup(entry: Entry) -> Revision:
        raise HistoryError("not in a git repository")

    left = select(kb, lookup).left_out[0]
    assert left.reason == "changed" and "not in a git repository" in left.message


def test_a_signed_off_revision_with_errors_is_not_published(kb: Path) -> None:
    original = _changed(kb)
    broken = {**original, "body": "<script>alert(1)</script>"}
    left = select(kb, lambda entry: Revision("b" * 40, "2026-01-10", broken)).left_out[0]
    assert left.reason == "changed" and "cannot be published" in left.message


def test_preview_shows_drafts_and_changes_under_banners(kb: Path) -> None:
    _changed(kb)
    write_entry(kb, entry_data("draft-one"))
    selection = select(kb, preview=True)
    banners = {item.id: item.banner for item in selection.published}
    assert banners == {"draft-one": "draft", "flu": "changed"}
    flu = next(item for item in selection.published if item.id == "flu")
    assert "UNREVIEWED TEXT" in flu.content["body"]


@pytest.mark.parametrize("reserved", ["index"])
def test_ids_that_cannot_be_page_addresses_are_left_out(kb: Path, reserved: str) -> None:
    write_entry(kb, signed(reserved))
    assert select(kb).left_out[0].reason == "reserved-id"
