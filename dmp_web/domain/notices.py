"""The rules of the notices we send when a professional opens a DMP: which way a person is
reached, and the pace of the hourly message «un soignant a ouvert votre DMP».

Pure: every function takes `now`; the store keeps an `OpeningDigest` per dossier.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .phones import BadPhone, read_phone

# At most one message an hour per dossier: the first opening is told at once, the next ones of
# that hour wait and go together at its end.
DIGEST_EVERY = timedelta(hours=1)
# A message the worker sends late (it was stopped) still lists the openings of this last while,
# never older ones: the history of accesses has them all.
DIGEST_LOOKBACK = timedelta(days=1)

SMS, EMAIL, POST = "sms", "email", "post"


def is_mobile(phone: str) -> bool:
    """A French mobile (06 or 07), which can receive an SMS; a fixed line cannot."""
    try:
        read_phone(phone, mobile=True)
    except BadPhone:
        return False
    return True


def channel_for(mobile: str, email: str, preferred: str) -> str | None:
    """How to reach an account: SMS or e-mail, None without either.

    With both, the way the person chose for their login codes (`preferred`, "sms" or "email"):
    it is the one they read, and one message is enough (two would tell twice the same thing)."""
    ways = {SMS: bool(mobile), EMAIL: bool(email)}
    if ways.get(preferred):
        return preferred
    return next((way for way in (SMS, EMAIL) if ways[way]), None)


def holder_channels(mobile: str, email: str, preferred: str, by_post: bool, *, every: bool = False
                    ) -> tuple[str, ...]:
    """How the patient is told of anything (a new document, an emergency access, a report handled,
    a new password, a new contact): the way of their login codes, the other contact if that one is
    missing, and a letter when they have neither or asked for letters («Recevoir mes messages par
    courrier»).

    every: a notice about the account itself (a new password, a new contact) goes to each contact
    the patient has: whoever made the change may hold one of them, so the other one must hear it."""
    if by_post:
        return (POST,)
    if every:
        return tuple(way for way, contact in ((SMS, mobile), (EMAIL, email)) if contact) or (POST,)
    return (channel_for(mobile, email, preferred) or POST,)


def trusted_person_channel(phone: str, email: str) -> str | None:
    """The trusted person gets an SMS when their phone is a mobile (read at once, in an
    emergency), else an e-mail when the patient gave one; None when neither can be used."""
    if phone and is_mobile(phone):
        return SMS
    return EMAIL if email else None


@dataclass(frozen=True)
class OpeningDigest:
    """Where a dossier's hourly message stands."""

    last_sent_at: datetime | None = None  # the last message («un soignant a ouvert votre DMP»)
    upto: int = 0  # journal entries before this place were told (or were before the patient asked)
    due_at: datetime | None = None  # a message waits for this time: openings within the hour

    def may_send(self, now: datetime) -> bool:
        """No message in the last hour: this opening is told at once."""
        return self.last_sent_at is None or now >= self.last_sent_at + DIGEST_EVERY

    def waiting(self) -> OpeningDigest:
        """An opening within the hour: it waits for the end of the hour after the last message."""
        return replace(self, due_at=self.due_at or self.last_sent_at + DIGEST_EVERY)

    def is_due(self, now: datetime) -> bool:
        return self.due_at is not None and now >= self.due_at

    def sent(self, now: datetime, upto: int) -> OpeningDigest:
        return OpeningDigest(last_sent_at=now, upto=upto, due_at=None)

    def not_sent(self, before: OpeningDigest, now: datetime) -> OpeningDigest:
        """The message did not go: its openings are told with the next one, tried again in an hour
        (at most one failed try an hour; openings older than a day drop off by themselves)."""
        return OpeningDigest(last_sent_at=before.last_sent_at, upto=before.upto, due_at=now + DIGEST_EVERY)

    def nothing_to_send(self, upto: int) -> OpeningDigest:
        """Nothing was left to tell (told already by another server): nothing waits."""
        return replace(self, upto=max(self.upto, upto), due_at=None)


@dataclass(frozen=True)
class Opening:
    """One professional who opened the DMP, and when (each time, in order)."""

    rpps: str
    who: str  # the name and the profession, as the message says them
    times: tuple[datetime, ...]
