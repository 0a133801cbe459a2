"""Every field an entry may have, declared once: who it is for and what each stage does with it.

The JSON Schema (`kbtool/schema/entry.schema.json`) says what a valid value looks like; this
registry says what happens to it. Validation takes its hints from here, publishing copies only
the fields marked `published` (an allowlist: a field not declared here, an `x-` field or a
staff-only field never reaches the site, its JSON copies or its search index), the wording
check reads the fields marked `wording`, and both search indexes put each field's text in the
index field named here. `tests/unit/test_fields.py` keeps this registry and the schema in step.

Adding an optional field: declare it in the schema and here. Nothing else is needed for it to
be validated, published (or not), indexed and shown to staff: fields without a layout of
their own (`own_layout=False`) are shown under their label on the staff page and, when
published, on the patient page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

Audience = Literal["patients", "staff", "reviewers"]
"""Who the field is written for: patients (shown on the site or read to them), staff (call
notes and questions staff read out), reviewers (the sign-off and its exceptions)."""

Role = Literal["identity", "content", "links", "sign-off", "notes"]
"""What the field is to the tools: an entry's identity (id, type, language), patient content,
links to other entries, the sign-off, or notes for staff."""

JsonType = Literal["string", "array", "object"]

STAFF_INDEX_FIELDS = ("title", "alias", "question", "summary", "flags", "body")
"""Word fields of the staff search index (kbtool/search): where an entry field's words go."""

SITE_INDEX_FIELDS = ("title", "alias", "question", "summary", "meta", "flags", "body")
"""Fields of the patient site's search index (kbtool/publish/sitesearch)."""


@dataclass(frozen=True)
class Field:
    """One entry field (or one field of a red flag, source, review or callback block)."""

    name: str
    json_type: JsonType
    audience: Audience
    role: Role = "content"
    published: bool = False
    """Copied to the patient site, its JSON copies and its search index."""
    wording: bool = False
    """Checked for misleading wording (text patients read or hear)."""
    wording_as: str | None = None
    """Which field's wording rules apply, where not its own (a callback reminder is read out
    like the summary)."""
    staff_index: str | None = None
    """Staff search index field its words go into (one of STAFF_INDEX_FIELDS), or None."""
    site_index: str | None = None
    """Site search index field its words go into (one of SITE_INDEX_FIELDS), or None."""
    hint: str | None = None
    """What to write when the field is required and missing."""
    label_en: str = ""
    label_zh: str = ""
    markdown: bool = False
    """Written in Markdown (the body); other text is plain and may hold no markup at all."""
    own_layout: bool = True
    """The patient page and the staff page lay this field out themselves; a field without a
    layout of its own is listed under its label."""
    parts: tuple[Field, ...] = ()
    """Fields of each item (a list of blocks) or of the block itself."""

    def label(self, lang: str | None) -> str:
        """The field's name for people, in the page's language."""
        return (self.label_en if lang == "en" else self.label_zh) or self.name

    def part(self, name: str) -> Field | None:
        return next((part for part in self.parts if part.name == name), None)


_FLAG_PARTS = (
    Field(
        "when",
        "string",
        "patients",
        published=True,
        wording=True,
        wording_as="red_flags",
        staff_index="flags",
        site_index="flags",
        hint="each red flag needs 'when:' (the warning sign)",
        label_en="Warning sign",
        label_zh="警示症状",
    ),
    Field(
        "urgency",
        "string",
        "patients",
        published=True,
        hint="each red flag needs 'urgency:' (emergency, urgent or routine)",
        label_en="Urgency",
        label_zh="紧急程度",
    ),
    Field(
        "action",
        "string",
        "patients",
        published=True,
        wording=True,
        wording_as="red_flags",
        staff_index="flags",
        site_index="flags",
        hint="each red flag needs 'action:' (what the patient should do)",
        label_en="What to do",
        label_zh="怎么做",
    ),
    Field(
        "ask",
        "string",
        "staff",
        wording=True,
        wording_as="red_flags",
        staff_index="flags",
        label_en="Follow-up question",
        label_zh="回访问题",
    ),
)

_SOURCE_PARTS = (
    Field("title", "string", "patients", published=True, label_en="Title", label_zh="标题"),
    Field("url", "string", "patients", published=True, label_en="Web address", label_zh="网址"),
)

_CALLBACK_PARTS = (
    Field(
        "days",
        "array",
        "staff",
        hint="the callback block needs 'days:', the days after the procedure when calls are due, "
        "e.g. [1, 7, 30]",
        label_en="Call days",
        label_zh="回访日",
    ),
    Field(
        "remind",
        "array",
        "staff",
        wording=True,
        wording_as="summary",
        label_en="Reminders",
        label_zh="提醒",
    ),
    Field("notes", "string", "staff", role="notes", label_en="Call notes", label_zh="回访备注"),
)

_EXCEPTION_PARTS = (
    Field(
        "rule",
        "string",
        "reviewers",
        role="sign-off",
        hint="each wording exception needs 'rule:' (the rule id it allows)",
        label_en="Rule",
        label_zh="规则",
    ),
    Field(
        "reason",
        "string",
        "reviewers",
        role="sign-off",
        hint="each wording exception needs 'reason:' saying why the wording is accurate here",
        label_en="Reason",
        label_zh="理由",
    ),
)

_REVIEW_PARTS = (
    Field(
        "reviewed_by",
        "string",
        "patients",
        role="sign-off",
        published=True,
        label_en="Reviewed by",
        label_zh="审核人",
    ),
    Field(
        "reviewed_on",
        "string",
        "patients",
        role="sign-off",
        published=True,
        label_en="Reviewed on",
        label_zh="审核日期",
    ),
    Field(
        "next_review",
        "string",
        "patients",
        role="sign-off",
        published=True,
        label_en="Next review",
        label_zh="下次审核",
    ),
    Field(
        "fingerprint",
        "string",
        "reviewers",
        role="sign-off",
        label_en="Fingerprint",
        label_zh="内容指纹",
    ),
)
"""Who signed off and when is shown to patients as the page's sign-off notice (not as content)."""

FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "string",
        "patients",
        role="identity",
        published=True,
        hint="add 'id:' with the file name without '.yaml', e.g. 'id: ectopic-pregnancy'",
    ),
    Field(
        "type",
        "string",
        "patients",
        role="identity",
        published=True,
        hint="add 'type:' with condition, aftercare, referral or faq (matching the folder)",
    ),
    Field(
        "lang",
        "string",
        "patients",
        role="identity",
        published=True,
        hint="add 'lang: zh' for Chinese or 'lang: en' for English",
    ),
    Field(
        "title",
        "string",
        "patients",
        published=True,
        wording=True,
        staff_index="title",
        site_index="title",
        hint="add a page title in the words patients use",
        label_en="Title",
        label_zh="标题",
    ),
    Field(
        "question",
        "string",
        "patients",
        published=True,
        wording=True,
        staff_index="question",
        site_index="question",
        hint="FAQ entries need the question as a patient would ask it: add 'question:'",
        label_en="Question",
        label_zh="问题",
    ),
    Field(
        "summary",
        "string",
        "patients",
        published=True,
        wording=True,
        staff_index="summary",
        site_index="summary",
        hint="add a one-to-three sentence answer staff can read out on a call",
        label_en="Summary",
        label_zh="摘要",
    ),
    Field(
        "body",
        "string",
        "patients",
        published=True,
        wording=True,
        markdown=True,
        staff_index="body",
        site_index="body",
        hint="add the page text for patients (Markdown, usually written as 'body: |')",
        label_en="Body",
        label_zh="正文",
    ),
    Field(
        "aliases",
        "array",
        "patients",
        published=True,
        staff_index="alias",
        site_index="alias",
        label_en="Also called",
        label_zh="又称",
    ),
    Field(
        "red_flags",
        "array",
        "patients",
        published=True,
        label_en="Warning signs",
        label_zh="警示症状",
        parts=_FLAG_PARTS,
    ),
    Field(
        "callback",
        "object",
        "staff",
        label_en="Follow-up call",
        label_zh="回访",
        parts=_CALLBACK_PARTS,
    ),
    Field(
        "related",
        "array",
        "patients",
        role="links",
        published=True,
        label_en="Related",
        label_zh="相关内容",
    ),
    Field(
        "translations",
        "array",
        "patients",
        role="links",
        published=True,
        label_en="Other languages",
        label_zh="其他语言",
    ),
    Field(
        "specialty",
        "string",
        "patients",
        published=True,
        staff_index="body",
        site_index="meta",
        label_en="Specialty",
        label_zh="科室",
    ),
    Field(
        "tags",
        "array",
        "patients",
        published=True,
        staff_index="body",
        site_index="meta",
        label_en="Tags",
        label_zh="标签",
    ),
    Field(
        "sources",
        "array",
        "patients",
        published=True,
        label_en="Sources",
        label_zh="资料来源",
        parts=_SOURCE_PARTS,
    ),
    Field(
        "staff_notes",
        "string",
        "staff",
        role="notes",
        staff_index="body",
        label_en="Staff notes",
        label_zh="员工备注",
    ),
    Field(
        "wording_exceptions",
        "array",
        "reviewers",
        role="sign-off",
        label_en="Accepted wording",
        label_zh="已接受的措辞",
        parts=_EXCEPTION_PARTS,
    ),
    Field(
        "review",
        "object",
        "reviewers",
        role="sign-off",
        label_en="Review",
        label_zh="审核",
        parts=_REVIEW_PARTS,
    ),
)


def declared() -> tuple[Field, ...]:
    """Every declared top-level field, in schema order. Stages ask for it when they run (rather
    than copying FIELDS at import), so a field added to the registry reaches all of them."""
    return FIELDS


def field(name: str) -> Field:
    """The declared field called `name` (StopIteration for an undeclared one)."""
    return next(item for item in declared() if item.name == name)


def walk(fields: tuple[Field, ...] | None = None) -> Iterator[tuple[tuple[str, ...], Field]]:
    """(path of names, field) for every field and every part, depth first."""
    for item in declared() if fields is None else fields:
        yield (item.name,), item
        for path, part in walk(item.parts):
            yield (item.name, *path), part


def wording_names() -> tuple[str, ...]:
    """Field names a wording rule may be limited to (`fields:` in a rule file): each
    wording-checked field under the name whose rules it follows."""
    names = [item.wording_as or path[0] for path, item in walk() if item.wording]
    return tuple(dict.fromkeys(names))


def content_fields() -> tuple[str, ...]:
    """Published patient content (not identity, links or the sign-off), in schema order."""
    return tuple(item.name for item in declared() if item.published and item.role == "content")


def published_parts(name: str) -> tuple[str, ...]:
    """Parts of a block (a red flag, a source, the review) that patients may see."""
    return tuple(part.name for part in field(name).parts if part.published)


def hints() -> dict[str, str]:
    """Missing-field hint by field name (a part's name as it appears in an error)."""
    return {path[-1]: item.hint for path, item in walk() if item.hint}


def index_paths(
    attribute: Literal["staff_index", "site_index"],
) -> dict[str, list[tuple[str, ...]]]:
    """Index field -> paths of the entry fields (or red-flag parts, …) whose words go into it,
    in registry order."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for path, item in walk():
        target = getattr(item, attribute)
        if target:
            found.setdefault(target, []).append(path)
    return found


def text_values(
    data: dict[str, Any], wanted: Callable[[Field], bool]
) -> list[tuple[tuple[str | int, ...], Field, str]]:
    """(path, field, text) of every non-blank text in `data` whose field is `wanted`, in
    registry order, with list indexes in the path (("red_flags", 0, "when")) so a finding can
    point at its line."""
    found: list[tuple[tuple[str | int, ...], Field, str]] = []
    for item in declared():
        found += _values(data.get(item.name), (item.name,), item, wanted)
    return found


def _values(
    value: Any, path: tuple[str | int, ...], item: Field, wanted: Callable[[Field], bool]
) -> list[tuple[tuple[str | int, ...], Field, str]]:
    if item.parts:
        blocks = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        found = []
        for index, block in blocks:
            if isinstance(block, dict):
                for part in item.parts:
                    where = (*path, part.name) if index is None else (*path, index, part.name)
                    found += _values(block.get(part.name), where, part, wanted)
        return found
    if not wanted(item):
        return []
    if isinstance(value, str):
        return [(path, item, value)] if value.strip() else []
    if isinstance(value, list):
        return [
            ((*path, index), item, text)
            for index, text in enumerate(value)
            if isinstance(text, str) and text.strip()
        ]
    return []


def index_texts(
    data: dict[str, Any], attribute: Literal["staff_index", "site_index"]
) -> dict[str, list[tuple[Field, str]]]:
    """Index field -> (entry field, text) of every text the registry sends there, in the order
    `text_values` walks them (red flags one by one)."""
    found: dict[str, list[tuple[Field, str]]] = {}
    for _path, item, text in text_values(data, lambda item: bool(getattr(item, attribute))):
        found.setdefault(getattr(item, attribute), []).append((item, text))
    return found


def without_layout(data: dict[str, Any]) -> list[tuple[Field, list[str]]]:
    """Fields present in `data` that no page lays out itself, each with its value as lines of
    plain text: a newly declared field is shown under its label from the day it is declared."""
    found = []
    for item in declared():
        if not item.own_layout and item.name in data:
            lines = shown_lines(data[item.name])
            if lines:
                found.append((item, lines))
    return found


def shown_lines(value: Any) -> list[str]:
    """A value as lines of text: a string as itself, a list one line per item, a block as
    'name: value' lines. The text is still untrusted: callers escape it."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [line for item in value for line in shown_lines(item)]
    if isinstance(value, dict):
        return [f"{key}: {line}" for key, part in value.items() for line in shown_lines(part)]
    return [] if value is None else [str(value)]
