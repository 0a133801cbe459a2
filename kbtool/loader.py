"""Read every entry file under a knowledge base, keeping the position of every value.

A broken file is data, not an exception: `load_kb` returns the entries it could read and
a Problem for each file it could not, so one bad file never hides the others."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .model import FOLDER_TYPES, Entry, FieldPath, Problem, Span

MAX_FILE_BYTES = 256 * 1024
"""Entries are a few kilobytes of text; anything over 256 KiB is refused as a likely mistake."""

ENTRY_SUFFIX = ".yaml"
RESERVED_NAMES = {"kbtool.yaml", "reviewers.yaml", "rules"}
"""Names at the top of the KB that are not entries: its settings, its reviewer list and its wording rules."""

_YamlLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _EntryLoader(_YamlLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as the text the author wrote, so bad dates are reported, not crashed on."""


def _keep_text(loader: Any, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_EntryLoader.add_constructor("tag:yaml.org,2002:timestamp", _keep_text)


@dataclass
class LoadResult:
    """What a walk of the knowledge base found: readable entries and per-file problems."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_seen: int = 0


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the current directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def entry_files(root: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Every entry file under the KB, sorted, with the path to show; files that are not
    entries in a known folder become Problems, so nothing is silently ignored."""
    files: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    shown_root = display_path(root)
    for path in _walk(root):
        shown = os.path.join(shown_root, path.relative_to(root))
        problem = _misplaced(root, path, shown)
        if problem is None and (special := special_file(path, root)) is not None:
            problem = Problem(shown, None, None, "error", special[0], special[1], path.stem)
        if problem is not None:
            problems.append(problem)
        else:
            files.append((path, shown))
    return files, problems


def load_kb(root: Path) -> LoadResult:
    """Walk the knowledge base in sorted order and load every entry file."""
    files, problems = entry_files(root)
    result = LoadResult(root=root, problems=problems, files_seen=len(files))
    for path, shown in files:
        entry, found = load_entry(path, folder=path.parent.name, shown=shown)
        result.problems.extend(found)
        if entry is not None:
            result.entries.append(entry)
    return result


def _walk(root: Path) -> list[Path]:
    """Every file under the KB, sorted, skipping hidden files and the reserved names."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and not (here == root and d in RESERVED_NAMES)
        )
        for name in sorted(filenames):
            if name.startswith(".") or (here == root and name in RESERVED_NAMES):
                continue
            found.append(here / name)
    return sorted(found)


def _misplaced(root: Path, path: Path, shown: str) -> Problem | None:
    """A Problem for a file that is not an entry in a known folder, so nothing is silently ignored."""
    relative = path.relative_to(root)
    if path.suffix != ENTRY_SUFFIX:
        if path.suffix.lower() in {".yml", ".yaml"}:
            return Problem(
                shown,
                None,
                None,
                "error",
                "file-extension",
                f"entry files must end in '.yaml' (this one ends in '{path.suffix}'): "
                f"rename it to '{path.stem}.yaml' or kbtool will not read it",
            )
        return Problem(
            shown,
            None,
            None,
            "warning",
            "not-an-entry",
            "this file is not an entry and is not read: only '.yaml' files are entries; "
            "move it out of the knowledge base folder if it does not belong here",
        )
    folders = ", ".join(f"{name}/" for name in FOLDER_TYPES)
    if len(relative.parts) != 2 or relative.parts[0] not in FOLDER_TYPES:
        return Problem(
            shown,
            None,
            None,
            "error",
            "entry-folder",
            f"entries must sit directly in one of the folders {folders} "
            f"of the knowledge base: move this file into the folder for its type",
        )
    return None


def load_entry(
    path: Path, folder: str = "", shown: str | None = None, root: Path | None = None
) -> tuple[Entry | None, list[Problem]]:
    """Read one entry file; return the entry, or None and the reasons it could not be read.

    Only regular files are read (never a FIFO, device or socket, which could hang or never
    end), at most MAX_FILE_BYTES of them; with `root`, a link must stay inside it."""
    shown = shown or display_path(path)
    raw, problem = read_entry_bytes(path, root)
    if problem is not None:
        return None, [Problem(shown, None, None, "error", problem[0], problem[1], path.stem)]
    parsed, problems = parse_entry(raw, shown, path.stem)
    if parsed is None:
        return None, problems
    text, data, builder = parsed
    entry = Entry(
        path=path,
        file=shown,
        folder=folder or path.parent.name,
        data=data,
        source=text,
        values=builder.values,
        keys=builder.keys,
    )
    return entry, []


def special_file(path: Path, root: Path | None = None) -> tuple[str, str] | None:
    """(code, message) when `path` is not a regular file (inside `root`, if given), else None."""
    try:
        info = os.stat(path)
    except OSError as error:
        if path.is_symlink():
            return (
                "broken-link",
                (
                    "this is a link to a file that does not exist: "
                    "delete the link, or put the entry itself here"
                ),
            )
        return ("unreadable", f"the file cannot be read ({error.strerror}): check its permissions")
    if not stat.S_ISREG(info.st_mode):
        return (
            "special-file",
            (
                f"this is not an ordinary file (it is {_file_kind(info.st_mode)}), so it "
                "is not read: entries must be ordinary text files; delete it or replace it with the entry"
            ),
        )
    if root is not None and path.is_symlink():
        try:
            path.resolve().relative_to(root.resolve())
        except ValueError:
            return (
                "link-outside",
                (
                    "this is a link to a file outside the knowledge base, so it is not read: "
                    "copy the entry into the knowledge base instead of linking to it"
                ),
            )
    return None


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a device such as /dev/zero"),
        (stat.S_ISBLK, "a disk device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def _too_large(size: int) -> tuple[str, str]:
    return (
        "file-too-large",
        (
            f"the file is {size // 1024} KiB; entries are limited to "
            f"{MAX_FILE_BYTES // 1024} KiB: split it into several entries and link them with 'related'"
        ),
    )


def read_entry_bytes(path: Path, root: Path | None = None) -> tuple[bytes, tuple[str, str] | None]:
    """The file's bytes, or (code, message) when it is special, too large or unreadable.

    The file is opened without blocking and checked again once open, so a FIFO or device
    swapped in after the first look is still refused rather than read forever."""
    problem = special_file(path, root)
    if problem is not None:
        return b"", problem
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        return b"", (
            "unreadable",
            f"the file cannot be read ({error.strerror}): check its permissions",
        )
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", (
                "special-file",
                (
                    f"this is not an ordinary file (it is {_file_kind(info.st_mode)}): "
                    "entries must be ordinary text files; delete it"
                ),
            )
        if info.st_size > MAX_FILE_BYTES:
            return b"", _too_large(info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return b"", (
            "unreadable",
            f"the file cannot be read ({error.strerror}): check its permissions",
        )
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        return b"", _too_large(len(raw))
    return raw, None


def parse_entry(
    raw: bytes, shown: str, stem: str
) -> tuple[tuple[str, dict[str, Any], _Builder] | None, list[Problem]]:
    """Entry bytes -> (text, data, positions), or None and the problems. The one place entry text
    is parsed, for current files and for old revisions from git alike: the same size limit, no
    aliases, no tags beyond plain text, numbers, dates, lists and mappings."""

    def fail(
        code: str, message: str, line: int | None = None, column: int | None = None
    ) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, column, "error", code, message, stem)]

    if len(raw) > MAX_FILE_BYTES:
        return fail(*_too_large(len(raw)))
    text, problem = decode(raw)
    if problem is not None:
        return fail("encoding", problem[1], problem[0], None)
    if not text.strip():
        return fail("empty-file", "the file is empty: write the entry, or delete the file")
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line: int | None = mark.line + 1 if mark else None
        column: int | None = mark.column + 1 if mark else None
        what = error.problem or "the YAML is not valid"
        started = ""
        if (
            error.context
            and error.context_mark
            and error.problem_mark
            and error.context_mark.line != error.problem_mark.line
        ):
            started = f" ({error.context} that starts on line {error.context_mark.line + 1})"
        return fail(
            "yaml-syntax",
            f"YAML syntax error: {what}{started}: check indentation, quotes and colons "
            "(text containing ': ' or starting with a special character needs quotes)",
            line,
            column,
        )
    except yaml.YAMLError as error:
        return fail("yaml-syntax", f"YAML syntax error: {error}")
    if node is None:
        return fail(
            "empty-file", "the file holds only comments: write the entry, or delete the file"
        )
    if not isinstance(node, yaml.MappingNode):
        return fail(
            "not-a-mapping",
            "the top level of an entry must be a set of 'field: value' lines "
            "(starting with 'id:'), not a list or a single value",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    builder = _Builder(shown, stem, track_aliases="&" in text)
    try:
        data = builder.build(node, ())
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        return fail("yaml-value", f"a value could not be read: {error}: put the text in quotes")
    if builder.alias_found:
        builder.problems.extend(_alias_problems(text, shown, stem))
    if builder.problems:
        return None, builder.problems
    return (text, data, builder), []


def entry_data_from_bytes(raw: bytes, name: str) -> dict[str, Any] | None:
    """The data of an entry given as bytes (an old revision from git, say), read exactly as a
    current file is: the same size limit, no aliases, no tags. None when it would not load today."""
    parsed, _ = parse_entry(raw, name, Path(name).stem)
    return parsed[1] if parsed is not None else None


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree of one entry's text (the loader that refuses tags and oversized input)."""
    loader = _EntryLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_fields(
    path: Path, names: frozenset[str], root: Path | None = None
) -> dict[str, Any] | None:
    """Only the named top-level fields of an entry file, without checks (fast: the rest of the
    file is parsed but never turned into data), or None when the file would not load."""
    raw, problem = read_entry_bytes(path, root)
    text, failure = decode(raw) if problem is None else ("", (0, ""))
    if failure is not None:
        return None
    try:
        node = _compose(text)
        if not isinstance(node, yaml.MappingNode):
            return None
        builder = _Builder(str(path), path.stem, track_aliases="&" in text)
        data = {
            key.value: builder.build(value, (key.value,))
            for key, value in node.value
            if isinstance(key, yaml.ScalarNode) and key.value in names
        }
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError):
        return None
    return None if builder.alias_found or builder.problems else data


def decode(raw: bytes) -> tuple[str, tuple[int, str] | None]:
    """Decode UTF-8 (a byte-order mark is accepted and dropped); on failure say where and how to fix it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = " It looks like GBK/GB18030 (a common Chinese Windows encoding)."
        except UnicodeDecodeError:
            pass
        return "", (
            line,
            (
                f"the file is not UTF-8 text (bad byte at line {line}).{hint} "
                "Re-save it as UTF-8 (in most editors: Save As > Encoding > UTF-8)"
            ),
        )
    return text.replace("\r\n", "\n"), None


def _alias_problems(text: str, shown: str, stem: str) -> list[Problem]:
    """Point at each alias: they can make a tiny file expand enormously, and hide where text comes from."""
    message = (
        "YAML anchors and aliases ('&name', '*name', '<<') are not allowed in entries: "
        "write the text out in full"
    )
    problems = []
    for event in yaml.parse(text, Loader=_YamlLoader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            where = event.start_mark
            problems.append(
                Problem(
                    shown, where.line + 1, where.column + 1, "error", "yaml-alias", message, stem
                )
            )
    if not problems:  # a merge key '<<' with an inline mapping
        problems.append(Problem(shown, None, None, "error", "yaml-alias", message, stem))
    return problems


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_INT = "tag:yaml.org,2002:int"
_TRUE = {"yes", "true", "on", "y"}
_SCALAR_TAGS = {_STR, _TIMESTAMP, _BOOL, _NULL, _INT, "tag:yaml.org,2002:float"}
_SEQ = "tag:yaml.org,2002:seq"
_YAML_TAG_PREFIX = "tag:yaml.org,2002:"
_SLOW_PATH = yaml.constructor.SafeConstructor()
_Scalar = yaml.ScalarNode
_span = tuple.__new__
"""Span from a tuple of its five fields without the named tuple's Python-level __new__ (half
the time; an entry has about sixty spans)."""


def _plain_tag(node: yaml.Node) -> bool:
    """Only the tags of plain data: `!!binary`, `!!set`, `!!omap`, `!!python/...` and local tags
    make values (bytes, sets, objects) that nothing downstream can show or fingerprint."""
    if isinstance(node, yaml.ScalarNode):
        return node.tag in _SCALAR_TAGS
    if isinstance(node, yaml.SequenceNode):
        return node.tag == _SEQ
    return node.tag == _MAP


def _scalar_value(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _STR or tag == _TIMESTAMP:
        return node.value
    if tag == _BOOL:
        return node.value.lower() in _TRUE
    if tag == _NULL:
        return None
    if tag == _INT and node.value.lstrip("-+").isdigit():
        return int(node.value)
    return _SLOW_PATH.construct_object(node, deep=True)


class _Builder:
    """Turns a composed node tree into plain data in one pass, recording the span of every
    value and key, and finding duplicate keys, odd keys and aliases on the way."""

    def __init__(self, shown: str, stem: str, track_aliases: bool = True) -> None:
        self.shown, self.stem = shown, stem
        # An alias needs an anchor ('&name'): a text without '&' cannot contain one.
        self.track_aliases = track_aliases
        self.values: dict[FieldPath, Span] = {}
        self.keys: dict[FieldPath, Span] = {}
        self.problems: list[Problem] = []
        self.alias_found = False
        self._seen: set[int] = set()

    def build(self, node: yaml.Node, where: FieldPath) -> Any:
        if self.track_aliases:
            node_id = id(node)
            if node_id in self._seen:  # the same node twice: an alias (possibly recursive)
                self.alias_found = True
                return None
            self._seen.add(node_id)
        start = node.start_mark
        if not _plain_tag(node):
            self._tag_problem(node)
            return None
        if isinstance(node, yaml.ScalarNode):
            self.values[where] = _span(
                Span,
                (start.line + 1, start.column + 1, start.index, node.end_mark.index, node.style),
            )
            return _scalar_value(node)
        self.values[where] = _span(
            Span, (start.line + 1, start.column + 1, start.index, node.end_mark.index, None)
        )
        if isinstance(node, yaml.SequenceNode):
            build = self.build
            return [build(item, where + (index,)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)  # the composer makes only these three kinds
        return self._mapping(node, where)

    def _mapping(self, node: yaml.MappingNode, where: FieldPath) -> dict[str, Any]:
        data: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        keys, build = self.keys, self.build
        for key, value in node.value:
            mark = key.start_mark
            line, column = mark.line + 1, mark.column + 1
            name = key.value
            if type(key) is not _Scalar or key.tag != _STR or not name:
                self.alias_found = self.alias_found or name == "<<"
                self._problem(
                    line,
                    column,
                    "yaml-key",
                    "field names must be plain words such as "
                    "'title:' (not numbers, true/false, lists or blanks)",
                )
                continue
            if name in first_line:
                self._problem(
                    line,
                    column,
                    "duplicate-key",
                    f"'{name}' appears twice (first on line {first_line[name]}); "
                    "only one would be kept and the other text silently lost: "
                    "merge them into one field",
                )
                continue
            first_line[name] = line
            child = where + (name,)
            keys[child] = _span(Span, (line, column, mark.index, key.end_mark.index, key.style))
            data[name] = build(value, child)
        return data

    def _tag_problem(self, node: yaml.Node) -> None:
        tag = str(node.tag)
        shown = "!!" + tag[len(_YAML_TAG_PREFIX) :] if tag.startswith(_YAML_TAG_PREFIX) else tag
        self._problem(
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            "yaml-tag",
            f"the YAML tag '{shown}' is not allowed in entries (only text, numbers, dates, "
            f"true/false, lists and 'field: value' sets are): delete '{shown}' and write "
            "the value as plain text",
        )

    def _problem(self, line: int, column: int, code: str, message: str) -> None:
        self.problems.append(Problem(self.shown, line, column, "error", code, message, self.stem))
