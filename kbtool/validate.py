"""Check each entry against the JSON Schema and say, in plain words, what to change."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from .fields import hints
from .model import Entry, FieldPath, Problem

if TYPE_CHECKING:  # imported when an entry is invalid: a clean check never pays for it
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

FIELD_HINTS: dict[str, str] = hints()
"""What to write for a missing required field, from the field registry (`kbtool/fields.py`)."""

TYPE_WORDS: dict[str, str] = {
    "string": "text",
    "array": "a list (one item per line starting with '- ')",
    "object": "a group of 'field: value' lines indented under it",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


@lru_cache(maxsize=1)
def entry_schema() -> dict[str, Any]:
    """The entry JSON Schema shipped with the package (schema/entry.schema.json in the repo)."""
    text = resources.files("kbtool").joinpath("schema/entry.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(entry_schema())


@lru_cache(maxsize=1)
def _fast_validator() -> Callable[[Any], Any]:
    return fastjsonschema.compile(entry_schema())  # type: ignore[no-any-return]


def schema_problems(entry: Entry) -> list[Problem]:
    """Every schema violation in one entry, as Problems at the line of the offending value.

    A compiled validator answers "valid?" fast for the common case; only an invalid entry
    pays for the full walk that collects every error with its path."""
    try:
        _fast_validator()(entry.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems: list[Problem] = []
    for error in _validator().iter_errors(entry.data):
        problems.extend(_explain(entry, error))
    return problems


def _explain(entry: Entry, error: ValidationError) -> list[Problem]:
    where: FieldPath = tuple(error.absolute_path)
    name = _field_name(where)
    kind = error.validator
    if kind in ("if", "then", "else", "allOf", "anyOf") and error.context:
        return [p for sub in error.context for p in _explain(entry, sub)]
    if kind == "required":
        return [
            _problem(
                entry,
                where,
                f"'{_field_name((*where, missing))}' is required: "
                f"{FIELD_HINTS.get(missing, f'add {missing!r}')}",
                key=False,
            )
            for missing in error.validator_value
            if isinstance(error.instance, dict) and missing not in error.instance
        ]
    if kind == "additionalProperties":
        return [_unknown_field(entry, where, extra) for extra in _extras(error)]
    if (
        kind == "not"
        and where == ()
        and isinstance(error.instance, dict)
        and "question" in error.instance
    ):
        return [
            _problem(
                entry,
                ("question",),
                "'question' is only for FAQ entries: remove it, "
                "or make this an FAQ (type: faq, in the faq/ folder)",
                key=True,
            )
        ]
    return [_problem(entry, where, _describe(name, error), key=False)]


def _describe(name: str, error: ValidationError) -> str:
    kind, value, expected = error.validator, error.instance, error.validator_value
    if kind == "enum":
        choices = ", ".join(str(choice) for choice in expected)
        return f"'{name}' must be one of: {choices} (found {_shown(value)})"
    if kind == "type":
        wanted = TYPE_WORDS.get(str(expected), str(expected))
        return f"'{name}' should be {wanted}, found {_kind_of(value)}"
    if kind == "pattern":
        if name == "id" or name.startswith(("related", "translations")):
            return (
                f"'{name}' must be lowercase letters a-z, digits and single hyphens, "
                f"e.g. 'ectopic-pregnancy' (found {_shown(value)})"
            )
        if name.endswith("url"):
            return f"'{name}' must be a web address starting with http:// or https:// (found {_shown(value)})"
        if name.endswith("fingerprint"):
            return (
                "'review.fingerprint' is damaged: do not edit it by hand; "
                "run 'kbtool review approve' to sign the entry off again"
            )
        if name.endswith("reason"):
            return f"'{name}' is blank: say why this wording is accurate and needed here"
        return f"'{name}' has the wrong form (found {_shown(value)})"
    if kind == "minLength":
        return f"'{name}' is empty: write the text, or remove the field"
    if kind == "maxLength":
        return f"'{name}' is too long ({len(value)} characters, at most {expected}): shorten it"
    if kind in ("minimum", "maximum"):
        return (
            f"'{name}' must be from 1 to 365 days after the procedure (found {_shown(value)})"
            if ".days" in name
            else f"'{name}': {error.message}"
        )
    if kind == "uniqueItems":
        return f"'{name}' lists the same value twice: keep each one once"
    if kind == "minItems":
        return f"'{name}' is an empty list: add at least one item, or remove the field"
    if kind == "oneOf" and name.endswith("reviewed_by"):
        return "'review.reviewed_by' must be a name and role, or a list of them"
    return f"'{name}': {error.message}"


def _unknown_field(entry: Entry, where: FieldPath, extra: str) -> Problem:
    known = _known_fields(where)
    close = difflib.get_close_matches(extra, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"known fields here: {', '.join(known)}"
    extension = " (local extension fields must start with 'x-')" if where == () else ""
    return _problem(
        entry,
        (*where, extra),
        f"unknown field '{_field_name((*where, extra))}': {hint}{extension}",
        key=True,
    )


def _known_fields(where: FieldPath) -> list[str]:
    schema: dict[str, Any] = entry_schema()
    for part in where:
        if isinstance(part, int):
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(part, {})
    return sorted(schema.get("properties", {}))


def _extras(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    allowed = set(error.schema.get("properties", {}))
    return sorted(k for k in instance if k not in allowed and not str(k).startswith("x-"))


def _problem(entry: Entry, where: FieldPath, message: str, *, key: bool) -> Problem:
    line, column = entry.key_position(where) if key else entry.position(where)
    field = str(where[0]) if where else None
    return Problem(entry.file, line, column, "error", "schema", message, entry.id, field)


def _field_name(where: FieldPath) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "entry"


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _kind_of(value)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes/no/true/false are read as true/false: put the text in quotes)"
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return repr(value)
