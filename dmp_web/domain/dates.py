"""Days as people and files write them, and the day it is in France. Pure: callers pass `today`
(from the app's clock, through `local_day`), so tests and batch jobs control it."""
from __future__ import annotations

import re
from datetime import date, datetime

from ..formatting import PARIS

# Typed by a person: 14/03/1942, 14.3.1942, 14-03-1942, 14 03 1942, or 1942-03-14.
_TYPED = re.compile(r"(?P<day>\d{1,2})[/.\- ](?P<month>\d{1,2})[/.\- ](?P<year>\d{4})"
                    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})")
# In a file made by software: exactly 14/03/1942 or 1942-03-14, in ASCII digits.
_FILED = re.compile(r"(?P<day>\d{2})/(?P<month>\d{2})/(?P<year>\d{4})"
                    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})", re.ASCII)


class BadDate(ValueError):
    """code: "format" (not a date as we read them), "calendar" (no such day), "future"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def local_day(now: datetime) -> date:
    """The day it is in France: days change at midnight in Paris, not in UTC."""
    return now.astimezone(PARIS).date() if now.tzinfo else now.date()


def read_day(raw: str, today: date, *, typed: bool, allow_future: bool = False) -> date:
    """The day written in `raw`. typed: a person typed it (separators and single digits are
    accepted); else it comes from a file, in one of its two exact forms."""
    found = (_TYPED if typed else _FILED).fullmatch(raw.strip())
    if not found:
        raise BadDate("format")
    parts = found.groupdict()
    prefix = "" if parts["year"] else "iso_"
    try:
        day = date(int(parts[prefix + "year"]), int(parts[prefix + "month"]), int(parts[prefix + "day"]))
    except ValueError:
        raise BadDate("calendar") from None
    if day > today and not allow_future:
        raise BadDate("future")
    return day
