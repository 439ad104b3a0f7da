"""A desk agent helps a person who already has a DMP: the person shows their Vitale card at the
caisse's desk, the agent types its 2 numbers (the NIR twice) and says they saw the card.

Then, at the person's request: a new credential letter with a new initial password (every
session ends, the first connection starts again), a new mobile or e-mail, the identifier sent
again, the DMP closed or reopened, and for a minor a second legal representative. Each act is
one "desk_help" decision of the access policy (domain/access.py: only desk agents, closed DMP
included), journaled in the person's journal with the agent's name and their caisse (the
entry's `consent`: the person asked, at that desk).

The card is checked again at every act (desk_creation.card_person): the web keeps the 2 numbers
sealed in the agent's session for this visit, never in a URL.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..domain.access import Decision, decide
from ..domain.accounts import Account, session_owner
from ..domain.credentials import hash_secret, new_initial_password, new_login_id
from ..domain.dates import local_day
from ..domain.dossier import Dossier, add_representative as add_representative_to
from ..domain.register import InsuredPerson
from ..domain.representatives import CHOSEN_LINKS, FIRST_SLOT
from . import management, notices
from .context import Context
from .desk_creation import DeskCredentials, card_person
from .dossier_access import act
from .login import Refused
from .patient_login import deliver_identifier, identifier_way

FIRST_STEP = 1  # the first connection starts again: identity, new password, emergency choice


@dataclass(frozen=True)
class Found:
    """The person found from their Vitale card, and what the agent's pages need of their DMP."""

    dossier_id: str
    full_name: str
    birth_date: date
    representative_name: str  # a minor's legal representative; "" for an adult
    closed: bool
    has_mobile: bool
    has_email: bool
    may_add_representative: bool = False  # a minor's DMP with one legal representative
    # a minor's representatives while they act: (slot, name); with 2, the agent says whom they help
    representatives: tuple[tuple[str, str], ...] = ()


def may_help(ctx: Context, actor) -> Decision:
    """May this actor help people with their DMP at all? Desk agents only."""
    return decide(actor, "desk_help", None, now=ctx.now())


def _person_and_dossier(ctx: Context, actor, nir: str, vitale_serial: str) -> tuple[InsuredPerson, Dossier]:
    """The person of this card and their DMP. One refusal, "not_found", whatever is wrong: the
    page never tells whether this NIR is someone's, or whether that person has a DMP."""
    if not may_help(ctx, actor).allowed:
        raise Refused("not_allowed")
    try:
        person = card_person(ctx, nir, vitale_serial)
    except Refused:
        raise Refused("not_found") from None
    dossier = ctx.repos.dossiers.find_by_nir(person.nir)
    if dossier is None:
        raise Refused("not_found")
    return person, dossier


def find(ctx: Context, actor, nir: str, vitale_serial: str, slot: str = FIRST_SLOT) -> Found:
    """The person and their DMP; for a minor, `slot` says which representative's account the
    agent helps with (its name, its contacts)."""
    person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    slot = _helped_slot(dossier, slot)
    account = ctx.repos.accounts.get(dossier.id, slot)
    helped = dossier.representative_in(slot)
    return Found(dossier.id, person.full_name, person.birth_date, helped.full_name if helped else "",
                 dossier.status != "open", bool(account and account.mobile), bool(account and account.email),
                 may_add_representative=dossier.may_add_representative and dossier.status == "open",
                 representatives=tuple((r.slot, r.full_name) for r in dossier.active_representatives))


def _helped_slot(dossier: Dossier, slot: str) -> str:
    """The account the agent acts on: the first one, or an active representative's."""
    if slot == FIRST_SLOT or dossier.representative_in(slot) is not None:
        return slot
    raise Refused("not_found")


def _said(actor, action: str, note: str = "") -> dict:
    """What the entry of an act adds: the act, its note, and who asked where (the person, at this desk)."""
    said = {"action": action, "consent": {"given_by": "holder", "channel": "desk", "asked_by": actor.ref.name}}
    if getattr(actor, "caisse", ""):
        said["consent"]["place"] = actor.caisse
    if note:
        said["note"] = note
    return said


def _help(ctx: Context, actor, dossier: Dossier, action: str, stage=None, note: str = "") -> Decision:
    """One "desk_help" decision, journaled as `action`; stage(unit, dossier) makes the change."""

    def change(unit, fresh, _document, _decision) -> dict:
        if stage is not None:
            stage(unit, fresh)
        return _said(actor, action, note)

    decision = act(ctx, actor, "desk_help", dossier, change=change)
    if not decision.allowed:
        raise Refused("not_allowed")
    return decision


def confirm_identity(ctx: Context, actor, nir: str, vitale_serial: str) -> Found:
    """The agent says they saw the card: journaled, so the person sees who looked for their DMP."""
    _person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    _help(ctx, actor, dossier, "desk_identity_checked")
    return find(ctx, actor, nir, vitale_serial)


def new_letter(ctx: Context, actor, nir: str, vitale_serial: str, slot: str = FIRST_SLOT) -> DeskCredentials:
    """A new initial password, printed on a new credential letter (the same as at creation). The
    old password stops working, every session ends, and the first connection starts again."""
    person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    slot = _helped_slot(dossier, slot)
    password = new_initial_password()

    def stage(unit, fresh: Dossier) -> None:
        account = unit.account(slot)
        account.set_initial_password(password)
        account.first_connection_step = FIRST_STEP
        account.otp = None  # a code sent before is void
        unit.save_account(account)
        unit.end_sessions(session_owner("patient", fresh.id, slot))

    _help(ctx, actor, dossier, "desk_letter_printed", stage)
    account = ctx.repos.accounts.get(dossier.id, slot)
    helped = dossier.representative_in(slot)
    representative = helped.full_name if helped else ""
    return DeskCredentials(
        dossier.id, account.login_id, password, dossier.ins_c, local_day(ctx.now()),
        representative or person.full_name, person.address.lines(),
        # a minor's letter goes to the representative, about the child, as at creation
        for_minor_name=person.full_name if representative else "", ins=dossier.ins,
    )


def add_representative(ctx: Context, actor, nir: str, vitale_serial: str, *, name: str, link: str,
                       mobile: str, email: str) -> DeskCredentials:
    """A minor's second legal representative (the other parent): an account of their own, in
    the dossier's second slot, with their own identifier and initial password, printed on a
    letter for them. Refused('no_more_representatives') on an adult's DMP, or with 2 already."""
    person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    if not (dossier.may_add_representative and dossier.status == "open"):
        raise Refused("no_more_representatives")
    if link not in CHOSEN_LINKS or not name.strip() or not (mobile or email):
        raise ValueError("a representative needs a name, a link and a mobile or an e-mail")
    password = new_initial_password()
    made: list[Account] = []

    def stage(unit, fresh: Dossier) -> None:
        representative = add_representative_to(fresh, name, link, ctx.now())
        unit.save_dossier(fresh)
        made.append(unit.add_account(Account(
            login_id=new_login_id(), dossier_id=fresh.id, password_hash=hash_secret(password),
            slot=representative.slot, mobile=mobile, email=email, otp_channel="sms" if mobile else "email")))

    _help(ctx, actor, dossier, "desk_representative_added", stage)
    return DeskCredentials(
        dossier.id, made[0].login_id, password, dossier.ins_c, local_day(ctx.now()),
        name.strip(), person.address.lines(), for_minor_name=person.full_name, ins=dossier.ins,
    )


def change_contact(ctx: Context, actor, nir: str, vitale_serial: str, *, mobile: str, email: str,
                   slot: str = FIRST_SLOT) -> None:
    """A new mobile, a new e-mail, or both ("" leaves one as it is)."""
    if not (mobile or email):
        raise Refused("nothing_to_change")
    _person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    slot = _helped_slot(dossier, slot)
    before = []

    def stage(unit, _fresh) -> None:
        account = unit.account(slot)
        before[:] = [replace(account)]
        if mobile:
            account.mobile = mobile
        if email:
            account.email = email
        unit.save_account(account)

    note = "mobile_and_email_saved" if mobile and email else "mobile_changed" if mobile else "email_changed"
    _help(ctx, actor, dossier, "desk_contact_changed", stage, note)
    # the contacts of before hear it (services/notices.py): if the person did not ask it, they learn it
    notices.contact_changed(ctx, dossier, before[0], mobile=bool(mobile), email=bool(email))


def resend_identifier(ctx: Context, actor, nir: str, vitale_serial: str, channel: str,
                      slot: str = FIRST_SLOT) -> str:
    """The identifier again, by SMS, e-mail or post (patient_login.identifier_way): the way it went."""
    person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    account = ctx.repos.accounts.get(dossier.id, _helped_slot(dossier, slot))
    way = identifier_way(account, channel)
    _help(ctx, actor, dossier, "desk_identifier_sent", note=way)
    deliver_identifier(ctx, person, account, way)
    return way


def close(ctx: Context, actor, nir: str, vitale_serial: str) -> None:
    """Close the DMP at the person's request (management.close, as the desk's "desk_help")."""
    _person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    if dossier.status != "open":
        raise Refused("already_closed")
    _settle(management.close(ctx, actor, dossier, action="desk_help", entry=_said(actor, "desk_dossier_closed")))


def reopen(ctx: Context, actor, nir: str, vitale_serial: str) -> None:
    _person, dossier = _person_and_dossier(ctx, actor, nir, vitale_serial)
    if dossier.status == "open":
        raise Refused("already_open")
    _settle(management.reopen(ctx, actor, dossier, action="desk_help", entry=_said(actor, "desk_dossier_reopened")))


def _settle(decision: Decision) -> None:
    if not decision.allowed:
        raise Refused("not_allowed")

