"""Carers («aidants»): up to 3 people a patient names, each with a purpose and dates.

A patient invites a carer (a code by message, or on a letter for a carer without e-mail); the
carer accepts with the code and makes an account of their own; from then on the policy decides
each of their acts from the grant (domain/access.py, the CARER actor kind): what they may see
(document categories), whether they may add documents, from when and until when. The patient
can end a grant at once; it ends by itself at its end date, and an invitation after 30 days.

What a carer never does, whatever the purpose: manage the DMP (sharing, blocks, rights, the
emergency choices, closing), change the patient's contacts or password, download the whole
DMP, or see a document the patient hid from carers (`Document.hidden_from_carers`).
EU health data space regulation, art. 4: such an access may be limited to a purpose and a period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from .documents import Category

MAX_CARERS = 3  # invitations waiting included
INVITATION_VALIDITY = timedelta(days=30)


class Purpose(str, Enum):
    READ = "read"
    READ_AND_ADD = "read_and_add"
    APPOINTMENTS_AND_TREATMENTS = "appointments_and_treatments"


@dataclass(frozen=True)
class PurposeRule:
    words: str  # what the patient chooses, in plain words
    categories: frozenset[Category]  # the documents the carer may read
    may_add: bool  # the patient's own kind of documents (documents.PATIENT_WRITABLE_TYPES)


ALL_CATEGORIES = frozenset(Category)
PURPOSES = {
    Purpose.READ: PurposeRule("voir mes documents", ALL_CATEGORIES, False),
    Purpose.READ_AND_ADD: PurposeRule("voir et ajouter des documents", ALL_CATEGORIES, True),
    Purpose.APPOINTMENTS_AND_TREATMENTS: PurposeRule(
        "mes rendez-vous et mes traitements seulement",
        frozenset({Category.REPORTS, Category.TREATMENTS, Category.VACCINATIONS}), False),
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

    @property
    def rule(self) -> PurposeRule:
        return PURPOSES[Purpose(self.purpose)]

    def invitation_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.ended_at is None and now < self.invited_at + INVITATION_VALIDITY

    def in_force(self, today: date) -> bool:
        """Accepted, not ended, and today within its dates."""
        return (self.accepted_at is not None and self.ended_at is None and self.starts_on <= today
                and (self.ends_on is None or today <= self.ends_on))
