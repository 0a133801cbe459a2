"""Speed at start-up: remember which patterns compiled and the literals each one needs.

Compiling every pattern and reading its literals took most of a cold `kbtool check` on one
file. Once a pattern has compiled, the same text under the same Python always will, so this
cache records, per pattern text, its literals (plan.py's prefilter); on later runs such a
pattern is compiled only when a text could match it. A rule's joined context patterns
(`unless`, `requires`) are recorded the same way, without literals, and compiled on first use.
The key is the pattern text itself, so a changed rule file brings new keys (checked afresh). The cache is plain JSON in the user's
cache folder ($XDG_CACHE_HOME/kbtool or ~/.cache/kbtool), never in the knowledge base: nothing
in it can run code, and a missing, damaged or foreign file is simply rebuilt."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

VERSION = 1
_state: dict[str, Any] = {"entries": None, "dirty": False, "stamp": None}


def cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kbtool" / "wording-patterns.json"


def _stamp() -> str:
    """Entries are valid for this cache format, this Python, this literal extractor and this
    backtracking check (a pattern is recorded only once it passed it)."""
    here = Path(__file__).parent
    checks = b"".join((here / name).read_bytes() for name in ("literals.py", "regex_safety.py"))
    extractor = hashlib.sha256(checks).hexdigest()[:16]
    return f"{VERSION}:{sys.implementation.cache_tag}:{sys.version_info[:3]}:{extractor}"


def _entries() -> dict[str, Any]:
    if _state["entries"] is None:
        entries: dict[str, Any] = {}
        try:
            data = json.loads(cache_file().read_text(encoding="utf-8"))
            _state["stamp"] = _state["stamp"] or _stamp()
            if (
                isinstance(data, dict)
                and data.get("stamp") == _state["stamp"]
                and isinstance(data.get("patterns"), dict)
            ):
                entries = data["patterns"]
        except (OSError, ValueError):
            pass
        _state["entries"] = entries
    return _state["entries"]  # type: ignore[no-any-return]


def key(source: str, flags: int) -> str:
    return hashlib.sha256(f"{flags}\0{source}".encode()).hexdigest()[:32]


def lookup(source: str, flags: int) -> tuple[bool, frozenset[str] | None]:
    """(known, literals): known is True when this pattern compiled before; literals None when
    no literal is certain (the pattern always runs)."""
    found = _entries().get(key(source, flags))
    if not isinstance(found, dict):
        return False, None
    literals = found.get("literals")
    if literals is None:
        return True, None
    if not isinstance(literals, list) or not all(isinstance(x, str) for x in literals):
        return False, None
    return True, frozenset(literals)


def record(source: str, flags: int, literals: frozenset[str] | None) -> None:
    _entries()[key(source, flags)] = {
        "literals": sorted(literals) if literals is not None else None
    }
    _state["dirty"] = True


def save() -> None:
    """Write the cache atomically if it changed; a read-only or full disk just skips it."""
    if not _state["dirty"]:
        return
    path = cache_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            {"stamp": _state["stamp"] or _stamp(), "patterns": _entries()},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".wording-patterns.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        _state["dirty"] = False
    except OSError:
        pass
