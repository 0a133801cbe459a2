"""Write a clinical sign-off into an entry file, changing nothing else in it.

The file is edited as text: only the four review fields are replaced or inserted, so the
clinician's comments, key order, quoting and block scalars stay byte-for-byte as they were.
The result is re-read and verified before it atomically replaces the original."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..loader import decode, load_entry
from ..model import Entry, Span
from .state import fingerprint

REVIEW_FIELDS = ("reviewed_by", "reviewed_on", "next_review", "fingerprint")
_INTERVAL = re.compile(r"^\s*(\d{1,3})\s*([dwmy])\s*$", re.IGNORECASE)


class SignOffError(Exception):
    """The sign-off could not be written; the message says why and nothing was changed."""


@dataclass(frozen=True)
class SignOff:
    reviewed_by: str | list[str]
    reviewed_on: dt.date
    next_review: dt.date

    def fields(self, entry_fingerprint: str) -> dict[str, Any]:
        """The review fields to write (dates as dates, so they are written unquoted)."""
        return {
            "reviewed_by": self.reviewed_by,
            "reviewed_on": self.reviewed_on,
            "next_review": self.next_review,
            "fingerprint": entry_fingerprint,
        }


def parse_interval(text: str) -> tuple[int, str]:
    """'12m' -> (12, 'm'); units d(ays), w(eeks), m(onths), y(ears)."""
    match = _INTERVAL.match(text)
    if not match or int(match.group(1)) == 0:
        raise SignOffError(
            f"'{text}' is not an interval: write a number and a unit, e.g. 12m, 2y, 90d or 6w"
        )
    return int(match.group(1)), match.group(2).lower()


def add_interval(start: dt.date, amount: int, unit: str) -> dt.date:
    """Calendar arithmetic: 2026-01-31 + 1m = 2026-02-28."""
    if unit == "d":
        return start + dt.timedelta(days=amount)
    if unit == "w":
        return start + dt.timedelta(weeks=amount)
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    for day in range(start.day, 0, -1):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise SignOffError(
        "could not work out the next review date"
    )  # unreachable: day 1 always exists


def _scalar(value: Any) -> str:
    """One YAML scalar or flow list as it would be written by hand (plain when possible)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=math.inf)
    text = text.strip()
    return text[:-4].rstrip() if text.endswith("\n...") else text.removesuffix("...").rstrip()


def _field_text(name: str, value: Any, indent: int) -> str:
    """`name: value` as a person would write it; lists in block style under the key."""
    if isinstance(value, list):
        items = "".join(f"\n{' ' * (indent + 2)}- {_scalar(item)}" for item in value)
        return f"{name}:{items}"
    return f"{name}: {_scalar(value)}"


def _content_end(entry: Entry, where: tuple[str | int, ...]) -> int:
    """Where the value at `where` really ends. A block list or mapping's own span runs on to
    the next key, over any comments after its last item; its last item's end does not."""
    value = entry._value_at(where)
    if isinstance(value, list) and value:
        return _content_end(entry, (*where, len(value) - 1))
    if isinstance(value, dict) and value:
        return _content_end(entry, (*where, list(value)[-1]))
    return entry.values[where].end


def comments(entry: Entry, start: int = 0, end: int | None = None) -> list[str]:
    """Every YAML comment in the source between `start` and `end`, in order: a '#' outside
    any key or text value (text spans are blanked first, so '## heading' in a body or
    'Dr #1' in quotes is not a comment)."""
    source = entry.source
    end = len(source) if end is None else end
    masked = list(source[start:end])
    spans = [
        span
        for where, span in entry.values.items()
        if not isinstance(entry._value_at(where), (list, dict))
    ] + list(entry.keys.values())
    for span in spans:
        for index in range(max(span.start, start), min(span.end, end)):
            if source[index] != "\n":
                masked[index - start] = " "
    found = []
    for match in _COMMENT.finditer("".join(masked)):
        found.append(source[start + match.start(1) : start + match.end(1)].rstrip())
    return found


_COMMENT = re.compile(r"(?:^|[ \t])(#[^\n]*)", re.MULTILINE)


def _trim_end(source: str, end: int) -> int:
    """Move back over trailing blanks and newlines that belong to the gap after a value."""
    while end > 0 and source[end - 1] in " \t\n":
        end -= 1
    return end


def rewrite_review(entry: Entry, new_fields: dict[str, Any]) -> str:
    """The entry's source with the review fields set to `new_fields`, all else untouched."""
    source = entry.source
    review_key = entry.keys.get(("review",))
    review_value = entry.values.get(("review",))
    block = "".join(f"\n  {_field_text(name, value, 2)}" for name, value in new_fields.items())
    if review_key is None:
        base = source if source.endswith("\n") else source + "\n"
        return f"{base}review:{block}\n"
    review = entry.data.get("review")
    block_mapping = (
        isinstance(review, dict)
        and review
        and review_value is not None
        and source[review_value.start] != "{"
    )
    if not block_mapping:
        end = review_value.end if review_value is not None and review else review_key.end
        end = max(end, source.find(":", review_key.end) + 1)
        return source[: review_key.start] + "review:" + block + source[end:]
    return _edit_block(entry, new_fields)


def _edit_block(entry: Entry, new_fields: dict[str, Any]) -> str:
    source = entry.source
    review = entry.data["review"]
    edits: list[tuple[int, int, str]] = []
    indent = entry.keys[("review", next(iter(review)))].column - 1
    last_end = max(_trim_end(source, _content_end(entry, ("review", name))) for name in review)
    insert = ""
    for name, value in new_fields.items():
        key_span = entry.keys.get(("review", name))
        value_span = entry.values.get(("review", name))
        if key_span is None or value_span is None:
            insert += f"\n{' ' * indent}{_field_text(name, value, indent)}"
        elif _single_line_scalar(source, value_span, review.get(name)):
            edits.append((value_span.start, value_span.end, _scalar(value)))
        else:
            end = _trim_end(source, _content_end(entry, ("review", name)))
            kept = "".join(
                f"\n{' ' * indent}{text}" for text in comments(entry, key_span.start, end)
            )
            edits.append((key_span.start, end, _field_text(name, value, indent) + kept))
    if insert:
        line_end = source.find("\n", last_end)  # after any comment that ends the last line
        line_end = len(source) if line_end == -1 else line_end
        edits.append((line_end, line_end, insert))
    text = source
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _single_line_scalar(source: str, span: Span, value: Any) -> bool:
    return (
        not isinstance(value, (list, dict))
        and "\n" not in source[span.start : span.end]
        and span.end > span.start
    )


def write_signoff(entry: Entry, signoff: SignOff) -> dict[str, Any]:
    """Write the sign-off into the entry's file atomically; return the review block written.

    When the entry file is a link, the file it points to is signed and the link kept: replacing
    the link would leave the shared file unsigned."""
    path = Path(os.path.realpath(entry.path))
    original = path.read_bytes()
    text, failure = decode(original)
    if failure is not None or text != entry.source:
        raise SignOffError(
            f"{entry.file} changed while it was being signed off: run the command again"
        )
    new_fields = signoff.fields(fingerprint(entry.data))
    updated = rewrite_review(entry, new_fields)
    _verify(entry, updated, new_fields)
    encoded = _encode_like(original, updated)
    try:
        _atomic_replace(path, encoded, original)
    except OSError as error:
        raise SignOffError(
            f"{entry.file}: the sign-off could not be written ({error.strerror or error}); "
            "the file was left exactly as it was. Free some disk space or check the "
            "folder's permissions, then run approve again"
        ) from None
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in new_fields.items()
    }


def _verify(entry: Entry, updated: str, new_fields: dict[str, Any]) -> None:
    """Re-read the rewritten text: everything but the review block must be exactly as before."""
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / entry.path.name
        probe.write_text(updated, encoding="utf-8")
        reread, problems = load_entry(probe, folder=entry.folder)
    expected_review = {
        **entry.review,
        **{
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in new_fields.items()
        },
    }
    if reread is None or problems:
        raise SignOffError(
            f"{entry.file}: the sign-off could not be written safely into this file's "
            "layout; nothing was changed. Add the review block by hand, then run approve again"
        )
    lost = Counter(comments(entry)) - Counter(comments(reread))
    if lost:
        raise SignOffError(
            f"{entry.file}: the sign-off would have lost the comment "
            f"'{next(iter(lost))}'; nothing was changed. Move the comment out of the "
            "review block, then run approve again"
        )
    others_same = {k: v for k, v in reread.data.items() if k != "review"} == {
        k: v for k, v in entry.data.items() if k != "review"
    }
    if not others_same or reread.data.get("review") != expected_review:
        raise SignOffError(
            f"{entry.file}: the sign-off could not be written safely into this file's "
            "layout; nothing was changed. Add the review block by hand, then run approve again"
        )


def _encode_like(original: bytes, text: str) -> bytes:
    """Keep the file's byte-order mark and line endings as the author had them."""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if original.startswith(b"\xef\xbb\xbf") else data


def _atomic_replace(path: Path, data: bytes, expected_before: bytes) -> None:
    """Write to a temporary file beside the target, then rename over it (never a half-written file)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        if path.read_bytes() != expected_before:
            raise SignOffError(
                f"{path} was edited while it was being signed off: nothing was changed, "
                "run the command again"
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
