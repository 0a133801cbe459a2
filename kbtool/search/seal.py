"""Proof that an index generation was written, whole, by kbtool under this user account.

The index library (whoosh) keeps Python pickles in its files, and the cache folder may sit in
a repository that many people commit to, or wherever a KB's `cache_dir` points. Loading a
crafted pickle runs code, so a generation is opened only when its seal (`seal.json`) lists
every file in it, and the shared dictionaries it uses, with size and sha256, and carries an
HMAC of that list made with a key kept outside every cache folder (`~/.config/kbtool/index.key`,
readable by its owner only). A truncated, deleted, added, edited or foreign file fails the
check, and the index is rebuilt from the entries. The manifest is signed the same way."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SEAL = "seal.json"
SEAL_VERSION = 1
KEY_NAME = "index.key"
MAX_SEAL_BYTES = 4 * 1024 * 1024
UNSEALED = {SEAL, "manifest.json"}
"""Files of a generation the seal does not list: itself, and the manifest (signed on its own,
because it is updated in place when only file times changed)."""

_session_key: bytes | None = None


class Damaged(Exception):
    """A generation failed its check; the message says which file and how."""


def key_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where this user's index key lives: $XDG_CONFIG_HOME/kbtool/index.key or ~/.config/kbtool/."""
    base = environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "kbtool" / KEY_NAME


def user_key(environ: Mapping[str, str] = os.environ) -> bytes:
    """This user's secret key, created on first use. Where it cannot be stored, a key for this
    process only: every index it finds is then rebuilt rather than trusted."""
    path = key_path(environ)
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return _fallback_key()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{KEY_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # atomic, and never replaces a key another process made
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
        return _read_key(path)
    except OSError:
        return _fallback_key()


def _read_key(path: Path) -> bytes:
    text = path.read_text("ascii").strip()
    if len(text) < 32:
        raise OSError(f"{path} is not a kbtool index key")
    return text.encode("ascii")


def _fallback_key() -> bytes:
    global _session_key
    if _session_key is None:
        _session_key = secrets.token_bytes(32)
    return _session_key


def _mac(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return _mac_of(canonical.encode("utf-8"))


def _mac_of(data: bytes) -> str:
    return hmac.new(user_key(), data, hashlib.sha256).hexdigest()


def signed_bytes(body: bytes) -> bytes:
    """`body` after a first line holding its HMAC under this user's key. For large data (the
    manifest): the HMAC covers the bytes as written, so nothing is serialised twice."""
    return _mac_of(body).encode("ascii") + b"\n" + body


def verified_bytes(blob: bytes) -> bytes | None:
    """What `signed_bytes` was given, when `blob` carries a valid HMAC of it; else None."""
    mac, newline, body = blob.partition(b"\n")
    if not newline or not hmac.compare_digest(mac, _mac_of(body).encode("ascii")):
        return None
    return body


def signed(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with its HMAC under this user's key."""
    return {**body, "mac": _mac(body)}


def is_signed(data: Any) -> bool:
    """True when `data` is a dict carrying a valid HMAC of the rest of it."""
    if not isinstance(data, dict) or not isinstance(data.get("mac"), str):
        return False
    body = {key: value for key, value in data.items() if key != "mac"}
    return hmac.compare_digest(data["mac"], _mac(body))


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _generation_files(generation: Path) -> list[str]:
    return sorted(
        path.relative_to(generation).as_posix()
        for path in generation.rglob("*")
        if not path.is_dir() and path.relative_to(generation).as_posix() not in UNSEALED
    )


def seal(generation: Path, shared: Mapping[str, str]) -> None:
    """Write the seal of a finished generation; `shared` names the files it uses beside it."""
    files = {
        name: [(generation / name).stat().st_size, _digest(generation / name)]
        for name in _generation_files(generation)
    }
    others = {
        name: [(generation.parent / name).stat().st_size, _digest(generation.parent / name)]
        for name in sorted(set(shared.values()))
    }
    body = {
        "version": SEAL_VERSION,
        "generation": generation.name,
        "files": files,
        "shared": others,
    }
    path = generation / SEAL
    temporary = path.with_name(f".{SEAL}.{os.getpid()}")
    temporary.write_text(json.dumps(signed(body), sort_keys=True), "utf-8")
    os.replace(temporary, path)


def verify(generation: Path, *, deep: bool = True) -> None:
    """Raise Damaged unless every file of the generation is exactly as sealed. `deep=False`
    compares only names and sizes (a cheap check to run often); opening always runs it deep."""
    path = generation / SEAL
    try:
        if path.stat().st_size > MAX_SEAL_BYTES:
            raise Damaged(f"{path} is too large to be a seal")
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise Damaged(f"{path} is missing") from None
    except (OSError, ValueError) as error:
        raise Damaged(f"{path} cannot be read ({error})") from None
    if (
        not is_signed(data)
        or data.get("version") != SEAL_VERSION
        or data.get("generation") != generation.name
    ):
        raise Damaged(f"{path} was not written by kbtool under this user account")
    files, shared = data.get("files"), data.get("shared")
    if not isinstance(files, dict) or not isinstance(shared, dict):
        raise Damaged(f"{path} is incomplete")
    found = _generation_files(generation)
    extra = sorted(set(found) - set(files))
    if extra:
        raise Damaged(f"{generation / extra[0]} is not part of the index")
    for base, listed in ((generation, files), (generation.parent, shared)):
        for name, (size, digest) in sorted(listed.items()):
            _check_file(base / name, size, digest, deep)


def _check_file(path: Path, size: int, digest: str, deep: bool) -> None:
    try:
        actual = path.stat().st_size
    except OSError:
        raise Damaged(f"{path} is missing") from None
    if actual != size:
        raise Damaged(f"{path} has {actual} bytes instead of {size} (cut short or changed)")
    if deep and _digest(path) != digest:
        raise Damaged(f"{path} has changed since it was written")
