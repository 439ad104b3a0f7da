"""« Je me fais aider »: someone sits beside the patient for one visit (issue 18, item 5).

The helper (a France Services adviser, someone of an association, a neighbour…) has no account
and gets nothing after the visit: they are only named, in a banner on the patient's pages and
in every journal entry the patient's side writes meanwhile. A helped visit ends at the first
of these: the patient ends it (« Finir l’aide »), logs out, their session ends, or DURATION has
passed since it started. One at a time: another starts only once it has ended.

Pure: the web layer keeps the visit in the patient's session, the services journal it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DURATION_HOURS = 2
DURATION = timedelta(hours=DURATION_HOURS)
NAME_MAX = 60  # the helper's name, as typed
ORGANISATION_MAX = 60  # where they come from, as typed: «France Services», «voisine»…

# Why a helped visit ended: the notes of its journal entry (domain/details.py NOTES).
ENDED_BY_PATIENT = "help_ended_by_patient"
ENDED_AT_LOGOUT = "help_ended_at_logout"
ENDED_WITH_SESSION = "help_ended_with_session"
ENDED_AFTER_DURATION = "help_ended_after_2_hours"
ENDINGS = frozenset({ENDED_BY_PATIENT, ENDED_AT_LOGOUT, ENDED_WITH_SESSION, ENDED_AFTER_DURATION})


def tidy(text: str) -> str:
    """A typed text on one line, its spaces single."""
    return " ".join((text or "").split())


@dataclass(frozen=True)
class Helper:
    """Who helps, as the patient typed it. Not checked here, so that an entry written under
    other limits still reads back: `typed` checks what a patient sends."""

    name: str
    organisation: str

    @classmethod
    def typed(cls, name: str, organisation: str) -> Helper:
        helper = cls(tidy(name), tidy(organisation))
        if not helper.name or not helper.organisation:
            raise ValueError("a helper needs a name and an organisation")
        if len(helper.name) > NAME_MAX or len(helper.organisation) > ORGANISATION_MAX:
            raise ValueError("a helper's name or organisation is too long")
        return helper

    @property
    def label(self) -> str:
        """«Marie DUPONT (France Services)»: how the banner and the history name them."""
        return f"{self.name} ({self.organisation})"

    def stored(self) -> dict:
        return {"name": self.name, "from": self.organisation}

    @classmethod
    def from_stored(cls, row: dict) -> Helper:
        return cls(row.get("name", ""), row.get("from", ""))


@dataclass(frozen=True)
class HelpedVisit:
    helper: Helper
    started_at: datetime

    @property
    def ends_at(self) -> datetime:
        return self.started_at + DURATION

    def in_force(self, now: datetime) -> bool:
        """Still running at `now`: started, and DURATION not yet passed (the other ends, a
        logout or the session's, take the visit out of the session)."""
        return self.started_at <= now < self.ends_at

    def ending(self, asked: str, now: datetime) -> str:
        """Why it ends, when `asked` (one of ENDINGS) comes at `now`: once DURATION has passed,
        that is the reason, whatever came after."""
        if asked not in ENDINGS:
            raise ValueError(f"unknown ending {asked!r}")
        return asked if self.in_force(now) else ENDED_AFTER_DURATION
