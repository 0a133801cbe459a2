"""Find and read rule files: the built-in rules plus any folders a knowledge base adds.

A broken rule file is data, not an exception: it becomes a Problem (code `rule-file`) with
the line of the bad value when it can be found, and the other rules still run."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..model import Problem
from . import pattern_cache
from .rule import ContextSets, Rule, RuleError, build_rule

BUILTIN_DIR = Path(__file__).parent / "rules"
CATEGORIES_FILE = "_categories.yaml"
"""What each category is and the rule of law behind it (see `categories`). Every other file
whose name starts with '_' holds shared word sets: context sets used as `@name` in `unless`
(`_contexts.yaml`: @negation, @hedge, ...) and lexicons used as `{name}` inside patterns
(`_lexicon.yaml`). Files starting with '_' are not rules."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_cache: dict[tuple[Any, ...], tuple[list[Rule], list[Problem]]] = {}


def load_rules(extra_dirs: Sequence[Path] = ()) -> tuple[list[Rule], list[Problem]]:
    """Built-in rules plus the rules in `extra_dirs`, sorted by id, and a Problem per bad file.

    A rule in a later folder replaces a rule with the same id from an earlier one, so a KB
    can tune a built-in rule by copying its file into `<kb>/rules` and editing it."""
    folders = [BUILTIN_DIR, *(Path(d) for d in extra_dirs)]
    files = [(folder, _rule_files(folder)) for folder in folders]
    key = tuple((str(path.resolve()), _stamp(path)) for _, paths in files for path in paths)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _load(files)
        pattern_cache.save()
    rules, problems = _cache[key]
    # The same list object each time (do not mutate it): the matcher's index is cached per list.
    return rules, [replace(problem, file=_shown(Path(problem.file))) for problem in problems]


def _rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def _load(files: list[tuple[Path, list[Path]]]) -> tuple[list[Rule], list[Problem]]:
    problems: list[Problem] = []
    contexts: dict[str, dict[str, list[str]]] = {}
    for _, paths in files:
        for path in paths:
            if path.name.startswith("_") and path.name != CATEGORIES_FILE:
                problems += _merge_contexts(path, contexts)
    rules: dict[str, Rule] = {}
    for _, paths in files:
        seen_here: dict[str, str] = {}
        for path in paths:
            if path.name.startswith("_"):
                continue
            rule, problem = _read_rule(path, contexts)
            if problem is not None:
                problems.append(problem)
                continue
            assert rule is not None
            if rule.id in seen_here:
                problems.append(
                    _problem(
                        path,
                        1,
                        f"rule id '{rule.id}' is also used by {seen_here[rule.id]}: "
                        "give each rule its own id",
                    )
                )
                continue
            seen_here[rule.id] = path.name
            rules[rule.id] = rule
    return sorted(rules.values(), key=lambda r: r.id), problems


def _read_rule(path: Path, contexts: ContextSets) -> tuple[Rule | None, Problem | None]:
    text, problem = _read(path)
    if problem is not None:
        return None, problem
    if path.suffix == ".yml":
        return None, _problem(path, None, "rule files must end in '.yaml': rename it")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        return None, _yaml_problem(path, error)
    try:
        return build_rule(data, contexts, source=_shown(path)), None
    except RuleError as error:
        return None, _problem(path, _line_of(text, error.where), str(error))


def _merge_contexts(path: Path, contexts: dict[str, dict[str, list[str]]]) -> list[Problem]:
    text, problem = _read(path)
    if problem is not None:
        return [problem]
    try:
        data = yaml.load(text, Loader=_Loader) or {}
    except yaml.YAMLError as error:
        return [_yaml_problem(path, error)]
    if not isinstance(data, dict):
        return [
            _problem(path, 1, "the context file must map names to {zh: [...], en: [...]} lists")
        ]
    problems: list[Problem] = []
    for name, by_lang in data.items():
        valid = isinstance(by_lang, dict) and all(
            isinstance(v, list) and all(isinstance(p, str) for p in v) for v in by_lang.values()
        )
        if not valid:
            problems.append(
                _problem(
                    path,
                    _line_of(text, (name,)),
                    f"context set '{name}' must map languages to lists of patterns",
                )
            )
            continue
        target = contexts.setdefault(str(name), {})
        for lang, items in by_lang.items():
            target.setdefault(str(lang), []).extend(items)
    return problems


def _read(path: Path) -> tuple[str, Problem | None]:
    try:
        return path.read_bytes().decode("utf-8-sig"), None
    except OSError as error:
        return "", _problem(path, None, f"the rule file cannot be read ({error.strerror})")
    except UnicodeDecodeError:
        return "", _problem(path, None, "the rule file is not UTF-8 text: re-save it as UTF-8")


def _yaml_problem(path: Path, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    what = getattr(error, "problem", None) or "the YAML is not valid"
    return _problem(
        path,
        mark.line + 1 if mark else None,
        f"YAML syntax error: {what}: check indentation and quote patterns "
        "(single quotes keep backslashes as they are)",
    )


def _line_of(text: str, where: tuple[str | int, ...]) -> int | None:
    """Line of the value at key path `where`, or of the deepest part of it that exists."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in where:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _problem(path: Path, line: int | None, message: str) -> Problem:
    """Cached with the absolute path; `load_rules` shows it relative to the current folder."""
    return Problem(str(path.resolve()), line, None, "error", "rule-file", message)


@lru_cache(maxsize=8)
def load_categories(extra_dirs: tuple[Path, ...] = ()) -> dict[str, dict[str, Any]]:
    """Category -> {what, law: {zh, en}, instead: {zh, en}}, from the built-in and the KB's
    `_categories.yaml` (cached: treat the result as read-only)."""
    found: dict[str, dict[str, Any]] = {}
    for folder in [BUILTIN_DIR, *(Path(d) for d in extra_dirs)]:
        path = folder / CATEGORIES_FILE
        if not path.is_file():
            continue
        text, problem = _read(path)
        try:
            data = yaml.load(text, Loader=_Loader) if problem is None else None
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            found.update({str(k): v for k, v in data.items() if isinstance(v, dict)})
    return found
