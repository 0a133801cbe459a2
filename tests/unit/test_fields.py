"""The field registry and the JSON Schema describe the same fields, and the registry is sane."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kbtool import fields
from kbtool.model import ENTRY_TYPES, URGENCIES
from kbtool.validate import entry_schema

ROOT = Path(__file__).resolve().parents[2]


def _schema_types(schema: dict[str, Any]) -> set[str]:
    if "enum" in schema:
        return {"string"}
    if "oneOf" in schema:
        return {option["type"] for option in schema["oneOf"]}
    return {schema["type"]}


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The properties of a block, or of each item of a list of blocks."""
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    return dict(schema.get("properties", {}))


def _pairs(declared: tuple[fields.Field, ...], properties: dict[str, Any], where: str):
    names = [item.name for item in declared]
    assert sorted(names) == sorted(properties), (
        f"{where}: registry {names} vs schema {sorted(properties)}"
    )
    for item in declared:
        yield f"{where}{item.name}", item, properties[item.name]


def _all_pairs():
    for where, item, schema in _pairs(fields.FIELDS, entry_schema()["properties"], ""):
        yield where, item, schema
        yield from _pairs(item.parts, _properties(schema), f"{where}.")


def test_every_schema_field_is_declared_once_with_its_type() -> None:
    pairs = list(_all_pairs())
    assert len(pairs) == sum(1 for _ in fields.walk())
    for where, item, schema in pairs:
        assert item.json_type in _schema_types(schema), where


def test_fields_with_blocks_declare_their_parts() -> None:
    for where, item, schema in _all_pairs():
        assert bool(item.parts) == bool(_properties(schema)), where


def test_the_schema_exists_once() -> None:
    top = ROOT / "schema" / "entry.schema.json"
    packaged = ROOT / "kbtool" / "schema" / "entry.schema.json"
    assert top.resolve() == packaged.resolve() or top.read_bytes() == packaged.read_bytes()
    assert json.loads(packaged.read_text("utf-8")) == entry_schema()


def test_every_required_field_has_a_hint() -> None:
    schema = entry_schema()
    required = set(schema["required"]) | set(schema["then"]["required"])
    for value in schema["properties"].values():
        block = value.get("items", value) if value.get("type") == "array" else value
        required |= set(block.get("required", []))
    assert required <= set(fields.hints())


@pytest.mark.parametrize(("path", "item"), list(fields.walk()), ids=lambda v: str(v))
def test_only_patient_fields_are_published(path: tuple[str, ...], item: fields.Field) -> None:
    if item.published:
        assert item.audience == "patients", path
    if item.site_index:
        assert item.published and item.site_index in fields.SITE_INDEX_FIELDS, path
    if item.staff_index:
        assert item.staff_index in fields.STAFF_INDEX_FIELDS, path
    if len(path) > 1 and item.published and path[0] != "review":
        # only the sign-off's names and dates are shown outside the content, as its notice
        assert fields.field(path[0]).published, f"{path}: a published part of an unpublished field"


def test_text_read_by_patients_is_wording_checked() -> None:
    """Patient text is checked unless it records what people say (aliases) or is a name/link."""
    for path, item in fields.walk():
        if item.audience == "patients" and item.role == "content" and item.json_type == "string":
            if path in (
                ("specialty",),
                ("sources", "title"),
                ("sources", "url"),
                ("red_flags", "urgency"),
            ):
                continue
            assert item.wording, path


def test_the_schema_and_the_shared_vocabulary_agree() -> None:
    properties = entry_schema()["properties"]
    assert properties["type"]["enum"] == list(ENTRY_TYPES)
    assert properties["red_flags"]["items"]["properties"]["urgency"]["enum"] == list(URGENCIES)


def test_review_diff_reads_every_field_content_first_and_identity_last() -> None:
    from kbtool.review.diff import reading_order

    order = reading_order()
    assert sorted(order) == sorted(f.name for f in fields.declared() if f.name != "review")
    assert order[:4] == ["title", "question", "summary", "body"]
    assert order.index("staff_notes") > order.index("sources") and order[-3:] == [
        "id",
        "type",
        "lang",
    ]
