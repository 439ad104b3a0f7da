"""Jinja filters that write dates and times the French way: «30 novembre 2026 à 14 h 05»."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


def date_fr(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date() if value.tzinfo else value.date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def time_fr(value: datetime) -> str:
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{local.hour} h {local.minute:02d}"


def spaced(code: str, size: int = 4) -> str:
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


def init_app(app) -> None:
    app.add_template_filter(date_fr)
    app.add_template_filter(time_fr)
    app.add_template_filter(spaced)
