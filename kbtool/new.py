"""`kbtool new`: the text of a fresh, commented draft entry, and writing it without overwriting."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .model import ENTRY_TYPES

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

STARTING_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "question": "(在这里写患者会怎样问这个问题)",
        "summary": "(在这里用一到三句话写简短回答,工作人员可以在电话里直接读给患者听。)",
        "body": "## 常见表现\n\n(请把这一行换成正文。可用 Markdown:## 小标题,- 列表。)\n",
    },
    "en": {
        "question": "(Write the question the way a patient would ask it.)",
        "summary": "(Write the short answer in one to three sentences that staff can read out on a call.)",
        "body": "## What it is\n\n(Write the page for patients here, in Markdown: ## headings, - lists.)\n",
    },
}
"""Text `kbtool new` writes for the author to replace; `review approve` refuses while it is still there."""


class NewEntryError(Exception):
    """The entry could not be created; the message says why, and nothing was written."""


@dataclass(frozen=True)
class NewEntry:
    path: Path
    text: str


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one), so any title is written safely."""
    return json.dumps(text, ensure_ascii=False)


def _noted(line: str, note: str) -> str:
    """A line with its explanation as a comment in a column of its own."""
    return f"{line:<34} # {note}" if len(line) < 34 else f"{line}  # {note}"


def entry_text(kind: str, entry_id: str, lang: str, title: str | None = None) -> str:
    """A valid draft entry of `kind`, every field explained in a comment."""
    words = STARTING_TEXT[lang]
    title_text = title.strip() if title and title.strip() else entry_id.replace("-", " ")
    lines = [
        f"# New {kind} entry written by 'kbtool new'. Replace the text in brackets, then run",
        "# 'kbtool check' on this file. It stays a draft (never published) until a clinician",
        "# signs it off with 'kbtool review approve'.",
        _noted(f"id: {entry_id}", "the page address; must equal the file name"),
        _noted(f"type: {kind}", "condition | aftercare | referral | faq (must match the folder)"),
        _noted(f"lang: {lang}", "zh (Simplified Chinese) | en"),
        _noted(f"title: {_quoted(title_text)}", "the page title, in the words patients use"),
    ]
    if kind == "faq":
        lines.append(f"question: {_quoted(words['question'])}")
    lines += [
        _noted("# aliases: [红眼病, pink eye]", "other names people use, lay terms, misspellings"),
        _noted("# specialty: 眼科", "the department, e.g. 妇科, ophthalmology"),
        _noted("summary: >-", "the short answer staff may read out on a call"),
        f"  {words['summary']}",
        _noted("body: |", "the page for patients, in Markdown (no HTML)"),
        *(f"  {line}" if line else "" for line in words["body"].rstrip("\n").split("\n")),
        _noted("# red_flags:", "warning signs, most urgent first"),
        "#   - when: the warning sign, in patient words",
        _noted("#     urgency: emergency", "emergency | urgent | routine"),
        "#     action: what to do, e.g. call 120 now",
        _noted("# related: [other-entry-id]", "ids of entries to link to"),
        _noted("# translations: [entry-id-en]", "the same entry in the other language"),
        _noted("# sources:", "the evidence this entry rests on"),
        '#   - title: "Guideline or reference title"',
        "#     url: https://example.org/page",
        _noted("# staff_notes: >-", "for call-centre staff only, never published"),
        "#   ...",
    ]
    return "\n".join(lines) + "\n"


def unfinished_fields(data: dict[str, object]) -> list[str]:
    """Fields that still hold the text `kbtool new` wrote for the author to replace."""
    starting = {text.strip() for words in STARTING_TEXT.values() for text in words.values()}
    return [
        name
        for name in ("question", "summary", "body")
        if isinstance(data.get(name), str) and str(data[name]).strip() in starting
    ]


def create_entry(
    kb: Path,
    kind: str,
    entry_id: str,
    lang: str,
    title: str | None = None,
    existing_ids: dict[str, str] | None = None,
) -> NewEntry:
    """Write `kb/<folder>/<id>.yaml` for a new draft; never replaces a file that exists."""
    if kind not in ENTRY_TYPES:
        raise NewEntryError(f"'{kind}' is not an entry type: use one of {', '.join(ENTRY_TYPES)}")
    if not ID_PATTERN.match(entry_id):
        raise NewEntryError(
            f"'{entry_id}' cannot be an id: use lowercase letters a-z, digits and single "
            "hyphens, e.g. acute-conjunctivitis (it becomes the page address)"
        )
    if lang not in STARTING_TEXT:
        raise NewEntryError(f"'{lang}' is not a language kbtool knows: use zh or en")
    path = kb / ENTRY_TYPES[kind] / f"{entry_id}.yaml"
    if path.exists():
        raise NewEntryError(
            f"{path} already exists: nothing was written; edit that file, or choose another id"
        )
    if existing_ids and entry_id in existing_ids:
        raise NewEntryError(
            f"the id '{entry_id}' is already used by {existing_ids[entry_id]}: "
            "nothing was written; ids must be unique across the knowledge base"
        )
    text = entry_text(kind, entry_id, lang, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_new(path, text)
    return NewEntry(path=path, text=text)


def _write_new(path: Path, text: str) -> None:
    """Write the whole file beside the target, then link it into place: the link fails rather
    than replace a file someone created meanwhile, and no half-written entry is ever visible."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise NewEntryError(f"{path} already exists: nothing was written") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
