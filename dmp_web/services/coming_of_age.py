"""`end-representatives`: at 18, a minor's DMP becomes their own (Code civil, art. 414).

For each DMP whose holder is 18 or more and still has legal representatives acting: their
access ends (each one's account is closed and its sessions end), each is told on their own
account, and the young adult gets an account of their own in the dossier's first slot, with a
new identifier and initial password, posted in a credential letter (the mail-room queue, sealed
like every letter). What the representatives never saw (`hidden_from_representatives`) the young
adult now reads: the policy reads the holder's rules once no representative acts. The carers
the representatives invited lose their access with them; the young adult may invite them again.

Run daily, like the other batch commands. A DMP is changed in its own unit of work, decided on
its state there: a second run, or two servers at once, end nothing twice and post one letter.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from .. import pdf
from ..domain.accounts import Account, session_owner
from ..domain import carers
from ..domain.credentials import hash_secret, new_initial_password, new_login_id
from ..domain.dates import local_day
from ..domain.details import noted
from ..domain.representatives import FIRST_SLOT
from ..notify import DeliveryFailed
from . import notices
from . import notice_texts as texts
from .context import Context
from .holder import letter_context
from .notices import ASSURANCE_MALADIE

log = logging.getLogger(__name__)
LETTER_KIND = "credential_letter_at_18"


@dataclass(frozen=True)
class ComeOfAge:
    dossier_id: str
    representatives: int  # whose access ended


def end_representatives(ctx: Context, dry_run: bool = False) -> list[ComeOfAge]:
    """Every DMP whose holder is 18 today and whose representatives still act: say which, and
    (unless a dry run) end their access and post the young adult's letter."""
    today = local_day(ctx.now())
    done = []
    for dossier_id in ctx.repos.dossiers.all_ids():
        dossier = ctx.repos.dossiers.get(dossier_id)
        if dossier is None or not dossier.active_representatives:
            continue
        person = ctx.register.get(dossier.holder_nir)
        if person is None or person.is_minor_on(today):
            continue
        if dry_run:
            done.append(ComeOfAge(dossier_id, len(dossier.active_representatives)))
            continue
        ended = _come_of_age(ctx, dossier_id, person)
        if ended is not None:
            done.append(ended)
    return done


def _come_of_age(ctx: Context, dossier_id: str, person) -> ComeOfAge | None:
    now = ctx.now()
    password = new_initial_password()
    with ctx.repos.unit(dossier_id) as unit:
        dossier = unit.dossier()
        ending = dossier.active_representatives if dossier is not None else []
        if not ending:
            return None  # another run did it meanwhile
        before = {r.slot: unit.account(r.slot) for r in ending}
        for representative in ending:
            representative.ended_at = now
            account = before[representative.slot]
            if account is not None and representative.slot != FIRST_SLOT:
                account.deactivate(now)  # the first slot's becomes the young adult's, below
                unit.save_account(account)
            unit.end_sessions(session_owner("patient", dossier_id, representative.slot))
        unit.save_dossier(dossier)
        # their own codes come to the contacts the register knows, else the caisse's desk adds some
        mine = unit.add_account(Account(
            login_id=new_login_id(), dossier_id=dossier_id, password_hash=hash_secret(password),
            email=person.email, otp_channel="email"))
        unit.journal(at=now, actor=ASSURANCE_MALADIE, action="representatives_ended", allowed=True,
                     detail=noted("by_post"))
        # the carers they invited (domain/carers.py) acted under their choices: theirs end too
        stopped = [carers.end(dossier, grant.id, now) for grant in carers.counted(dossier, now)]
        if stopped:
            unit.save_dossier(dossier)
            unit.journal(at=now, actor=ASSURANCE_MALADIE, action="carers_ended_at_18", allowed=True)
        # before the commit: cut short here, the old identifiers open nothing, and the next run ends the rest
        _retire_logins(ctx, [a for a in before.values() if a is not None and a.login_id != mine.login_id])
        unit.commit()
    for grant in stopped:
        if grant.accepted_at is None:  # an invitation still waiting: its code finds nothing now
            ctx.repos.sharing_codes.forget(grant.code_digest)
    for representative in ending:
        notices.tell_holder(ctx, dossier, texts.representative_ended_notice(person.full_name),
                            account=_as_theirs(before[representative.slot], representative.slot),
                            addressee=representative.full_name)
    _post_letter(ctx, dossier, person, mine, password)
    return ComeOfAge(dossier_id, len(ending))


def _as_theirs(account: Account | None, slot: str) -> Account:
    """The representative's contacts as they were (the first slot now holds the young adult's)."""
    return account if account is not None else Account(login_id="", dossier_id="", password_hash="", slot=slot)


def _retire_logins(ctx: Context, accounts: list[Account]) -> None:
    """The representatives' identifiers open nothing any more: out of the login index."""
    for account in accounts:
        ctx.repos.accounts.retire_login(account.dossier_id, account.login_id)


def _post_letter(ctx: Context, dossier, person, account: Account, password: str) -> None:
    try:
        letter = pdf.credential_letter(
            **letter_context(ctx), full_name=person.full_name, address_lines=person.address.lines(),
            login_id=account.login_id, initial_password=password, ins_c=dossier.ins_c, ins=dossier.ins,
            created_on=local_day(dossier.created_at), at_18=True)
        ctx.notifier.letters.enqueue(letter, [person.full_name, *person.address.lines()], LETTER_KIND)
    except (DeliveryFailed, ValueError, OSError):
        # journaled for the desk: the young adult can ask for a new letter there (services/desk_help.py)
        log.exception("the credential letter at 18 could not be queued")
