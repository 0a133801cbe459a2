"""Build small knowledge bases for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FOLDERS = {
    "condition": "conditions",
    "aftercare": "aftercare",
    "referral": "referrals",
    "faq": "faq",
}


def entry_data(
    entry_id: str, kind: str = "condition", lang: str = "zh", **fields: Any
) -> dict[str, Any]:
    """A minimal valid entry using only the core fields."""
    data: dict[str, Any] = {
        "id": entry_id,
        "type": kind,
        "lang": lang,
        "title": f"标题 {entry_id}" if lang == "zh" else f"Title {entry_id}",
        "summary": "这是一段简短的说明。" if lang == "zh" else "A short plain answer.",
        "body": "## 说明\n\n第一段。\n\n第二段。\n"
        if lang == "zh"
        else "## About\n\nFirst paragraph.\n",
    }
    if kind == "faq":
        data["question"] = "这个问题怎么办?" if lang == "zh" else "What should I do?"
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def write_entry(
    kb: Path, data: dict[str, Any], *, name: str | None = None, folder: str | None = None
) -> Path:
    folder = folder or FOLDERS.get(str(data.get("type")), "conditions")
    path = kb / folder / f"{name or data['id']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_raw(kb: Path, relative: str, content: str | bytes) -> Path:
    path = kb / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
