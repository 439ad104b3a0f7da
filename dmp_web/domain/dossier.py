"""The dossier itself: whose it is, the consent to its creation, open or closed."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime


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
    emergency_access: bool | None = None
    attending_doctor_rpps: str = ""
    # the patient's settings the access policy reads (managed from «Gestion du DMP»)
    blocked_rpps: list[str] = field(default_factory=list)
    attending_rights_rpps: list[str] = field(default_factory=list)
    alert_new_documents: bool = False
    # «Me prévenir quand un soignant ouvre mon DMP»: since when the patient asked it (None: not
    # asked). The moment, not a yes: the hourly message never lists openings from before it.
    alert_openings_since: datetime | None = None
    # a minor's parent or guardian, who consented and acts for them (created at a desk)
    legal_representative_name: str = ""
    legal_representative_link: str = ""  # "parent" or "guardian"

    @property
    def alert_openings(self) -> bool:
        return self.alert_openings_since is not None


RETENTION_YEARS = 10  # a closed dossier is kept this long, then purged


def purge_due(closed_at: datetime, now: datetime) -> bool:
    """Has a dossier closed at this moment been kept its 10 years?"""
    try:
        limit = closed_at.replace(year=closed_at.year + RETENTION_YEARS)
    except ValueError:  # closed on 29 February: the anniversary falls on 1 March
        limit = closed_at.replace(year=closed_at.year + RETENTION_YEARS, month=3, day=1)
    return now >= limit
