"""Commands quoted in messages, written once so every hint can be run as printed."""

from __future__ import annotations

REVIEWER_PLACEHOLDER = '"NAME (ROLE)"'
"""What `--by` takes: the reviewer's name and role, or (with a reviewer registry) their id or name."""


def approve_command(entry_id: str) -> str:
    """The sign-off command for one entry, with the one part a clinician must fill in."""
    return f"kbtool review approve {entry_id} --by {REVIEWER_PLACEHOLDER}"


def approve_hint(entry_id: str) -> str:
    """The sign-off command in quotes, as messages show it."""
    return f"'{approve_command(entry_id)}'"
