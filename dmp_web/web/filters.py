"""Jinja filters: French dates and times, codes in groups."""
from __future__ import annotations

from ..formatting import date_fr, group_code, time_fr


def init_app(app) -> None:
    app.add_template_filter(date_fr)
    app.add_template_filter(time_fr)
    app.add_template_filter(group_code, "spaced")
