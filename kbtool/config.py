"""Per-knowledge-base settings, read from an optional `kbtool.yaml` at the top of the KB."""

from __future__ import annotations

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
    staff_app: dict[str, Any] = field(default_factory=dict)
    """Sign-in settings of the staff app (`users_file`, `sso_header`, `trusted_proxies`)."""


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
    known = {"review", "wording", "cache_dir", "staff_app"}
    for key in sorted(set(data) - known):
        problems.append(Problem(shown, None, None, "warning", "config",
                                f"unknown setting '{key}' is ignored (known: {', '.join(sorted(known))})"))
    review = data.get("review") or {}
    due_soon = review.get("due_soon_days", 30) if isinstance(review, dict) else 30
    intervals = dict(DEFAULT_INTERVALS)
    raw_intervals = review.get("intervals_months", {}) if isinstance(review, dict) else {}
    if isinstance(raw_intervals, dict):
        for kind, months in raw_intervals.items():
            if kind in ENTRY_TYPES and isinstance(months, int) and 1 <= months <= 60:
                intervals[kind] = months
            else:
                problems.append(Problem(shown, None, None, "error", "config",
                                        f"review.intervals_months.{kind}: use an entry type "
                                        f"({', '.join(ENTRY_TYPES)}) and a number of months from 1 to 60"))
    if not isinstance(due_soon, int) or not 0 <= due_soon <= 365:
        problems.append(Problem(shown, None, None, "error", "config",
                                "review.due_soon_days must be a number of days from 0 to 365"))
        due_soon = 30
    wording = data.get("wording") or {}
    cache_dir = data.get("cache_dir")
    staff_app = data.get("staff_app") or {}
    if not isinstance(staff_app, dict):
        problems.append(Problem(shown, None, None, "error", "config",
                                "staff_app must be a set of settings, e.g. 'users_file: /etc/kbtool/users.json'"))
        staff_app = {}
    config = KbConfig(
        due_soon_days=due_soon,
        review_intervals=intervals,
        wording=wording if isinstance(wording, dict) else {},
        cache_dir=str(cache_dir) if cache_dir else None,
        staff_app=staff_app,
    )
    return config, problems
