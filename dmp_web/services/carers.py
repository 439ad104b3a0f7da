"""« Mes aidants » (domain/carers.py): the patient invites a carer, cancels an invitation, or
ends a carer's access at once. Each is a "manage" decision of the patient, journaled with what
changed (the carer's name, never the code). The invitation's code is shown or printed once and
kept nowhere but as a digest; the index digest → dossier is the sharing codes' one
(`repos.sharing_codes`: a digest finds a dossier until its code is used, cancelled or expired),
written after the dossier's unit commits, as sharing.make_code does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain import carers
from ..domain.access import Decision
from ..domain.carers import CarerGrant, CarerRefusal
from ..domain.dates import local_day
from ..domain.details import Change
from ..domain.dossier import Dossier
from .context import Context
from .dossier_access import act


@dataclass(frozen=True)
class Invited:
    decision: Decision | None  # None: refused before any decision (CarerRefusal's code in `refused`)
    code: str = ""
    grant: CarerGrant | None = None
    refused: str = ""


def invite(ctx: Context, actor, dossier: Dossier, *, name: str, purpose: str, starts_on: date,
           ends_on: date | None) -> Invited:
    """A new invitation (3 carers at most, invitations waiting included), valid 30 days."""
    now = ctx.now()
    made: dict = {}

    def change(unit, fresh: Dossier, _document, _decision) -> dict:
        code, grant = carers.invite(fresh, name=name, purpose=purpose, starts_on=starts_on, ends_on=ends_on,
                                    now=now, today=local_day(now), pepper=ctx.otp_pepper)
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
    return Invited(decision, made["code"], grant)


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
        return {"change": Change("carer_ended", name=grant.name if grant else "")}

    decision = act(ctx, actor, "manage", dossier, change=change)
    if decision.allowed and ended and ended[0].accepted_at is None:
        ctx.repos.sharing_codes.forget(ended[0].code_digest)  # the invitation's code finds nothing now
    return decision
