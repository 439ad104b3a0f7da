"""« Mes aidants » (domain/carers.py): the patient invites a carer, cancels an invitation, or
ends a carer's access at once. Each is a "manage" decision of the patient, journaled with what
changed (the carer's name, never the code). The invitation's code is shown or printed once and
kept nowhere but as a digest; the index digest → dossier is the sharing codes' one
(`repos.sharing_codes`: a digest finds a dossier until its code is used, cancelled or expired),
written after the dossier's unit commits, as sharing.make_code does.

The code goes to the carer the way the patient chose (CarerGrant.sent_by): by SMS or e-mail,
sent here once the invitation is saved, or on a letter the patient prints (`invitation_letter`).
A message says who invites, the code, where to type it and until when: never anything of the
patient's health. Its sending is journaled as the Assurance Maladie's, sent or not; a message
that did not go leaves the invitation as it is (the patient may cancel it and print a letter).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from .. import pdf
from ..domain import carers
from ..domain.access import Decision
from ..domain.carers import CarerGrant, CarerRefusal
from ..domain.dates import local_day
from ..domain.details import Change, JournaledDetail
from ..domain.dossier import Dossier
from ..formatting import date_fr, group_code, time_fr
from ..notify import DeliveryFailed, Email, Sms
from .context import Context
from .dossier_access import act
from .holder import letter_context, site_address
from .notice_texts import DMP_OF_SOMEONE, SIGNATURE, when_words
from . import notices
from .notices import ASSURANCE_MALADIE, NOT_SENT

log = logging.getLogger(__name__)

ACCEPT_PATH = "/aidant/accepter"  # where the carer types the code (web/carers.py, the carer's side)


@dataclass(frozen=True)
class Invited:
    decision: Decision | None  # None: refused before any decision (CarerRefusal's code in `refused`)
    code: str = ""
    grant: CarerGrant | None = None
    refused: str = ""
    delivered: bool | None = None  # the SMS or e-mail went (True) or not (False); None: nothing sent


def invite(ctx: Context, actor, dossier: Dossier, *, name: str, purpose: str, starts_on: date,
           ends_on: date | None, sent_by: str = "", contact: str = "") -> Invited:
    """A new invitation (3 carers at most, invitations waiting included), valid 30 days; its code
    sent by SMS or e-mail to `contact` (sent_by "sms", "email"), or returned for the letter
    ("letter") or for a caller that hands it over itself ("")."""
    now = ctx.now()
    made: dict = {}

    def change(unit, fresh: Dossier, _document, _decision) -> dict:
        code, grant = carers.invite(fresh, name=name, purpose=purpose, starts_on=starts_on, ends_on=ends_on,
                                    now=now, today=local_day(now), pepper=ctx.otp_pepper, sent_by=sent_by,
                                    contact=contact)
        unit.save_dossier(fresh)
        made.update(code=code, grant=grant)
        return {"change": Change("carer_invited", name=grant.name)}

    try:
        decision = act(ctx, actor, "manage", dossier, change=change)
    except CarerRefusal as refusal:  # nothing was written: the unit never committed
        return Invited(None, refused=refusal.code)
    if not decision.allowed:
        return Invited(decision)
    grant = made["grant"]
    ctx.repos.sharing_codes.add(grant.code_digest, dossier.id, carers.expires_at(grant))
    delivered = _send(ctx, dossier, grant, made["code"]) if grant.sent_by in ("sms", "email") else None
    notices.carer_invited(ctx, dossier, grant)  # on the patient's own channels: a stolen session shows (never raises)
    return Invited(decision, made["code"], grant, delivered=delivered)


def _inviter(ctx: Context, dossier: Dossier) -> str:
    """The patient as the carer knows them: « Jeanne MARTIN »."""
    person = ctx.register.get(dossier.holder_nir)
    return person.short_name if person else "Une personne"


def _accept_address(ctx: Context) -> str:
    return site_address(ctx).rstrip("/") + ACCEPT_PATH


def invitation_sms(ctx: Context, dossier: Dossier, grant: CarerGrant, code: str) -> str:
    return (f"DMP - {_inviter(ctx, dossier)} vous invite à l’aider dans son DMP. "
            f"Allez sur {_accept_address(ctx)}. Tapez le code {group_code(code)} "
            f"avant {when_words(carers.expires_at(grant))}. Ne le donnez à personne.")


def invitation_email(ctx: Context, dossier: Dossier, grant: CarerGrant, code: str) -> Email:
    inviter = _inviter(ctx, dossier)
    body = (f"Bonjour {grant.name},\n\n"
            f"{inviter} vous invite à l’aider dans son DMP.\n"
            f"{DMP_OF_SOMEONE}\n"
            f"Vous aurez votre compte à vous, avec votre mot de passe.\n\n"
            f"Votre code d’invitation : {group_code(code)}\n\n"
            f"1. Allez sur {_accept_address(ctx)}.\n"
            f"2. Tapez ce code avant {when_words(carers.expires_at(grant))}.\n"
            f"3. Créez votre compte.\n\n"
            f"Ne donnez ce code à personne.\n"
            f"Vous ne connaissez pas {inviter} ? Ne faites rien.\n\n"
            f"{SIGNATURE}\n")
    return Email(to=grant.contact, subject="Une invitation pour aider un proche dans son DMP", body=body)


def _send(ctx: Context, dossier: Dossier, grant: CarerGrant, code: str) -> bool:
    """Send the code the way the patient chose, then journal that it went, or that it did not."""
    try:
        if grant.sent_by == "sms":
            ctx.notifier.sms.send(Sms(to=grant.contact, body=invitation_sms(ctx, dossier, grant, code)))
        else:
            ctx.notifier.email.send(invitation_email(ctx, dossier, grant, code))
        sent = True
    except (DeliveryFailed, ValueError, OSError) as failed:  # ValueError: an address the sender refuses
        log.warning("carer invitation not sent: by=%s error=%s", grant.sent_by, type(failed).__name__)
        sent = False
    detail = JournaledDetail(note=f"to_carer_by_{grant.sent_by}", change=Change("carer_invited", name=grant.name))
    ctx.repos.journal.append(dossier.id, ctx.now(), ASSURANCE_MALADIE, "carer_invitation_sent", allowed=sent,
                             reason="" if sent else NOT_SENT, detail=detail.stored())
    return sent


def invitation_letter(ctx: Context, dossier: Dossier, grant: CarerGrant, code: str) -> bytes:
    """The letter the patient prints for a carer without e-mail: rendered now, never stored."""
    expires = carers.expires_at(grant)
    return pdf.carer_invitation_letter(
        **letter_context(ctx), full_name=grant.name, address_lines=[], inviter=_inviter(ctx, dossier),
        allowed=grant.rule.carer_words, starts_on=grant.starts_on, ends_on=grant.ends_on, code=code,
        accept_address=_accept_address(ctx), until=f"{date_fr(expires)} à {time_fr(expires)}")


def end(ctx: Context, actor, dossier: Dossier, grant_id: str) -> Decision | None:
    """Cancel an invitation or end an access at once; None when there is no such carer."""
    if dossier.carer_grant(grant_id) is None:
        return None
    ended: list[CarerGrant] = []

    def change(unit, fresh: Dossier, _document, _decision) -> dict:
        grant = carers.end(fresh, grant_id, ctx.now())
        if grant is not None:
            ended.append(grant)
            unit.save_dossier(fresh)
        cancelled = grant is not None and grant.accepted_at is None  # never accepted: the invitation
        return {"change": Change("carer_invitation_cancelled" if cancelled else "carer_ended",
                                 name=grant.name if grant else "")}

    decision = act(ctx, actor, "manage", dossier, change=change)
    if decision.allowed and ended and ended[0].accepted_at is None:
        ctx.repos.sharing_codes.forget(ended[0].code_digest)  # the invitation's code finds nothing now
    return decision
