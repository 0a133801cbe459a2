"""The whoosh schema of the search index and the weight of each field when ranking.

Text fields hold terms already produced by `analysis` (separated by spaces), so the schema
needs only whoosh's own space tokenizer and can be opened without importing jieba."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..fields import index_paths

INDEX_VERSION = 5
"""Bump when analysis or the schema changes: every index built earlier is rebuilt in full."""


def index_version() -> str:
    """INDEX_VERSION and which entry fields feed which index field (the field registry): a
    field newly declared for the index rebuilds every index built without its words."""
    mapping = json.dumps(index_paths("staff_index"), sort_keys=True)
    return f"{INDEX_VERSION}:{hashlib.sha256(mapping.encode()).hexdigest()[:12]}"


FIELD_WEIGHTS: dict[str, float] = {
    "title": 5.0,
    "alias": 4.0,
    "question": 3.0,
    "summary": 1.6,
    "flags": 1.3,
    "body": 1.0,
    "gram": 1.2,
    "py": 3.0,
    "pyi": 1.5,
    "py2": 0.8,
}
"""How much a match in each field counts; names (title, aliases) count most."""

WORD_FIELDS = ("title", "alias", "question", "summary", "flags", "body")
"""Fields holding jieba words and English stems."""

NAME_FIELDS = ("title", "alias", "question")

FIELD_B: dict[str, float] = {
    "title_B": 0.5,
    "alias_B": 0.2,
    "gram_B": 0.2,
    "py_B": 0.2,
    "pyi_B": 0.2,
    "py2_B": 0.2,
    "question_B": 0.5,
}
"""BM25 length normalisation per field: an entry with many aliases is not penalised for it."""


def build_schema() -> Any:
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    space = SpaceSeparatedTokenizer()
    text_fields = {name: TEXT(analyzer=space, phrase=False) for name in FIELD_WEIGHTS}
    return Schema(
        path=ID(stored=True, unique=True),
        id=ID(stored=True),
        type=ID(stored=True),
        lang=ID(stored=True),
        specialty=ID(),
        reviewed=ID(),
        spell=KEYWORD(),
        data=STORED(),
        changed=STORED(),
        **text_fields,
    )
