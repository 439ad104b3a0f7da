"""The rules of the notices we send to the patient: which way a person is reached, and the
pace of the two messages made from the journal, the hourly «un soignant a ouvert votre DMP» and
the daily «une personne qui vous aide a utilisé votre DMP» (carers, domain/carers.py).

Pure: every function takes `now`; the store keeps an `OpeningDigest` per dossier and message.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from ..formatting import PARIS
from .access import Action
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
class Pace:
    """How often a message made from the journal may go, and how it waits."""

    every: timedelta  # at most one message in this while
    lookback: timedelta  # a late message tells the acts of this last while, never older ones
    gather: timedelta = timedelta(0)  # the first act waits this long, so one visit's acts go together
    retry: timedelta = timedelta(hours=1)  # a message that did not go is tried again after this
    quiet: bool = False  # never at night (NIGHT, France time): it waits for the morning

    def daytime(self, at: datetime) -> datetime:
        """`at`, or the next morning at 8 h when `at` falls in the night and the pace is quiet."""
        local = at.astimezone(PARIS)
        if not self.quiet or NIGHT_ENDS <= local.hour < NIGHT_STARTS:
            return at
        day = local.date() + timedelta(days=1 if local.hour >= NIGHT_STARTS else 0)
        return datetime.combine(day, time(NIGHT_ENDS), PARIS).astimezone(at.tzinfo)


NIGHT_STARTS, NIGHT_ENDS = 21, 8  # an SMS at night wakes an elderly patient: none from 21 h to 8 h
OPENINGS_PACE = Pace(DIGEST_EVERY, DIGEST_LOOKBACK)
# What carers did: one message a day at most, an hour after the first act (the acts of one visit
# go together, and one message says them all). A letter goes once a week at most: paper every day
# is too much, and the history has every act.
CARERS_PACE = Pace(timedelta(days=1), timedelta(days=8), gather=timedelta(hours=1), quiet=True)
CARERS_BY_POST_PACE = Pace(timedelta(days=7), timedelta(days=15), gather=timedelta(hours=1), quiet=True)


@dataclass(frozen=True)
class OpeningDigest:
    """Where a dossier's message made from the journal stands: the hourly one of the openings,
    or the daily one of the carers' acts (each kept apart, services/notices.py)."""

    last_sent_at: datetime | None = None  # the last message («un soignant a ouvert votre DMP»)
    upto: int = 0  # journal entries before this place were told (or were before the patient asked)
    due_at: datetime | None = None  # a message waits for this time: openings within the hour

    def may_send(self, now: datetime, pace: Pace = OPENINGS_PACE) -> bool:
        """No message in the last hour: this opening is told at once."""
        return self.last_sent_at is None or now >= self.last_sent_at + pace.every

    def waiting(self, pace: Pace = OPENINGS_PACE) -> OpeningDigest:
        """An opening within the hour: it waits for the end of the hour after the last message."""
        return replace(self, due_at=self.due_at or self.last_sent_at + pace.every)

    def gathering(self, now: datetime, pace: Pace) -> OpeningDigest:
        """An act told later, never at once: at the end of its gathering while, not before the
        end of the while after the last message, never at night. One waiting already: kept."""
        if self.due_at is not None:
            return self
        due = now + pace.gather
        if self.last_sent_at is not None:
            due = max(due, self.last_sent_at + pace.every)
        return replace(self, due_at=pace.daytime(due))

    def is_due(self, now: datetime) -> bool:
        return self.due_at is not None and now >= self.due_at

    def sent(self, now: datetime, upto: int) -> OpeningDigest:
        return OpeningDigest(last_sent_at=now, upto=upto, due_at=None)

    def not_sent(self, before: OpeningDigest, now: datetime, pace: Pace = OPENINGS_PACE) -> OpeningDigest:
        """The message did not go: its openings are told with the next one, tried again in an hour
        (at most one failed try an hour; openings older than a day drop off by themselves)."""
        return OpeningDigest(last_sent_at=before.last_sent_at, upto=before.upto,
                             due_at=pace.daytime(now + pace.retry))

    def nothing_to_send(self, upto: int) -> OpeningDigest:
        """Nothing was left to tell (told already by another server): nothing waits."""
        return replace(self, upto=max(self.upto, upto), due_at=None)


@dataclass(frozen=True)
class Opening:
    """One professional who opened the DMP, and when (each time, in order)."""

    rpps: str
    who: str  # the name and the profession, as the message says them
    times: tuple[datetime, ...]


# What a carer may be told to have done: the policy's decisions (never a login, never a notice).
_POLICY_ACTIONS = frozenset(a.value for a in Action)


@dataclass(frozen=True)
class CarerActs:
    """What one carer did on the DMP in the while a message tells: how many acts the policy let
    through, how many it refused, from when to when. Never which document, nor what it holds."""

    carer_id: str
    name: str  # as the patient typed it when inviting (the grant's), else as the journal has it
    done: int = 0
    refused: int = 0
    times: tuple[datetime, ...] = field(default=(), repr=False)

    @property
    def first(self) -> datetime:
        return self.times[0]

    @property
    def last(self) -> datetime:
        return self.times[-1]


def carer_acts(entries: Iterable, names: Mapping[str, str]) -> list[CarerActs]:
    """Each carer's acts in these journal entries, in the order each first acted.

    The refused tries count too, told apart: a carer going beyond what the patient chose, or
    coming back after the patient ended the access, is what a misuse looks like, and the patient
    is the one who can end it. Nothing was shown: the message says so."""
    found: dict[str, CarerActs] = {}
    for entry in entries:
        if entry.actor_kind != "carer" or entry.action not in _POLICY_ACTIONS:
            continue
        acts = found.get(entry.actor_id) or CarerActs(entry.actor_id, names.get(entry.actor_id) or entry.actor_name)
        found[entry.actor_id] = replace(acts, done=acts.done + bool(entry.allowed),
                                        refused=acts.refused + (not entry.allowed), times=(*acts.times, entry.at))
    return list(found.values())
