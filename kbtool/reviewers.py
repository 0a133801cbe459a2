"""The reviewer registry, `<kb>/reviewers.yaml`: who may sign entries off, for which specialties.

Without the file everything works as before (`--by` is free text). With it, `review approve --by`
must name a registered reviewer, and `check` reports sign-offs by anyone else, or outside the
reviewer's specialties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .config import KbConfig
from .loader import decode, display_path
from .model import Entry, Problem

REGISTRY_NAME = "reviewers.yaml"
ANY_SPECIALTY = "*"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_OPENING = ("(", "（", " ", ",", "，")


@dataclass(frozen=True)
class Reviewer:
    id: str
    name: str
    role: str
    specialties: tuple[str, ...]
    email: str | None = None

    @property
    def signature(self) -> str:
        """What a sign-off records: the name with the role, as patients and staff see it."""
        return (
            f"{self.name} ({self.role})" if self.name.isascii() else f"{self.name}（{self.role}）"
        )

    def signed(self, text: str) -> bool:
        """True when a `reviewed_by` line names this reviewer (by id, name, or name and role)."""
        text = text.strip()
        if text in (self.id, self.name, self.signature):
            return True
        return text.startswith(self.name) and text[len(self.name) :][:1] in _OPENING

    def covers(self, canonical_specialty: str | None, config: KbConfig) -> bool:
        if canonical_specialty is None or ANY_SPECIALTY in self.specialties:
            return True
        return canonical_specialty in {config.specialty(name) for name in self.specialties}


@dataclass(frozen=True)
class Registry:
    file: str
    reviewers: tuple[Reviewer, ...]

    def find(self, text: str) -> Reviewer | None:
        """The reviewer a `--by` value or a `reviewed_by` line names, or None."""
        return next((r for r in self.reviewers if r.signed(text)), None)

    def ids(self) -> str:
        return ", ".join(r.id for r in self.reviewers)


def load_registry(kb: Path) -> tuple[Registry | None, list[Problem]]:
    """Read `<kb>/reviewers.yaml` if present; each bad reviewer is reported and left out."""
    path = kb / REGISTRY_NAME
    if not path.is_file():
        return None, []
    shown = display_path(path)
    text, failure = decode(path.read_bytes())
    if failure is not None:
        return Registry(shown, ()), [
            Problem(shown, failure[0], None, "error", "reviewers", failure[1])
        ]
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        return Registry(shown, ()), [
            Problem(
                shown,
                None,
                None,
                "error",
                "reviewers",
                f"the reviewer list is not valid YAML: {error}",
            )
        ]
    items = data.get("reviewers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return Registry(shown, ()), [
            Problem(
                shown,
                1,
                1,
                "error",
                "reviewers",
                "write the reviewers as a list under 'reviewers:', "
                "each with id, name, role and specialties",
            )
        ]
    reviewers: list[Reviewer] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        reviewer, message = _reviewer(item)
        if reviewer is None:
            problems.append(
                Problem(shown, None, None, "error", "reviewers", f"reviewers[{index}]: {message}")
            )
        elif any(other.id == reviewer.id for other in reviewers):
            problems.append(
                Problem(
                    shown,
                    None,
                    None,
                    "error",
                    "reviewers",
                    f"reviewer id '{reviewer.id}' is listed twice: ids must be unique",
                )
            )
        else:
            reviewers.append(reviewer)
    return Registry(shown, tuple(reviewers)), problems


def _reviewer(item: Any) -> tuple[Reviewer | None, str]:
    if not isinstance(item, dict):
        return None, "each reviewer is a group of 'id:', 'name:', 'role:' and 'specialties:' lines"
    texts = {name: item.get(name) for name in ("id", "name", "role")}
    missing = [
        name for name, value in texts.items() if not isinstance(value, str) or not value.strip()
    ]
    if missing:
        return None, f"add {', '.join(repr(name) for name in missing)}"
    if not _ID.match(str(texts["id"])):
        return (
            None,
            f"id '{texts['id']}' must be lowercase letters, digits and hyphens, e.g. dr-wang-li",
        )
    specialties = item.get("specialties")
    if (
        not isinstance(specialties, list)
        or not specialties
        or not all(isinstance(name, str) and name.strip() for name in specialties)
    ):
        return None, (
            f"'{texts['id']}' needs 'specialties:', a list of the specialties they may sign "
            f'off (or ["{ANY_SPECIALTY}"] for any)'
        )
    email = item.get("email")
    return Reviewer(
        id=str(texts["id"]),
        name=str(texts["name"]).strip(),
        role=str(texts["role"]).strip(),
        specialties=tuple(name.strip() for name in specialties),
        email=email.strip() if isinstance(email, str) and email.strip() else None,
    ), ""


def reviewed_by(entry: Entry) -> list[str]:
    """The entry's `review.reviewed_by` as a list of lines."""
    value = entry.review.get("reviewed_by")
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def signoff_problems(entry: Entry, registry: Registry | None, config: KbConfig) -> list[Problem]:
    """Sign-offs by someone not in the registry, or by no one covering the entry's specialty."""
    if registry is None or not entry.review.get("reviewed_on"):
        return []
    line, column = entry.position(("review", "reviewed_by"))
    names = reviewed_by(entry)
    found = [registry.find(name) for name in names]
    problems = [
        Problem(
            entry.file,
            line,
            column,
            "error",
            "reviewer-unknown",
            f"signed off by '{name}', who is not in {registry.file}: add them to the reviewer list "
            f"if they may sign off, or have a registered reviewer ({registry.ids()}) sign it off",
            entry.id,
        )
        for name, reviewer in zip(names, found)
        if reviewer is None
    ]
    known = [reviewer for reviewer in found if reviewer is not None]
    specialty = config.specialty(entry.data.get("specialty"))
    if known and not any(reviewer.covers(specialty, config) for reviewer in known):
        who = ", ".join(f"{r.id} ({'/'.join(r.specialties)})" for r in known)
        problems.append(
            Problem(
                entry.file,
                line,
                column,
                "error",
                "reviewer-specialty",
                f"signed off by {who}, outside their specialties for an entry of "
                f"{specialty}: have a {specialty} reviewer sign it off, or add the "
                f"specialty to the reviewer in {registry.file}",
                entry.id,
            )
        )
    return problems
