"""Creating a DMP with a professional: at the caisse's desk, at a pharmacy or at a doctor's.

The professional reads the Vitale card, asks the consent question aloud, types the mobile that
will receive the codes, and prints the credential letter at once. A minor's DMP is created only
this way, with the legal representative's consent; the representative receives the credentials.
Every step asks the access policy first (`decide(actor, "create_dossier", ...)`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from ..domain.access import Decision, decide
from ..domain.actors import DeskAgent, Profession, Professional
from ..domain.dates import local_day
from ..domain.details import JournaledDetail
from ..domain.dossier import Consent, Dossier, add_representative, new_dossier_id
from ..domain.register import InsuredPerson, dossier_identity
from ..domain.representatives import CHOSEN_LINKS, LINKS
from .context import Context
from .dossier_opening import NewCredentials, open_dossier
from .login import Refused


# The links a desk agent chooses from: code name -> what the page and letter say.
REPRESENTATIVE_LINKS = {code: LINKS[code] for code in CHOSEN_LINKS}


@dataclass(frozen=True)
class CardChecked:
    """The person found in the register from the Vitale card, and whether they are a minor."""

    nir: str
    vitale_serial: str
    full_name: str
    birth_date: date
    minor: bool


@dataclass(frozen=True)
class DeskConsent:
    """The answer to the consent question; for a minor, the representative who gave it."""

    accepted: bool
    representative_name: str = ""
    representative_link: str = ""  # a key of REPRESENTATIVE_LINKS


@dataclass(frozen=True)
class DeskCredentials(NewCredentials):
    """The credentials to print; for a minor, the letter goes to the representative."""

    for_minor_name: str = ""


def consent_channel(actor) -> str:
    if isinstance(actor, DeskAgent):
        return "desk"
    if isinstance(actor, Professional) and actor.profession is Profession.PHARMACIEN:
        return "pharmacy"
    return "doctor"


def may_create(ctx: Context, actor) -> Decision:
    """May this actor create DMPs at all? Forbidden actors and patients may not."""
    return decide(actor, "create_dossier", None, now=ctx.now())


def _checked_person(ctx: Context, actor, nir: str, vitale_serial: str) -> InsuredPerson:
    """The person of this Vitale card, who has no DMP yet; the policy is asked on the way."""
    if not may_create(ctx, actor).allowed:
        raise Refused("not_allowed")
    # Checked before the existing dossier, so nobody learns who has a DMP without the card.
    person = card_person(ctx, nir, vitale_serial)
    existing = ctx.repos.dossiers.find_by_nir(nir)
    if existing is not None:
        decision = decide(actor, "create_dossier", existing, now=ctx.now())
        # The patient sees in the history that someone with their card tried to create a DMP.
        ctx.repos.journal.append(existing.id, **decision.journal_fields())
        raise Refused("already_has_dmp")
    return person


def card_person(ctx: Context, nir: str, vitale_serial: str) -> InsuredPerson:
    """The person of the register whose Vitale card has these 2 numbers ("unknown_nir",
    "vitale_mismatch" otherwise). Also used to find a person who has a DMP (services/desk_help.py)."""
    person = ctx.register.get(nir)
    if person is None:
        raise Refused("unknown_nir")
    if vitale_serial != person.vitale_serial:
        raise Refused("vitale_mismatch")
    return person


def _is_minor(ctx: Context, person: InsuredPerson) -> bool:
    return person.is_minor_on(local_day(ctx.now()))


def check_card(ctx: Context, actor, nir: str, vitale_serial: str) -> CardChecked:
    """Step 1: find the person in the register from the Vitale card data."""
    person = _checked_person(ctx, actor, nir, vitale_serial)
    return CardChecked(nir, vitale_serial, person.full_name, person.birth_date, _is_minor(ctx, person))


def create_dossier_at_desk(
    ctx: Context, actor, *, nir: str, vitale_serial: str, consent: DeskConsent, mobile: str, email: str
) -> DeskCredentials:
    """Check everything again, record the consent in the dossier, create it and its account."""
    person = _checked_person(ctx, actor, nir, vitale_serial)
    if not consent.accepted:
        raise Refused("no_consent")
    minor = _is_minor(ctx, person)
    if minor and not (consent.representative_name.strip() and consent.representative_link in REPRESENTATIVE_LINKS):
        raise Refused("representative_missing")
    decision = may_create(ctx, actor)
    now = ctx.now()
    asked_by = actor.ref.name
    channel = consent_channel(actor)
    representative = consent.representative_name.strip() if minor else ""
    link = consent.representative_link if minor else ""
    dossier = Dossier(
        id=new_dossier_id(),
        **dossier_identity(person),
        created_at=now,
        consent=Consent(
            given_by="legal_representative" if minor else "holder",
            recorded_by=asked_by,
            at=now,
            channel=channel,
            representative_name=representative,
        ),
    )
    if minor:
        add_representative(dossier, representative, link, now)
    consent = {"given_by": dossier.consent.given_by, "channel": channel, "asked_by": asked_by}
    place = getattr(actor, "caisse", "") or getattr(actor, "workplace", "")
    if place:
        consent["place"] = place
    if minor:
        consent.update(representative=representative, link=link)
    creds = open_dossier(ctx, dossier, person, mobile=mobile, email=email, actor=actor.ref, reason=decision.reason,
                          detail=JournaledDetail(decision.reason_code, note="created_at_desk", consent=consent))
    values = asdict(creds)
    if minor:
        # The representative acts for the child: the letter is addressed to them, about the child.
        values.update(full_name=representative, for_minor_name=creds.full_name)
    return DeskCredentials(**values)
