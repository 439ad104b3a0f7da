"""«Remboursements»: the care the Assurance Maladie paid for, kept and shown for 24 months.

Pure: no clock is read here. Callers pass `today`, the day in France (see `local_day`).
Amounts are whole euro cents, so sums and comparisons are exact.
"""
from __future__ import annotations

import calendar
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from collections.abc import Iterable


WINDOW_MONTHS = 24


@dataclass(frozen=True)
class Reimbursement:
    """One act of care the Assurance Maladie reimbursed, as its file gives it."""

    nir: str
    care_date: date
    act: str  # «Consultation chez le médecin généraliste»
    professional: str  # who gave the care: a name, a pharmacy, a laboratory
    paid_cents: int  # what the care cost
    reimbursed_cents: int  # the part the Assurance Maladie paid back
    # Two identical rows in one file are two acts (two injections the same day): the second is
    # occurrence 2. Reading the same file again gives the same occurrences, hence the same keys.
    occurrence: int = 1

    def __post_init__(self):
        object.__setattr__(self, "act", " ".join(self.act.split()))
        object.__setattr__(self, "professional", " ".join(self.professional.split()))

    @property
    def key(self) -> str:
        """The same act always has the same key: importing it again adds nothing."""
        fields = [self.nir, self.care_date.isoformat(), self.act, self.professional, self.paid_cents,
                  self.reimbursed_cents, self.occurrence]
        canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]

    @property
    def identity(self) -> tuple:
        """Everything but the occurrence: rows equal on this are counted as occurrences."""
        return (self.nir, self.care_date, self.act, self.professional, self.paid_cents, self.reimbursed_cents)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; the last day of the month when that day does not exist."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_start(today: date) -> date:
    """The oldest day kept and shown: the same day, 24 months ago (included)."""
    return months_before(today, WINDOW_MONTHS)


def in_window(row: Reimbursement, today: date) -> bool:
    return row.care_date >= window_start(today)


def newest_first(rows: Iterable[Reimbursement]) -> list[Reimbursement]:
    """Newest first; on one day, in a fixed order (by act, then professional) so pages never shuffle."""
    by_content = sorted(rows, key=lambda r: (r.act, r.professional, r.occurrence, r.key))
    return sorted(by_content, key=lambda r: r.care_date, reverse=True)


def shown(rows: Iterable[Reimbursement], today: date) -> list[Reimbursement]:
    """What the patient sees: the last 24 months, newest first (an older row is never shown)."""
    return newest_first(r for r in rows if in_window(r, today))


@dataclass(frozen=True)
class Merge:
    rows: list[Reimbursement]  # what the dossier keeps, newest first
    added: int
    dropped: int  # rows that aged past 24 months

    @property
    def changed(self) -> bool:
        return bool(self.added or self.dropped)


def merge(existing: Iterable[Reimbursement], incoming: Iterable[Reimbursement], today: date) -> Merge:
    """The dossier's rows after an import: old ones dropped, new ones added, known ones unchanged."""
    existing = list(existing)
    kept = [r for r in existing if in_window(r, today)]
    keys = {r.key for r in kept}
    added = []
    for row in incoming:
        if in_window(row, today) and row.key not in keys:
            keys.add(row.key)
            added.append(row)
    return Merge(newest_first(kept + added), added=len(added), dropped=len(existing) - len(kept))


def number_occurrences(rows: Iterable[Reimbursement]) -> list[Reimbursement]:
    """Give identical rows of one file the occurrences 1, 2, 3… in file order."""
    seen: dict[tuple, int] = {}
    numbered = []
    for row in rows:
        seen[row.identity] = seen.get(row.identity, 0) + 1
        numbered.append(Reimbursement(*row.identity, occurrence=seen[row.identity]))
    return numbered


def euros(cents: int) -> str:
    """25,00 € — French style: a comma for decimals, spaces between thousands, never cut from €."""
    whole, rest = divmod(abs(cents), 100)
    # A full no-break space between thousands: the narrow one French print uses nearly vanishes
    # on screen in large type (measured in Chromium), and low-vision readers need the gap.
    grouped = f"{whole:,}".replace(",", "\u00a0")
    sign = "-" if cents < 0 else ""
    return f"{sign}{grouped},{rest:02d}\u00a0€"
