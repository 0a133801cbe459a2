"""Declaring a field in the schema and the field registry is the whole change it needs.

The test declares two optional fields the way CONTRIBUTING.md says: a patient-facing list
(published, wording-checked, indexed) and a staff-only note. Both are then validated, checked,
indexed for staff and shown to staff; only the patient-facing one reaches the built site, and an
`x-` field never does."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kbtool import fields, validate
from kbtool.cli import main
from kbtool.fields import Field
from kbtool.publish.sitesearch import INDEX_FILE
from kbtool.web.app import create_app
from kbtool.web.live import LiveKb
from tests.helpers import entry_data, write_entry

TODAY = "2026-11-22"
REVIEW = {"reviewed_by": "示例医生(虚构)", "reviewed_on": "2026-01-10", "next_review": "2027-06-01"}
WHAT_TO_BRING = Field(
    "what_to_bring",
    "array",
    "patients",
    published=True,
    wording=True,
    staff_index="body",
    site_index="body",
    label_en="What to bring",
    label_zh="就诊需携带",
    own_layout=False,
)
BILLING_CODE = Field(
    "billing_code",
    "string",
    "staff",
    role="notes",
    staff_index="body",
    label_en="Billing code",
    label_zh="收费编码",
    own_layout=False,
)
SCHEMA_PROPERTIES = {
    "what_to_bring": {
        "description": "What the patient brings to the appointment.",
        "type": "array",
        "items": {"type": "string", "minLength": 1},
    },
    "billing_code": {"description": "Internal billing code.", "type": "string", "minLength": 1},
}


@pytest.fixture
def declared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The two fields declared in the schema and the registry, as a contributor would."""
    schema = copy.deepcopy(validate.entry_schema())
    schema["properties"].update(SCHEMA_PROPERTIES)
    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, WHAT_TO_BRING, BILLING_CODE))
    monkeypatch.setattr(validate, "entry_schema", lambda: schema)
    validate._validator.cache_clear()
    validate._fast_validator.cache_clear()
    yield
    validate._validator.cache_clear()
    validate._fast_validator.cache_clear()


def make_kb(root: Path, **extra: Any) -> Path:
    kb = root / "kb"
    kb.mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    data = entry_data(
        "knee-xray",
        title="膝关节X光检查",
        review=dict(REVIEW),
        staff_notes="STAFF-NOTE-MARKER",
        **extra,
    )
    write_entry(kb, data)
    return kb


def run(kb: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["--kb", str(kb), *args])
    assert "Traceback" not in result.output
    return result


def test_an_undeclared_field_is_refused(tmp_path: Path) -> None:
    kb = make_kb(tmp_path, billing_code="B-1")
    result = run(kb, "check")
    assert result.exit_code == 1
    assert "unknown field 'billing_code'" in result.output and "knee-xray.yaml:" in result.output


def test_a_declared_field_is_validated_and_wording_checked(declared: None, tmp_path: Path) -> None:
    kb = make_kb(tmp_path, billing_code="B-1", what_to_bring=["医保卡"])
    assert run(kb, "check").exit_code == 0

    (kb / "conditions" / "knee-xray.yaml").unlink()
    write_entry(kb, entry_data("knee-xray", what_to_bring="医保卡"))
    result = run(kb, "check")
    assert result.exit_code == 1
    assert "'what_to_bring' should be a list" in result.output

    write_entry(kb, entry_data("knee-xray", what_to_bring=["医保卡<script>x()</script>"]))
    result = run(kb, "check")
    assert result.exit_code == 1 and "[raw-html]" in result.output

    write_entry(kb, entry_data("knee-xray", what_to_bring=["带上医保卡，保证一次治好"]))
    result = run(kb, "check")
    assert result.exit_code == 1
    line = next(
        line for line in result.output.splitlines() if "what_to_bring" in line or "保证" in line
    )
    assert "knee-xray.yaml:" in line


def test_only_the_published_field_reaches_the_site(declared: None, tmp_path: Path) -> None:
    kb = make_kb(
        tmp_path,
        what_to_bring=["医保卡", "BRING-MARKER & more"],
        billing_code="BILLING-SECRET",
        **{"x-owner": "X-FIELD-SECRET"},
    )
    out = tmp_path / "site"
    result = run(kb, "build", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output

    built = {
        path: path.read_bytes().decode("utf-8", "replace")
        for path in out.rglob("*")
        if path.is_file()
    }
    for secret in ("BILLING-SECRET", "X-FIELD-SECRET", "STAFF-NOTE-MARKER", "billing_code"):
        assert not [str(path) for path, text in built.items() if secret in text], secret

    page = next(
        text for path, text in built.items() if path.name == "index.html" and "BRING-MARKER" in text
    )
    assert "就诊需携带" in page and "BRING-MARKER &amp; more" in page
    api = json.loads((out / "api" / "entries" / "knee-xray.json").read_text("utf-8"))
    assert api["what_to_bring"] == ["医保卡", "BRING-MARKER & more"]
    # the site's search index (the theme's own index holds no page text: kbtool's serves the box)
    terms = json.loads((out / INDEX_FILE).read_text("utf-8"))["terms"].split("\n")
    assert "marker" in terms


def test_both_fields_are_searchable_and_shown_to_staff(declared: None, tmp_path: Path) -> None:
    kb = make_kb(tmp_path, what_to_bring=["既往片子"], billing_code="KX-2049")
    for query in ("既往片子", "KX-2049"):
        result = run(kb, "search", query, "--json")
        assert result.exit_code == 0, result.output
        assert [hit["id"] for hit in json.loads(result.output)["results"]][:1] == ["knee-xray"], (
            query
        )

    live = LiveKb(
        kb, tmp_path / "cache", today=lambda: dt.date.fromisoformat(TODAY), poll_seconds=3600
    )
    try:
        client = create_app(live, gap_log=tmp_path / "gaps.log").test_client()
        page = client.get("/entries/knee-xray").get_data(as_text=True)
        english = client.get("/entries/knee-xray?lang=en").get_data(as_text=True)
        data = client.get("/api/entries/knee-xray").get_json()
    finally:
        live.stop()
    assert "就诊需携带" in page and "既往片子" in page and "收费编码" in page and "KX-2049" in page
    assert "What to bring" in english and "Billing code" in english
    assert [item["name"] for item in data["more_fields"]] == ["what_to_bring", "billing_code"]
