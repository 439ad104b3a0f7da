"""The dossier itself: whose it is, the consent to its creation, open or closed."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from .actors import Holder, LegalRepresentative
from .carers import CarerGrant
from .identity import Ins
from .representatives import (
    FIRST_SLOT, MAX_REPRESENTATIVES, SECOND_SLOT, Representative, representative_id_of,
)
from .sharing import Share, SharingCode


def new_dossier_id() -> str:
    return secrets.token_hex(12)


@dataclass
class Consent:
    """Consent to the creation of the dossier, recorded in it."""

    given_by: str  # "holder" or "legal_representative"
    recorded_by: str  # who asked: "online" or an actor's description
    at: datetime
    channel: str  # "online", "desk", "pharmacy", "doctor"
    representative_name: str = ""


@dataclass
class Dossier:
    id: str
    holder_nir: str
    ins_c: str
    created_at: datetime
    consent: Consent
    status: str = "open"  # "open" or "closed"
    closed_at: datetime | None = None
    # The INS that identifies the patient (domain/identity.py Ins): the matricule and its OID. Its
    # 5 traits stay in the register. "" in a dossier written before: `flask migrate-store` (files)
    # or the schema's version 14 (PostgreSQL) fills them from the register.
    ins: str = ""
    ins_oid: str = ""
    # The patient's 3 emergency switches (first connection, step 3, then «Gestion du DMP»); None
    # until chosen, which the policy reads as no. Turning one of the first two off ends the
    # accesses of its kind opened before (`*_ended_at`), so turning it on again revives none.
    regulator_access: bool | None = None  # the SAMU–Centre 15 regulator, during a call
    break_glass_access: bool | None = None  # bris de glace
    hidden_in_emergency: bool = False  # hidden documents may be read during an emergency access
    regulator_ended_at: datetime | None = None
    break_glass_ended_at: datetime | None = None
    # Rows written before the switches said one yes or no for both kinds of emergency: read into
    # the first two switches by __post_init__, then always None.
    emergency_access: bool | None = None
    attending_doctor_rpps: str = ""
    # the patient's settings the access policy reads (managed from «Gestion du DMP»)
    blocked_rpps: list[str] = field(default_factory=list)
    attending_rights_rpps: list[str] = field(default_factory=list)
    # the care team («équipe de soins»): professionals who noted the patient's agreement; the
    # médecin traitant and the doctors given his rights need not be in it
    care_team_rpps: list[str] = field(default_factory=list)
    alert_new_documents: bool = False
    # «Me prévenir quand un soignant ouvre mon DMP»: since when the patient asked it (None: not
    # asked). The moment, not a yes: the hourly message never lists openings from before it.
    alert_openings_since: datetime | None = None
    # «Recevoir mes messages par courrier»: every notice to the patient is a letter (services/notices.py
    # tell_holder); «Recevoir mon historique par courrier»: a letter each month with the month's accesses
    # (services/history_letters.py)
    notices_by_post: bool = False
    history_by_post: bool = False
    # a minor's parents or guardian, who act for them until 18 (domain/representatives.py)
    representatives: list[Representative] = field(default_factory=list)
    # Rows written before there could be two said one name and link: read into `representatives`
    # by __post_init__, then always "".
    legal_representative_name: str = ""
    legal_representative_link: str = ""
    # sharing codes (domain/sharing.py): the live codes the patient made (digests only), and the
    # professionals who used one and may read, as the care team does, for 24 hours
    sharing_codes: list[SharingCode] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    # the carers the patient named (domain/carers.py): invitations, grants in force, ended ones
    carers: list[CarerGrant] = field(default_factory=list)

    @property
    def alert_openings(self) -> bool:
        return self.alert_openings_since is not None

    def hold_ins(self, ins: Ins) -> bool:
        """Keep the patient's INS (a dossier written before had none); False when it already held it."""
        if (self.ins, self.ins_oid) == (ins.matricule, ins.oid):
            return False
        self.ins, self.ins_oid = ins.matricule, ins.oid
        return True

    def __post_init__(self):
        if self.emergency_access is not None:
            if self.regulator_access is None:
                self.regulator_access = self.emergency_access
            if self.break_glass_access is None:
                self.break_glass_access = self.emergency_access
            self.emergency_access = None
        if self.legal_representative_name and not self.representatives:
            self.representatives = [Representative("r1", self.legal_representative_name,
                                                   self.legal_representative_link or "parent")]
        self.legal_representative_name = self.legal_representative_link = ""

    @property
    def active_representatives(self) -> list[Representative]:
        return [r for r in self.representatives if r.active]

    def representative_in(self, slot: str) -> Representative | None:
        """Who the account of this slot belongs to, if a representative still acting (else the holder)."""
        return next((r for r in self.active_representatives if r.slot == slot), None)

    def acting_in(self, slot: str) -> Holder | LegalRepresentative:
        """Who logs in with the account of this slot, as the access policy knows them."""
        representative = self.representative_in(slot)
        if representative is not None:
            return LegalRepresentative(representative.id, representative.full_name, self.id)
        if slot != FIRST_SLOT:
            # only the first slot becomes the holder's (at 18): any other is a representative's for
            # good, and the policy refuses one who no longer acts (a request under way at 18)
            ended = next((r for r in self.representatives if r.slot == slot), None)
            return LegalRepresentative(representative_id_of(slot), ended.full_name if ended else "", self.id)
        return Holder(self.id)

    def carer_grant(self, grant_id: str) -> CarerGrant | None:
        return next((g for g in self.carers if g.id == grant_id), None)

    def representative(self, representative_id: str) -> Representative | None:
        return next((r for r in self.representatives if r.id == representative_id), None)

    @property
    def may_add_representative(self) -> bool:
        return bool(self.active_representatives) and len(self.representatives) < MAX_REPRESENTATIVES

    @property
    def emergency_chosen(self) -> bool:
        return self.regulator_access is not None or self.break_glass_access is not None

    @property
    def any_emergency_allowed(self) -> bool:
        return bool(self.regulator_access or self.break_glass_access)


def add_representative(dossier: Dossier, full_name: str, link: str, now: datetime) -> Representative:
    """The first one at the creation (the dossier's first account), the second later, at a desk."""
    if dossier.representatives and not dossier.may_add_representative:
        raise ValueError("a minor has 2 legal representatives at most, while a minor")
    slot = SECOND_SLOT if dossier.representatives else FIRST_SLOT
    representative = Representative(representative_id_of(slot), full_name.strip(), link, slot, added_at=now)
    dossier.representatives.append(representative)
    return representative


# The 3 emergency switches: the dossier's field, and the journal's change codes when on and off.
EMERGENCY_SWITCHES = {
    "regulator_access": ("regulator_access_allowed", "regulator_access_refused"),
    "break_glass_access": ("break_glass_allowed", "break_glass_refused"),
    "hidden_in_emergency": ("hidden_in_emergency_allowed", "hidden_in_emergency_refused"),
}
_ENDS = {"regulator_access": "regulator_ended_at", "break_glass_access": "break_glass_ended_at"}


def switch_emergency(dossier: Dossier, name: str, on: bool, now: datetime) -> str:
    """Set one switch; turning the regulator's or bris de glace's off ends the accesses of that kind
    opened until now (the third one needs no end: the policy reads it at each document).
    Returns the journal's change code."""
    allowed_code, refused_code = EMERGENCY_SWITCHES[name]
    if not on and getattr(dossier, name) and name in _ENDS:
        setattr(dossier, _ENDS[name], now)
    setattr(dossier, name, on)
    return allowed_code if on else refused_code


def emergency_switches_in_words(dossier: Dossier) -> list[str]:
    """The 3 switches as they stand, in easy French: the patient's pages and the paper copy."""
    return [
        "Pendant un appel au 15, le médecin du SAMU peut ouvrir votre DMP." if dossier.regulator_access
        else "Le médecin du SAMU ne peut pas ouvrir votre DMP.",
        "Si votre vie est en danger, un soignant peut ouvrir votre DMP." if dossier.break_glass_access
        else "Un soignant ne peut pas ouvrir votre DMP en urgence.",
        "Pendant un accès en urgence, le soignant peut lire vos documents cachés." if dossier.hidden_in_emergency
        else "Pendant un accès en urgence, vos documents cachés restent cachés.",
    ]


RETENTION_YEARS = 10  # a closed dossier is kept this long, then purged


def purge_due(closed_at: datetime, now: datetime) -> bool:
    """Has a dossier closed at this moment been kept its 10 years?"""
    try:
        limit = closed_at.replace(year=closed_at.year + RETENTION_YEARS)
    except ValueError:  # closed on 29 February: the anniversary falls on 1 March
        limit = closed_at.replace(year=closed_at.year + RETENTION_YEARS, month=3, day=1)
    return now >= limit
