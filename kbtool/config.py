"""Per-knowledge-base settings, read from an optional `kbtool.yaml` at the top of the KB."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .loader import decode, display_path
from .model import ENTRY_TYPES, Problem

CONFIG_NAME = "kbtool.yaml"

DEFAULT_INTERVALS = {"condition": 12, "aftercare": 12, "referral": 12, "faq": 24}
"""Months until the next review when `review approve` is given no date or interval."""


@dataclass(frozen=True)
class KbConfig:
    """Settings a knowledge base may override; every one has a sensible default."""

    due_soon_days: int = 30
    review_intervals: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_INTERVALS))
    wording: dict[str, Any] = field(default_factory=dict)
    cache_dir: str | None = None
    specialties: dict[str, str] = field(default_factory=dict)
    """Local specialty name (compared by `specialty_key`) -> the canonical name it stands for."""
    staff_app: dict[str, Any] = field(default_factory=dict)
    """Sign-in settings of the staff app (`users_file`, `sso_header`, `trusted_proxies`)."""

    def specialty(self, name: object) -> str | None:
        """The canonical specialty for a name an entry or a filter uses (itself when unmapped)."""
        if not isinstance(name, str) or not name.strip():
            return None
        return self.specialties.get(specialty_key(name), name.strip())

    def specialty_names(self, name: str) -> set[str]:
        """Every name that stands for the same specialty as `name` (itself included)."""
        canonical = self.specialty(name)
        if canonical is None:
            return set()
        return {name, canonical} | {
            local for local, target in self.specialties.items() if target == canonical
        }


def specialty_key(name: str) -> str:
    """How specialty names are compared: case, full-width forms and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def load_config(kb: Path) -> tuple[KbConfig, list[Problem]]:
    """Read `<kb>/kbtool.yaml` if present; a bad setting is reported and its default kept."""
    path = kb / CONFIG_NAME
    if not path.is_file():
        return KbConfig(), []
    shown = display_path(path)

    def bad(message: str) -> tuple[KbConfig, list[Problem]]:
        return KbConfig(), [Problem(shown, None, None, "error", "config", message)]

    text, failure = decode(path.read_bytes())
    if failure is not None:
        return bad(failure[1])
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        return bad(f"the settings file is not valid YAML: {error}")
    if not isinstance(data, dict):
        return bad("the settings file must be a set of 'setting: value' lines")
    problems: list[Problem] = []
    known = {"review", "wording", "cache_dir", "specialties", "staff_app"}
    for key in sorted(set(data) - known):
        problems.append(
            Problem(
                shown,
                None,
                None,
                "warning",
                "config",
                f"unknown setting '{key}' is ignored (known: {', '.join(sorted(known))})",
            )
        )
    review = data.get("review") or {}
    due_soon = review.get("due_soon_days", 30) if isinstance(review, dict) else 30
    intervals = dict(DEFAULT_INTERVALS)
    raw_intervals = review.get("intervals_months", {}) if isinstance(review, dict) else {}
    if isinstance(raw_intervals, dict):
        for kind, months in raw_intervals.items():
            if kind in ENTRY_TYPES and isinstance(months, int) and 1 <= months <= 60:
                intervals[kind] = months
            else:
                problems.append(
                    Problem(
                        shown,
                        None,
                        None,
                        "error",
                        "config",
                        f"review.intervals_months.{kind}: use an entry type "
                        f"({', '.join(ENTRY_TYPES)}) and a number of months from 1 to 60",
                    )
                )
    if not isinstance(due_soon, int) or not 0 <= due_soon <= 365:
        problems.append(
            Problem(
                shown,
                None,
                None,
                "error",
                "config",
                "review.due_soon_days must be a number of days from 0 to 365",
            )
        )
        due_soon = 30
    specialties, specialty_problems = _specialties(data.get("specialties"), shown)
    problems += specialty_problems
    wording = data.get("wording") or {}
    cache_dir = data.get("cache_dir")
    staff_app = data.get("staff_app") or {}
    if not isinstance(staff_app, dict):
        problems.append(
            Problem(
                shown,
                None,
                None,
                "error",
                "config",
                "staff_app must be a set of settings, e.g. 'users_file: /etc/kbtool/users.json'",
            )
        )
        staff_app = {}
    config = KbConfig(
        due_soon_days=due_soon,
        review_intervals=intervals,
        wording=wording if isinstance(wording, dict) else {},
        cache_dir=str(cache_dir) if cache_dir else None,
        specialties=specialties,
        staff_app=staff_app,
    )
    return config, problems


def _specialties(raw: Any, shown: str) -> tuple[dict[str, str], list[Problem]]:
    """`specialties: {ENT: 耳鼻咽喉科, ...}`: local names -> canonical; a canonical name maps to itself."""
    if raw is None:
        return {}, []
    wrong = [
        Problem(
            shown,
            None,
            None,
            "error",
            "config",
            "specialties: write one 'local name: canonical name' line per name, "
            "e.g. 'ENT: 耳鼻咽喉科'",
        )
    ]
    if not isinstance(raw, dict):
        return {}, wrong
    mapping: dict[str, str] = {}
    for local, canonical in raw.items():
        if not isinstance(local, str) or not isinstance(canonical, str) or not canonical.strip():
            return {}, wrong
        mapping[specialty_key(canonical)] = canonical.strip()
    for local, canonical in raw.items():
        mapping[specialty_key(local)] = canonical.strip()
    return mapping, []
