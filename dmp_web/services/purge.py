"""The purge of dossiers closed more than 10 years ago (a batch job, run by the CLI)."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain.dossier import purge_due
from ..domain.representatives import SLOTS
from .context import Context


@dataclass(frozen=True)
class Purged:
    dossier_id: str
    closed_on: str


def purge_closed(ctx: Context, dry_run: bool = False) -> list[Purged]:
    """Erase every dossier closed 10 years ago or more; say which (and erase nothing on a dry run)."""
    now = ctx.now()
    purged = []
    for dossier_id, closed_at in sorted(ctx.repos.dossiers.closed(), key=lambda item: item[1]):
        if not purge_due(closed_at, now):
            continue
        with ctx.repos.unit(dossier_id) as unit:  # decided on the dossier as it is now: a reopening wins
            dossier = unit.dossier()
            if dossier is None or dossier.status != "closed" or not purge_due(dossier.closed_at, now):
                continue
            if not dry_run:
                for slot in SLOTS[1:]:  # a minor's second representative: their identifier goes too
                    other = ctx.repos.accounts.get(dossier_id, slot)
                    if other is not None:
                        ctx.repos.accounts.retire_login(dossier_id, other.login_id)
                account = ctx.repos.accounts.get(dossier_id)
                unit.erase(account.login_id if account else None, now)  # its head says why the journal is gone
                unit.commit()
        purged.append(Purged(dossier_id, dossier.closed_at.date().isoformat()))
    return purged
