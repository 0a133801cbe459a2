"""What each index generation was built from: one record per entry file, with its content hash.

Comparing the manifest with the files on disk says exactly which entries to re-index. File
size and modification time are compared first; only files whose size or time moved are
hashed, and only files whose hash changed are re-indexed."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import FOLDER_TYPES
from .schema import index_version
from .seal import signed_bytes, verified_bytes

MANIFEST = "manifest.json"
"""JSON after a line holding its HMAC under this user's index key (see `seal.signed_bytes`): plain
data that nothing can make run code, and that kbtool trusts only when it wrote it itself."""
MAX_MANIFEST_BYTES = 256 * 1024 * 1024

FileStat = tuple[int, int]
"""(size in bytes, modification time in ns)."""


def scan(kb: Path) -> dict[str, FileStat]:
    """Every entry file of the KB (`<folder>/<name>.yaml` in a known folder), sorted, with its stat."""
    found: dict[str, FileStat] = {}
    for folder in sorted(FOLDER_TYPES):
        try:
            items = sorted(os.scandir(kb / folder), key=lambda item: item.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for item in items:
            if item.name.startswith(".") or not item.name.endswith(".yaml"):
                continue
            try:
                if not item.is_file():
                    continue
                stat = item.stat()
            except OSError:
                continue
            found[f"{folder}/{item.name}"] = (stat.st_size, stat.st_mtime_ns)
    return found


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes ('' when it cannot be read, so it counts as changed)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


@dataclass
class Manifest:
    """Records per entry file (relative path -> record) and the KB they came from."""

    kb: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def user_words(self) -> set[str]:
        return {word for record in self.entries.values() for word in record.get("terms", [])}

    def as_data(self) -> dict[str, Any]:
        return {"version": index_version(), "kb": self.kb, "entries": self.entries}


def read_manifest(generation: Path | None, kb: Path) -> Manifest | None:
    """The manifest of a generation, or None if it is missing, from another version or another KB."""
    if generation is None:
        return None
    try:
        path = generation / MANIFEST
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        body = verified_bytes(path.read_bytes())
        data = json.loads(body) if body is not None else None
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("version") != index_version()
        or data.get("kb") != str(kb.resolve())
        or not _valid_entries(data.get("entries"))
    ):
        return None
    return Manifest(kb=data["kb"], entries=data["entries"])


_RECORD_TYPES = {
    "sha256": str,
    "size": int,
    "mtime_ns": int,
    "id": str,
    "indexed": bool,
    "terms": list,
    "sounds": list,
    "problems": list,
}


def _valid_entries(entries: Any) -> bool:
    """Every record has the fields `diff` and the index build read, of the right types."""
    return isinstance(entries, dict) and all(
        isinstance(relative, str)
        and isinstance(record, dict)
        and all(isinstance(record.get(name), kind) for name, kind in _RECORD_TYPES.items())
        for relative, record in entries.items()
    )


def write_manifest(generation: Path, manifest: Manifest) -> None:
    path = generation / MANIFEST
    temporary = path.with_name(f".{MANIFEST}.{os.getpid()}")
    body = json.dumps(manifest.as_data(), ensure_ascii=False).encode("utf-8")
    temporary.write_bytes(signed_bytes(body))
    os.replace(temporary, path)


@dataclass
class Changes:
    """Entry files added, changed (content hash differs) and removed since the manifest."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    touched: dict[str, FileStat] = field(default_factory=dict)
    """Files whose stat moved but whose content did not: only their stat is updated."""
    hashes: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def diff(kb: Path, files: dict[str, FileStat], manifest: Manifest) -> Changes:
    """Compare the files on disk with the manifest, hashing only files whose stat moved."""
    changes = Changes()
    old = manifest.entries
    for relative, stat in files.items():
        record = old.get(relative)
        if record is None:
            changes.added.append(relative)
            continue
        if (record.get("size"), record.get("mtime_ns")) == stat:
            continue
        digest = file_hash(kb / relative)
        changes.hashes[relative] = digest
        if digest == record.get("sha256"):
            changes.touched[relative] = stat
        else:
            changes.changed.append(relative)
    changes.removed = sorted(set(old) - set(files))
    return changes
