"""The carer's side of « Mes aidants » (domain/carers.py): an invitation's code found, an account
of the carer's own made and confirmed with a one-time code sent to their contact, the invitation
accepted, and the DMP they help with read under that DMP's grant.

The carer's account lives in the directory (like a desk agent's: it is nobody's dossier), as a
`CarerPerson` listing the DMP they help with. On a DMP, they act as a `Carer` under its grant,
and the policy (domain/access.py) decides each act; a carer's own login codes reach their own
mobile or e-mail, never the patient's.
"""
from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from ..domain import carers
from ..domain.accounts import FIRST_CONNECTION_DONE, Account, TooMany, TooSoon, password_problems, session_owner
from ..domain.actors import Carer, CarerPerson
from ..domain.carers import CarerGrant, CarerRefusal
from ..domain.dates import local_day
from ..domain.dossier import Dossier
from ..notify import DeliveryFailed, Email, Sms
from . import login, notices
from .context import Context
from .login import Refused


log = logging.getLogger(__name__)


class CarerAccounts(login.DirectoryAccounts):
    """The login source of carers: only carers' entries, and only once their contact is confirmed
    (an account left before its code opens nothing). The professionals' login never finds them."""

    def find(self, login_id: str) -> Account | None:
        if not isinstance(self.directory.actor(login_id), CarerPerson):
            return None
        account = self.directory.account(login_id)
        return account if account is not None and account.first_connection_done else None


@dataclass(frozen=True)
class Invitation:
    """What the carer reads before accepting: who invites, for what, from when to when."""

    dossier_id: str
    grant_id: str
    carer_name: str  # as the patient wrote it
    patient_name: str
    purpose_words: str
    starts_on: date
    ends_on: date | None
    expires_on: date


def find_invitation(ctx: Context, typed: str) -> Invitation | None:
    """The open invitation this code is for; None for a code that opens nothing (mistyped, used,
    cancelled, over 30 days old): the same answer for each, so a guess learns nothing."""
    code = carers.invitation_code(typed or "")
    if code is None:
        return None
    digest = carers.invitation_digest(code, ctx.otp_pepper)
    now = ctx.now()
    dossier_id = ctx.repos.sharing_codes.find(digest, now)
    dossier = ctx.repos.dossiers.get(dossier_id) if dossier_id else None
    grant = carers.invitation_of(dossier, digest, now) if dossier is not None and dossier.status == "open" else None
    if grant is None:
        return None
    return _invitation(ctx, dossier, grant)


def invitation(ctx: Context, dossier_id: str, grant_id: str) -> Invitation | None:
    """The invitation found before (its ids kept in the carer's session), if still open."""
    dossier = ctx.repos.dossiers.get(dossier_id)
    grant = dossier.carer_grant(grant_id) if dossier is not None and dossier.status == "open" else None
    if grant is None or not grant.invitation_open(ctx.now()):
        return None
    return _invitation(ctx, dossier, grant)


def _invitation(ctx: Context, dossier: Dossier, grant: CarerGrant) -> Invitation:
    person = ctx.register.get(dossier.holder_nir)
    return Invitation(dossier.id, grant.id, grant.name, person.full_name if person else "", grant.rule.words,
                      grant.starts_on, grant.ends_on, local_day(carers.expires_at(grant)))


def start_account(ctx: Context, found: Invitation, *, channel: str, mobile: str, email: str,
                  password: str) -> str:
    """A new carer's account, waiting for the code sent to their contact: returns its identifier.
    Refused("refused", problems=…) for a password the rules refuse (nothing is made), and
    Refused("too_many") when no more codes may be sent today."""
    login_id = _free_carer_id(ctx)
    problems = password_problems(password, login_id, None, tuple(found.carer_name.split()))
    if problems:
        raise Refused("refused", current=None, problems=problems)
    now = ctx.now()
    account = Account(login_id=login_id, dossier_id="", password_hash="", mobile=mobile if channel == "sms" else "",
                      email=email if channel == "email" else "", otp_channel=channel)
    account.set_password(password, now)
    ctx.repos.directory.add(CarerPerson(login_id, found.carer_name), account)
    send_confirmation_code(ctx, login_id)
    return login_id


def _free_carer_id(ctx: Context) -> str:
    while True:
        candidate = carers.new_carer_id()
        if ctx.repos.directory.actor(candidate) is None:
            return candidate


def send_confirmation_code(ctx: Context, login_id: str) -> None:
    """The code that proves the contact is the carer's. Refused("too_soon", seconds=…) within a
    minute of the last one, Refused("too_many") past the day's count."""
    directory = ctx.repos.directory
    with directory.updating_account(login_id) as account:
        try:
            code = account.issue_otp("login", ctx.now(), ctx.otp_pepper)
        except TooSoon as wait:
            raise Refused("too_soon", seconds=wait.seconds_left) from None
        except TooMany:
            raise Refused("too_many") from None
    login.send_otp(ctx, login.DirectoryAccounts(ctx, directory), account, code, "login")


def confirm_account(ctx: Context, login_id: str, found: Invitation) -> CarerPerson:
    """The right code was typed: the account opens, and the invitation is accepted with it.
    CarerRefusal("invitation_closed") if the patient cancelled it meanwhile (the account stays,
    with no DMP: another invitation can be accepted with it)."""
    with ctx.repos.directory.updating_account(login_id) as account:
        account.first_connection_step = FIRST_CONNECTION_DONE
    person = ctx.repos.directory.actor(login_id)
    try:
        send_identifier(ctx, ctx.repos.directory.account(login_id))
    except (DeliveryFailed, ValueError):  # the page shows it too: the acceptance goes on
        log.warning("a carer's identifier could not be sent")
    accept(ctx, person, found)
    return ctx.repos.directory.actor(login_id)


def send_identifier(ctx: Context, account: Account) -> None:
    """The identifier is shown once on the page, and sent to the carer's contact to keep."""
    text = f"Votre identifiant d’aidant DMP est : {account.login_id}. Gardez-le bien."
    if account.otp_channel == "sms":
        ctx.notifier.sms.send(Sms(to=account.mobile, body=f"DMP - {text}"))
    else:
        ctx.notifier.email.send(Email(to=account.email, subject="Votre identifiant d’aidant DMP",
                                      body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n"))


def accept(ctx: Context, person: CarerPerson, found: Invitation) -> CarerGrant:
    """The invitation becomes this carer's grant: journaled on the DMP as the carer's act, the
    code finds nothing any more, and the DMP joins the carer's home page.
    CarerRefusal("invitation_closed" | "already_carer")."""
    now = ctx.now()
    with ctx.repos.unit(found.dossier_id) as unit:
        dossier = unit.dossier()
        if dossier is None or dossier.status != "open":
            raise CarerRefusal("invitation_closed")
        grant = carers.accept(dossier, found.grant_id, person.id, now)
        unit.save_dossier(dossier)
        unit.journal(at=now, actor=carer_on(dossier, person, grant).ref, action="carer_accepted")
        unit.commit()
    ctx.repos.sharing_codes.forget(grant.code_digest)
    ctx.repos.directory.add_carer_dossier(person.id, found.dossier_id)
    notices.carer_accepted(ctx, dossier, grant)  # the patient is told (never raises)
    return grant


def carer_on(dossier: Dossier, person: CarerPerson, grant: CarerGrant | None = None) -> Carer:
    """The carer as the policy judges them on this DMP: under their grant there, named as the
    patient wrote it (the patient reads that name in the history). No grant: refused by the policy."""
    grant = grant or carers.grant_of(dossier, person.id)
    if grant is None:
        return Carer(person.id, person.name, dossier.id, "")
    return Carer(person.id, grant.name, dossier.id, grant.id)


@dataclass(frozen=True)
class Helped:
    """One line of the carer's home page: a DMP they help with, and where the access stands."""

    dossier_id: str
    patient_name: str
    purpose_words: str
    state: str  # carers.state_for_carer: "open", "not_yet", "over"
    starts_on: date
    ends_on: date | None


def helped(ctx: Context, person: CarerPerson) -> list[Helped]:
    """The DMP this carer helps with, the open ones first (no journal line: it reads the grants,
    not the DMP; opening one is decided and journaled)."""
    today = local_day(ctx.now())
    lines = []
    for dossier_id in person.dossiers:
        dossier = ctx.repos.dossiers.get(dossier_id)
        grant = carers.grant_of(dossier, person.id) if dossier is not None else None
        if grant is None:
            continue
        patient = ctx.register.get(dossier.holder_nir)
        state = "over" if dossier.status != "open" else carers.state_for_carer(grant, today)
        lines.append(Helped(dossier.id, patient.full_name if patient else "", grant.rule.words, state,
                            grant.starts_on, grant.ends_on))
    order = {"open": 0, "not_yet": 1, "over": 2}
    return sorted(lines, key=lambda line: (order[line.state], line.patient_name))


# -- a forgotten password ----------------------------------------------------------------------

def start_password_reset(ctx: Context, login_id: str) -> str | None:
    """Send a reset code to the carer's own contact; returns the account's key, or None for an
    identifier that is no carer's (the page after reads the same either way). A code sent less
    than a minute ago is not sent again: it still works."""
    source = CarerAccounts(ctx, ctx.repos.directory)
    account = source.find(login_id.strip())
    if account is None or account.deactivated_at is not None:
        return None
    with suppress(Refused):  # too soon (the last code still works), or no more codes today: the same page
        login.resend_otp(ctx, source, account.login_id, "reset")
    return account.login_id


def finish_password_reset(ctx: Context, login_id: str, new: str) -> None:
    """The new password; every session opened before it ends. Refused("refused", problems=…)."""
    person = ctx.repos.directory.actor(login_id)
    with ctx.repos.directory.updating_account(login_id) as account:
        problems = password_problems(new, login_id, account.password_hash, tuple(person.name.split()))
        if problems:
            raise Refused("refused", current=None, problems=problems)
        account.set_password(new, ctx.now())
    ctx.repos.sessions.end_all(session_owner("carer", login_id))
