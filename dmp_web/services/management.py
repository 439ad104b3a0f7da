"""«Gestion du DMP»: the patient's settings the access policy reads. Each change is one
"manage" decision of the policy, journaled with what changed."""
from __future__ import annotations

from collections.abc import Callable

from ..domain.access import Decision, can_block
from ..domain.actors import Profession, Professional
from ..domain.details import Change
from ..domain.dossier import EMERGENCY_SWITCHES, Dossier, switch_emergency
from .context import Context
from .dossier_access import RuleRefused, act


def _manage(ctx: Context, actor, dossier: Dossier, what: Change, change: Callable[[Dossier], None],
            action: str = "manage", entry: dict | None = None) -> Decision:
    """One "manage" decision, journaled with `what` changed; change(dossier) runs on the dossier
    read under its lock. A desk agent closes or reopens as action "desk_help", and `entry` says
    what its journal entry adds (services/desk_help.py)."""

    def changed(unit, fresh: Dossier, _document, _decision) -> dict:
        change(fresh)
        unit.save_dossier(fresh)
        return {"change": what, **(entry or {})}

    return act(ctx, actor, action, dossier, change=changed)


def _doctor(ctx: Context, rpps: str) -> Professional | None:
    found = ctx.repos.directory.professional(rpps)
    return found if found and found.profession is Profession.MEDECIN else None


def set_attending_doctor(ctx: Context, actor, dossier: Dossier, rpps: str) -> Decision | str:
    """The patient names their médecin traitant, a médecin of the directory ("unknown" if none)."""
    doctor = _doctor(ctx, rpps)
    if doctor is None:
        return "unknown"

    def change(d: Dossier) -> None:
        d.attending_doctor_rpps = doctor.rpps
        if doctor.rpps in d.blocked_rpps:
            d.blocked_rpps.remove(doctor.rpps)  # the médecin traitant can never be blocked

    return _manage(ctx, actor, dossier, Change("attending_doctor", doctor.rpps, doctor.name), change)


def block(ctx: Context, actor, dossier: Dossier, rpps: str) -> Decision | str:
    """Block a professional: refused for the médecin traitant ("unknown" if not in the directory)."""
    professional = ctx.repos.directory.professional(rpps)
    if professional is None:
        return "unknown"

    def change(d: Dossier) -> None:
        allowed = can_block(d, rpps)  # on the dossier as it is now: the médecin traitant may have changed
        if not allowed.allowed:
            raise RuleRefused(allowed, Change("professional_blocked", rpps, professional.name))
        if rpps not in d.blocked_rpps:
            d.blocked_rpps.append(rpps)
        if rpps in d.care_team_rpps:
            d.care_team_rpps.remove(rpps)  # removing someone from the care team is this block

    return _manage(ctx, actor, dossier, Change("professional_blocked", rpps, professional.name), change)


def unblock(ctx: Context, actor, dossier: Dossier, rpps: str) -> Decision:
    professional = ctx.repos.directory.professional(rpps)
    name = professional.name if professional else ""
    return _manage(ctx, actor, dossier, Change("professional_unblocked", rpps, name),
                   lambda d: d.blocked_rpps.remove(rpps) if rpps in d.blocked_rpps else None)


def grant_rights(ctx: Context, actor, dossier: Dossier, rpps: str) -> Decision | str:
    """Give another médecin the médecin traitant's rights ("unknown" if no médecin has this RPPS)."""
    doctor = _doctor(ctx, rpps)
    if doctor is None:
        return "unknown"
    return _manage(ctx, actor, dossier, Change("rights_granted", rpps, doctor.name),
                   lambda d: d.attending_rights_rpps.append(rpps) if rpps not in d.attending_rights_rpps else None)


def revoke_rights(ctx: Context, actor, dossier: Dossier, rpps: str) -> Decision:
    doctor = _doctor(ctx, rpps)
    name = doctor.name if doctor else ""
    return _manage(ctx, actor, dossier, Change("rights_revoked", rpps, name),
                   lambda d: d.attending_rights_rpps.remove(rpps) if rpps in d.attending_rights_rpps else None)


def set_emergency_switches(ctx: Context, actor, dossier: Dossier, switches: dict[str, bool]) -> list[Decision]:
    """The 3 emergency switches (EMERGENCY_SWITCHES): one "manage" decision per switch that
    changes, each journaled with its change; turning one off ends the accesses it covers."""
    decisions = []
    for name, (on_code, off_code) in EMERGENCY_SWITCHES.items():
        on, current = switches[name], getattr(dossier, name)
        if current is not None and bool(current) == on:
            continue  # unchanged: nothing to journal
        decisions.append(_manage(ctx, actor, dossier, Change(on_code if on else off_code),
                                 lambda d, name=name, on=on: switch_emergency(d, name, on, ctx.now())))
    return decisions


def set_alerts(ctx: Context, actor, dossier: Dossier, on: bool) -> Decision:
    return _manage(ctx, actor, dossier, Change("alerts_on" if on else "alerts_off"),
                   lambda d: setattr(d, "alert_new_documents", on))


def set_opening_alerts(ctx: Context, actor, dossier: Dossier, on: bool) -> Decision:
    """«Me prévenir quand un soignant ouvre mon DMP» (services/notices.py sends it): the moment
    it is asked is kept, so the first message never lists openings from before."""
    since = ctx.now() if on else None

    def change(d: Dossier) -> None:
        if not (on and d.alert_openings):  # asked again: it still counts from the first time
            d.alert_openings_since = since

    return _manage(ctx, actor, dossier, Change("opening_alerts_on" if on else "opening_alerts_off"), change)


# «Recevoir mes messages par courrier», «Recevoir mon historique par courrier» (« Mes alertes »):
# the dossier's field, and the journal's change codes when on and off.
POST_CHOICES = {
    "notices_by_post": ("notices_by_post_on", "notices_by_post_off"),
    "history_by_post": ("history_by_post_on", "history_by_post_off"),
}


def set_post_choices(ctx: Context, actor, dossier: Dossier, choices: dict[str, bool]) -> list[Decision]:
    """The letters the patient asks for (POST_CHOICES): one "manage" decision per choice that
    changes, journaled with its change, as the emergency switches are."""
    decisions = []
    for name, (on_code, off_code) in POST_CHOICES.items():
        on = choices[name]
        if getattr(dossier, name) == on:
            continue  # unchanged: nothing to journal
        decisions.append(_manage(ctx, actor, dossier, Change(on_code if on else off_code),
                                 lambda d, name=name, on=on: setattr(d, name, on)))
    return decisions


def close(ctx: Context, actor, dossier: Dossier, *, action: str = "manage", entry: dict | None = None) -> Decision:
    """Close the DMP: no one reads or feeds it; the patient may still ask a copy and reopen it.
    At the desk, the agent closes it at the person's request: action "desk_help"."""
    now = ctx.now()

    def change(d: Dossier) -> None:
        d.status, d.closed_at = "closed", now

    return _manage(ctx, actor, dossier, Change("dossier_closed"), change, action, entry)


def reopen(ctx: Context, actor, dossier: Dossier, *, action: str = "manage", entry: dict | None = None) -> Decision:
    def change(d: Dossier) -> None:
        d.status, d.closed_at = "open", None

    return _manage(ctx, actor, dossier, Change("dossier_reopened"), change, action, entry)
