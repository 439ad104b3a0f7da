"""« Mes patients récents » on a professional's home: the DMP they opened in the last 30 days.

Written after each allowed opening (`read_dossier`, the decision the journal keeps), so the home
page reads one small record and never a journal. Shown only while the policy still lets the
professional open the DMP (a patient who blocked them since is not listed); listing is no
access, and opening one from the list is decided and journaled as any other."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..domain.actors import Professional
from . import dossier_access
from .context import Context

WINDOW = timedelta(days=30)
SHOWN = 20


@dataclass(frozen=True)
class Recent:
    dossier_id: str
    name: str  # the patient's usual name, as the dossier page heads it
    birth_date: date
    sex: str  # the register's: the words agree with it («Née le»)
    opened_at: datetime


def opened(ctx: Context, actor, dossier) -> None:
    """An allowed opening by a professional (the caller journaled it): the list remembers it."""
    if isinstance(actor, Professional):
        ctx.repos.recent_patients.opened(actor.rpps, dossier.id, ctx.now(), WINDOW)


def recent(ctx: Context, actor) -> list[Recent]:
    """This professional's recent patients, newest first, those they may still open."""
    if not isinstance(actor, Professional):
        return []
    found = []
    for dossier_id, at in ctx.repos.recent_patients.since(actor.rpps, ctx.now() - WINDOW, SHOWN):
        dossier = ctx.repos.dossiers.get(dossier_id)
        if dossier is None or not dossier_access.allowed_unjournaled(ctx, actor, "read_dossier", dossier):
            continue
        person = ctx.register.get(dossier.holder_nir)
        if person is not None:
            found.append(Recent(dossier.id, person.short_name, person.birth_date, person.sex, at))
    return found
