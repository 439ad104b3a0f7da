"""Carers («aidants»): up to 3 people a patient names, each with a purpose and dates.

A patient invites a carer (a code by message, or on a letter for a carer without e-mail); the
carer accepts with the code and makes an account of their own; from then on the policy decides
each of their acts from the grant (domain/access.py, the CARER actor kind): what they may see
(document categories), whether they may add documents, from when and until when. The patient
can end a grant at once; it ends by itself at its end date, and an invitation after 30 days.

What a carer never does, whatever the purpose: manage the DMP (sharing, blocks, rights, the
emergency choices, closing), change the patient's contacts or password, download the whole
DMP, or see a document the patient hid from carers (`Document.hidden_from_carers`), nor one a
professional kept from a minor's representatives (`Document.hidden_from_representatives`).
EU health data space regulation, art. 4: such an access may be limited to a purpose and a period.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from ..formatting import date_fr
from .dates import local_day
from .documents import Category
from .credentials import CODE_ALPHABET, normalize_code

MAX_CARERS = 3  # invitations waiting included
# The code alone opens an invitation (no birth date with it, as a sharing code has): 12 of the 31
# letters that read like no other, about 8 × 10^17 codes, so that even millions of open invitations
# and a network of addresses at the rate limits find none by guessing. Printed in groups of 4.
INVITATION_CODE_LENGTH = 12
INVITATION_VALIDITY = timedelta(days=30)
# How the invitation's code goes to the carer: a message we send, or a letter the patient prints
# (for a carer without e-mail). "" in the grants made before the patient chose, and for callers
# that hand the code over themselves.
SENT_BY = ("sms", "email", "letter")


class Purpose(str, Enum):
    READ = "read"
    READ_AND_ADD = "read_and_add"
    APPOINTMENTS_AND_TREATMENTS = "appointments_and_treatments"


@dataclass(frozen=True)
class PurposeRule:
    words: str  # what the patient chooses, in plain words
    categories: frozenset[Category]  # the documents the carer may read
    may_add: bool  # the patient's own kind of documents (documents.PATIENT_WRITABLE_TYPES)
    carer_words: str = ""  # the same, said to the carer (the invitation letter)


ALL_CATEGORIES = frozenset(Category)
PURPOSES = {
    Purpose.READ: PurposeRule("voir mes documents", ALL_CATEGORIES, False, "voir ses documents"),
    Purpose.READ_AND_ADD: PurposeRule("voir et ajouter des documents", ALL_CATEGORIES, True,
                                      "voir ses documents et en ajouter"),
    Purpose.APPOINTMENTS_AND_TREATMENTS: PurposeRule(
        "mes rendez-vous et mes traitements seulement",
        frozenset({Category.REPORTS, Category.TREATMENTS, Category.VACCINATIONS}), False,
        "voir ses rendez-vous et ses traitements seulement"),
}


@dataclass
class CarerGrant:
    id: str
    name: str  # as the patient typed it
    purpose: str  # a Purpose value
    starts_on: date
    ends_on: date | None
    invited_at: datetime
    code_digest: str  # the invitation's code, as an HMAC: never the code
    accepted_at: datetime | None = None
    carer_id: str = ""  # the carer's account, once accepted
    ended_at: datetime | None = None  # the patient ended it, or the invitation was cancelled
    # at the end, with defaults: the records written before them read as they were
    sent_by: str = ""  # one of SENT_BY, or "" (not said)
    contact: str = ""  # the mobile or the e-mail the code went to; "" for a letter

    @property
    def rule(self) -> PurposeRule:
        return PURPOSES[Purpose(self.purpose)]

    def invitation_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.ended_at is None and now < self.invited_at + INVITATION_VALIDITY

    def in_force(self, today: date) -> bool:
        """Accepted, not ended, and today within its dates."""
        return (self.accepted_at is not None and self.ended_at is None and self.starts_on <= today
                and (self.ends_on is None or today <= self.ends_on))


class CarerRefusal(Exception):
    """Why an invitation cannot be made: "too_many" (3 carers), "dates" (the end before the start,
    or a start in the past: `dates_problem`), "purpose" (not one of PURPOSES), "name" (empty),
    "sent_by" (not one of SENT_BY), "contact" (no mobile or e-mail for a message, one for a letter)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def counted(dossier, now: datetime) -> list[CarerGrant]:
    """The carers that count against MAX_CARERS: in force or to come, and invitations still open
    (an access past its end date is over: its place is free)."""
    return [g for g in dossier.carers if g.invitation_open(now) or _not_over(g, local_day(now))]


def _not_over(grant: CarerGrant, today: date) -> bool:
    """Accepted, not ended by the patient, and its end date not passed: in force or to come."""
    return (grant.accepted_at is not None and grant.ended_at is None
            and (grant.ends_on is None or today <= grant.ends_on))


def dates_problem(starts_on: date, ends_on: date | None, today: date) -> str:
    """What is wrong with a grant's dates: "start_past", "end_before_start", or ""."""
    if starts_on < today:
        return "start_past"
    if ends_on is not None and ends_on < starts_on:
        return "end_before_start"
    return ""


def new_invitation_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(INVITATION_CODE_LENGTH))


def invitation_code(typed: str) -> str | None:
    """The code as typed (spaces, dashes and case do not matter), or None if it cannot be one."""
    code = normalize_code(typed)
    if len(code) != INVITATION_CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def invitation_digest(code: str, pepper: bytes) -> str:
    """An invitation's code is kept and looked up as a digest, apart from the sharing codes' ones."""
    if not isinstance(pepper, bytes) or len(pepper) < 32:
        raise ValueError("an invitation code is hashed with a server key of at least 32 bytes")
    return hmac.new(pepper, b"carer-invitation|" + code.encode("ascii"), hashlib.sha256).hexdigest()


def invite(dossier, *, name: str, purpose: str, starts_on: date, ends_on: date | None, now: datetime,
           today: date, pepper: bytes, sent_by: str = "", contact: str = "") -> tuple[str, CarerGrant]:
    """A new invitation on the dossier: its code (shown or printed once, kept nowhere) and its grant."""
    if not name.strip():
        raise CarerRefusal("name")
    if purpose not in {p.value for p in Purpose}:
        raise CarerRefusal("purpose")
    if dates_problem(starts_on, ends_on, today):
        raise CarerRefusal("dates")
    if sent_by and sent_by not in SENT_BY:
        raise CarerRefusal("sent_by")
    if bool(contact.strip()) != (sent_by in ("sms", "email")):
        raise CarerRefusal("contact")
    if len(counted(dossier, now)) >= MAX_CARERS:
        raise CarerRefusal("too_many")
    code = new_invitation_code()
    grant = CarerGrant(secrets.token_hex(8), name.strip(), purpose, starts_on, ends_on, now,
                       invitation_digest(code, pepper), sent_by=sent_by, contact=contact.strip())
    dossier.carers.append(grant)
    return code, grant


def end(dossier, grant_id: str, now: datetime) -> CarerGrant | None:
    """The patient ends a carer's access, or cancels an invitation, at once; None if there is none."""
    grant = dossier.carer_grant(grant_id)
    if grant is None or grant.ended_at is not None:
        return None
    grant.ended_at = now
    return grant


def expires_at(grant: CarerGrant) -> datetime:
    return grant.invited_at + INVITATION_VALIDITY


def in_words(grant: CarerGrant, today: date, now: datetime) -> str:
    """One line of « Mes aidants »: who, what for, and where the access stands."""
    dates = f"à partir du {date_fr(grant.starts_on)}"  # the site's way to write a date
    if grant.ends_on is not None:
        dates += f", jusqu’au {date_fr(grant.ends_on)}"
    if grant.ended_at is not None:
        state = "Cet accès est fini."
    elif grant.accepted_at is None:
        open_ = grant.invitation_open(now)
        state = "L’invitation attend sa réponse." if open_ else "L’invitation n’a pas eu de réponse."
    elif grant.in_force(today):
        state = "Cet accès est ouvert."
    elif today < grant.starts_on:
        state = "Cet accès n’a pas encore commencé."
    else:
        state = "Cet accès est fini."
    # 3 sentences: said as one, a purpose with both dates is longer than 15 words (FALC)
    return f"{grant.name} : {grant.rule.words}. {dates[:1].upper()}{dates[1:]}. {state}"


# -- the carer's side: accepting an invitation ------------------------------------------------

CARER_ID_PREFIX = "ai"


def new_carer_id() -> str:
    """« ai » and 8 digits: short to type, never the shape of an RPPS number, a patient's
    identifier or a desk agent's («ag» and 6 digits). The caller checks it is free."""
    return f"{CARER_ID_PREFIX}{secrets.randbelow(10 ** 8):08d}"


def is_carer_id(login_id: str) -> bool:
    return len(login_id) == 10 and login_id.startswith(CARER_ID_PREFIX) and login_id[2:].isdigit()


def invitation_of(dossier, digest: str, now: datetime) -> CarerGrant | None:
    """The open invitation whose code has this digest, if any (else the code opens nothing)."""
    return next((g for g in dossier.carers if g.code_digest == digest and g.invitation_open(now)), None)


def accept(dossier, grant_id: str, carer_id: str, now: datetime) -> CarerGrant:
    """The carer accepts with the invitation's code: the grant is theirs from now on.
    CarerRefusal("invitation_closed") when it was cancelled, used or is over 30 days old;
    CarerRefusal("already_carer") when this person already has a grant on this DMP still counted."""
    grant = dossier.carer_grant(grant_id)
    if grant is None or not grant.invitation_open(now):
        raise CarerRefusal("invitation_closed")
    today = local_day(now)
    if any(g.carer_id == carer_id and _not_over(g, today) for g in dossier.carers):
        raise CarerRefusal("already_carer")
    grant.accepted_at = now
    grant.carer_id = carer_id
    return grant


def grant_of(dossier, carer_id: str) -> CarerGrant | None:
    """This person's grant on the dossier, the latest they accepted (in force or not)."""
    mine = [g for g in dossier.carers if g.carer_id == carer_id and g.accepted_at is not None]
    return max(mine, key=lambda g: g.accepted_at) if mine else None


def state_for_carer(grant: CarerGrant, today: date) -> str:
    """Where the access stands, told to the carer: "open", "not_yet" or "over"."""
    if grant.in_force(today):
        return "open"
    if grant.ended_at is None and today < grant.starts_on:
        return "not_yet"
    return "over"
