"""Translation drift: one side of a zh/en pair was changed and signed off again after the other
side was signed off, so the other side no longer says the same thing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..consistency import EntryLinks, parse_date
from ..hints import approve_hint
from ..model import Problem
from .history import HistoryError, fingerprint_on, signoffs

FingerprintOn = Callable[[Path, str], "str | None"]
SignOffs = Callable[[Path], list[tuple[str, str]]]


@dataclass(frozen=True)
class StaleTranslation:
    id: str
    file: str
    line: int | None
    column: int | None
    signed_on: str
    partner: str
    partner_file: str
    partner_lang: str | None
    partner_signed_on: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "partner": self.partner,
            "partner_file": self.partner_file,
            "partner_signed_on": self.partner_signed_on,
            "signed_on": self.signed_on,
        }

    def problem(self) -> Problem:
        lang = f"the {self.partner_lang} version" if self.partner_lang else "its translation"
        return Problem(
            self.file,
            self.line,
            self.column,
            "warning",
            "translation-stale",
            f"{lang} '{self.partner}' was changed and signed off again on {self.partner_signed_on}, "
            f"after this entry was signed off on {self.signed_on}: update this entry to say "
            f"the same ('kbtool review diff {self.partner}' shows the change), then sign it off "
            f"again with {approve_hint(self.id)}",
            self.id,
        )


def stale_translations(
    records: Iterable[EntryLinks],
    wanted: set[str] | None = None,
    lookup: FingerprintOn = fingerprint_on,
    history: SignOffs = signoffs,
) -> list[StaleTranslation]:
    """Entries (those in `wanted`, or all) whose translation partner's signed-off content
    changed after they were signed off. Needs git history; without it nothing is reported."""
    by_id = {record.id: record for record in records}
    pairs: dict[str, set[str]] = {}  # both directions: a link from either side makes a pair
    for record in by_id.values():
        for name, target, *_ in record.links:
            if name == "translations" and target != record.id:
                pairs.setdefault(record.id, set()).add(target)
                pairs.setdefault(target, set()).add(record.id)
    found: list[StaleTranslation] = []
    for entry_id, partners in sorted(pairs.items()):
        if entry_id not in by_id or (wanted is not None and entry_id not in wanted):
            continue
        record = by_id[entry_id]
        for partner_id in sorted(partners):
            partner = by_id.get(partner_id)
            stale = _stale(record, partner, lookup, history) if partner is not None else None
            if stale is not None:
                found.append(stale)
    return found


def _stale(
    record: EntryLinks, partner: EntryLinks, lookup: FingerprintOn, history: SignOffs
) -> StaleTranslation | None:
    mine, theirs = parse_date(record.reviewed_on), parse_date(partner.reviewed_on)
    if (
        mine is None
        or theirs is None
        or theirs <= mine
        or not partner.fingerprint
        or record.path is None
        or partner.path is None
    ):
        return None
    try:
        then = lookup(partner.path, mine.isoformat())
        if then is None or then == partner.fingerprint:
            return (
                None  # the partner's signed-off text is what it was when this entry was signed off
            )
        since = _waiting_since(_events(record, history), _events(partner, history))
    except HistoryError:
        return None
    if since is None:
        return None
    return StaleTranslation(
        record.id,
        record.file,
        *record.review_place,
        signed_on=mine.isoformat(),
        partner=partner.id,
        partner_file=partner.file,
        partner_lang=partner.lang,
        partner_signed_on=since,
    )


def _events(record: EntryLinks, history: SignOffs) -> list[tuple[str, bool]]:
    """(date, content changed) for each sign-off after the first, the current one included."""
    assert record.path is not None
    found = history(record.path)
    if (
        record.reviewed_on
        and record.fingerprint
        and (not found or found[-1] != (record.reviewed_on, record.fingerprint))
    ):
        found = [*found, (record.reviewed_on, record.fingerprint)]
    return [
        (on, stored != found[index - 1][1]) for index, (on, stored) in enumerate(found) if index
    ]


def _waiting_since(mine: list[tuple[str, bool]], theirs: list[tuple[str, bool]]) -> str | None:
    """Replay both sides' sign-offs in date order: a changed sign-off on one side leaves the other
    waiting, unless that side was itself catching up. The date this entry has waited since, or None."""
    waiting: str | None = None  # "mine" or "theirs": which side must catch up
    since = None
    events = sorted(
        [(on, "mine", changed) for on, changed in mine]
        + [(on, "theirs", changed) for on, changed in theirs],
        key=lambda event: event[0],
    )
    for on, side, changed in events:
        if not changed:
            continue
        if waiting == side:
            waiting = None
        else:
            waiting, since = ("theirs" if side == "mine" else "mine"), on
    return since if waiting == "mine" else None
