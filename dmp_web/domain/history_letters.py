"""The monthly history letter («Recevoir mon historique par courrier»): which month, its bounds
in France, and where one dossier's letter for one month stands, so that running the batch again,
or on a second server at the same time, never posts it twice.

Pure: every function takes `now`; the store keeps a `HistoryLetter` per dossier and month.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..formatting import MONTHS, PARIS

_MONTH = re.compile(r"(\d{4})-(\d{2})")
# A run that claimed a letter and stopped (killed, a crash) leaves it claimed: the next run takes
# it again once this while is over, with the same key, so the letter queue keeps one copy only.
CLAIM_LEASE = timedelta(hours=1)


def read_month(text: str) -> str:
    """"2026-11" as typed after --month; ValueError for anything else."""
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise ValueError(text)
    return found.group(0)


def previous_month(now: datetime) -> str:
    """The month before this one, in France: the batch's default."""
    local = now.astimezone(PARIS)
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, on French time."""
    year, number = int(month[:4]), int(month[5:7])
    start = datetime(year, number, 1, tzinfo=PARIS)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=PARIS)
    return start, end


def month_words(month: str) -> str:
    """«novembre 2026»."""
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


@dataclass(frozen=True)
class HistoryLetter:
    """One dossier's letter for one month: claimed by a run, then queued."""

    month: str
    once: str  # the letter queue's key (32 hex characters): the same letter is queued once
    claimed_at: datetime
    letter_id: str = ""
    sent_at: datetime | None = None

    def sent(self, letter_id: str, now: datetime) -> HistoryLetter:
        return replace(self, letter_id=letter_id, sent_at=now)


def claim(state: HistoryLetter | None, month: str, now: datetime, key: str) -> HistoryLetter | None:
    """This run may make the letter (the new state), or not (None): it is queued already, or
    another run claimed it a moment ago. `key` is used only for a first claim."""
    if state is None:
        return HistoryLetter(month, key, now)
    if state.sent_at is not None or now - state.claimed_at < CLAIM_LEASE:
        return None
    return replace(state, claimed_at=now)
