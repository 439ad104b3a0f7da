"""Dates, times and codes written the French way, for pages, letters and messages alike."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def date_fr(value: date | datetime) -> str:
    """5 mars 2026; 1er mars 2026 (a datetime is shown on Paris time)."""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date() if value.tzinfo else value.date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def time_fr(value: datetime) -> str:
    """14 h 05, Paris time."""
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{local.hour} h {local.minute:02d}"


def group_code(code: str, size: int = 4) -> str:
    """RMGA DQEP 2KRG: a long code cut into groups, easier to read and copy."""
    code = "".join(code.split())
    return " ".join(code[i : i + size] for i in range(0, len(code), size))
