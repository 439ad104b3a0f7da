"""Sharing codes (domain/sharing.py): the patient makes one for a professional outside the care
team, or cancels it; the professional types it with the patient's birth date and reads, within
their rights, for 24 hours.

Making and cancelling are "manage" decisions of the patient, journaled with what changed; a use is
the professional's "use_sharing_code" decision, journaled as «sharing_code_used» when allowed.
A code that finds nothing, or a wrong birth date, says nothing of which was wrong and journals
nothing: there is no dossier to tell yet (the form's rate limit counts the tries, web/limits.py).
The index (digest → dossier) is written after the dossier's unit commits: a crash in between
leaves at worst an entry that finds a code no longer live, which is then refused and dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain import sharing
from ..domain.access import Decision, can_make_sharing_code
from ..domain.details import Change
from ..domain.dossier import Dossier
from .context import Context
from .dossier_access import RuleRefused, act


@dataclass(frozen=True)
class MadeCode:
    decision: Decision
    code: str = ""  # to show the patient once: it is kept nowhere
    expires_at: datetime | None = None


def make_code(ctx: Context, actor, dossier: Dossier) -> MadeCode:
    """A new code of 8 characters, valid 24 hours; refused past 3 live codes or on a closed DMP."""
    now = ctx.now()
    made: dict = {}

    def change(unit, fresh: Dossier, _document, _decision) -> dict:
        allowed = can_make_sharing_code(fresh, now)  # on the dossier as it is now: another tab may have made one
        if not allowed.allowed:
            raise RuleRefused(allowed, Change("sharing_code_made"))
        dropped = sharing.prune(fresh, now)
        code, record = sharing.make_code(fresh, now, ctx.otp_pepper)
        unit.save_dossier(fresh)
        made.update(code=code, record=record, dropped=dropped)
        return {"change": Change("sharing_code_made")}

    decision = act(ctx, actor, "manage", dossier, change=change)
    if not decision.allowed:
        return MadeCode(decision)
    record = made["record"]
    ctx.repos.sharing_codes.add(record.digest, dossier.id, record.expires_at)
    _forget(ctx, made["dropped"])
    return MadeCode(decision, made["code"], record.expires_at)


def cancel_code(ctx: Context, actor, dossier: Dossier, code_id: str) -> Decision | str:
    """The patient cancels a live code ("unknown" when there is none by that id): it no longer works."""
    now = ctx.now()
    if not any(code.id == code_id and code.live(now) for code in dossier.sharing_codes):
        return "unknown"
    dropped: list[str] = []

    def change(unit, fresh: Dossier, _document, _decision) -> dict:
        for code in fresh.sharing_codes:
            if code.id == code_id and code.live(now):
                code.cancelled_at = now
        dropped.extend(sharing.prune(fresh, now))  # the cancelled code with the other dead ones
        unit.save_dossier(fresh)
        return {"change": Change("sharing_code_cancelled")}

    decision = act(ctx, actor, "manage", dossier, change=change)
    if decision.allowed:
        _forget(ctx, dropped)
    return decision


@dataclass(frozen=True)
class UsedCode:
    decision: Decision  # refused when the policy refuses this professional (blocked, closed DMP)
    dossier: Dossier
    until: datetime | None = None  # the end of the share, when allowed


class _Spent(Exception):
    """Another professional used the code between the lookup and the lock."""


def use_code(ctx: Context, actor, typed: str, birth_date: date) -> UsedCode | None:
    """The professional types a code and the patient's birth date. None when the two do not find
    a live code (nothing journaled); otherwise the policy's decision, journaled in that dossier."""
    code = sharing.well_formed(typed)
    if code is None:
        return None
    now = ctx.now()
    digest = sharing.code_digest(code, ctx.otp_pepper)
    dossier_id = ctx.repos.sharing_codes.find(digest, now)
    dossier = ctx.repos.dossiers.get(dossier_id) if dossier_id else None
    if dossier is None:
        return None
    record = sharing.find_code(dossier, digest)
    if record is None or not record.live(now):
        ctx.repos.sharing_codes.forget(digest)  # used, cancelled or expired: a stale entry
        return None
    person = ctx.register.get(dossier.holder_nir)
    if person is None or person.birth_date != birth_date:
        return None
    shared: dict = {}

    def change(unit, fresh: Dossier, _document, _decision) -> dict:
        current = sharing.find_code(fresh, digest)
        if current is None or not current.live(now):
            raise _Spent
        shared["until"] = sharing.use_code(fresh, current, actor.rpps, now).until
        unit.save_dossier(fresh)
        return {"action": "sharing_code_used"}

    try:
        decision = act(ctx, actor, "use_sharing_code", dossier, change=change)
    except _Spent:  # nothing was committed: as if the code had not been found
        return None
    if decision.allowed:
        ctx.repos.sharing_codes.forget(digest)
    return UsedCode(decision, ctx.repos.dossiers.get(dossier.id) or dossier, shared.get("until"))


def _forget(ctx: Context, digests: list[str]) -> None:
    for digest in digests:
        ctx.repos.sharing_codes.forget(digest)


@dataclass(frozen=True)
class SharingState:
    """What the patient's page shows: the live codes (never the codes themselves) and who may read."""

    codes: list[sharing.SharingCode]
    shares: list[sharing.Share]
    may_make: bool


def state_of(ctx: Context, dossier: Dossier) -> SharingState:
    now = ctx.now()
    return SharingState(sharing.live_codes(dossier, now), sharing.active_shares(dossier, now),
                        can_make_sharing_code(dossier, now).allowed)
