"""The patient's login: identifier and password, then a one-time code; logging out; the open
sessions; the forgotten password and the forgotten identifier. Each step is journaled."""
from __future__ import annotations

from contextlib import suppress

from .. import pdf
from ..domain.accounts import CodeCheck, password_problems, session_owner
from ..domain.details import JournaledDetail, noted
from ..notify import Email, Sms
from . import login
from .context import Context
from .holder import account_key, holder_entry, journal_as_holder, letter_context, personal_words, split_account_key
from .login import Refused


def start_login(ctx: Context, login_id: str, password: str) -> login.LoginStarted:
    return login.start_login(ctx, login.PatientAccounts(ctx), login_id, password)


def check_otp(ctx: Context, dossier_id: str, typed: str, purpose: str) -> tuple[CodeCheck, int]:
    return login.check_otp(ctx, login.PatientAccounts(ctx), dossier_id, typed, purpose)


def resend_otp(ctx: Context, dossier_id: str, purpose: str) -> str:
    return login.resend_otp(ctx, login.PatientAccounts(ctx), dossier_id, purpose)


def record_logout(ctx: Context, key: str, expired: bool = False) -> None:
    journal_as_holder(ctx, key, "session_expired" if expired else "logout")


# -- open sessions ----------------------------------------------------------------------------

def open_sessions(ctx: Context, key: str):
    """The account's open sessions, oldest first: (digest, record) pairs."""
    dossier_id, slot = split_account_key(key)
    return ctx.repos.sessions.of_account(session_owner("patient", dossier_id, slot))


def close_other_sessions(ctx: Context, key: str, keep: str) -> int:
    """«Fermer toutes les autres sessions»: journaled in the holder's history."""
    dossier_id, slot = split_account_key(key)
    with ctx.repos.unit(dossier_id) as unit:
        ended = unit.end_sessions(session_owner("patient", dossier_id, slot), keep=keep)
        unit.journal(**holder_entry(ctx, key, "other_sessions_ended",
                                    detail=JournaledDetail(counts={"ended": ended}).stored()))
        unit.commit()
    return ended


# -- forgotten password and identifier --------------------------------------------------------

def start_password_reset(ctx: Context, login_id: str, nir: str) -> str | None:
    """Send a reset code if the identifier and the NIR are one DMP's; returns its account's key, or None.
    The person's answer is the same either way (the code page), and a code sent less than a
    minute ago is not sent again (it still works)."""
    account = ctx.repos.accounts.find_by_login(login_id)
    dossier = ctx.repos.dossiers.get(account.dossier_id) if account else None
    if dossier is None or dossier.holder_nir != nir:
        return None
    key = account_key(dossier.id, account.slot)
    with suppress(Refused):  # too soon: the code sent just before still works
        resend_otp(ctx, key, "reset")
    return key


def finish_password_reset(ctx: Context, key: str, new: str) -> None:
    """The new password, the end of every session opened before it (they open nothing after
    it) and the entry commit together."""
    dossier_id, slot = split_account_key(key)
    now = ctx.now()
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account(slot)
        problems = password_problems(new, account.login_id, account.password_hash, personal_words(ctx, key))
        if problems:
            raise Refused("refused", current=None, problems=problems)  # nothing committed: nothing changed
        account.set_password(new, now)
        unit.save_account(account)
        unit.end_sessions(session_owner("patient", dossier_id, slot))
        unit.journal(**holder_entry(ctx, key, "password_changed", detail=noted("password_after_reset")))
        unit.commit()


def send_identifier(ctx: Context, nir: str, vitale_serial: str, channel: str) -> None:
    """Send the login identifier by SMS, e-mail or post, if the NIR and the card's serial number
    are one DMP's (the answer is the same page either way). Without the chosen way (no mobile,
    no e-mail), it goes by the other, or by post (identifier_way)."""
    person = ctx.register.get(nir)
    dossier = ctx.repos.dossiers.find_by_nir(nir)
    if person is None or dossier is None or person.vitale_serial != vitale_serial:
        return
    # a minor's card is either representative's: each gets their own identifier, on their own account
    slots = [r.slot for r in dossier.active_representatives] or [""]
    for account in (ctx.repos.accounts.get(dossier.id, slot) for slot in slots):
        if account is None:
            continue
        way = identifier_way(account, channel)
        deliver_identifier(ctx, person, account, way)
        journal_as_holder(ctx, account_key(dossier.id, account.slot), "identifier_sent", detail=noted(way))


def identifier_way(account, channel: str) -> str:
    """The way the identifier goes (a note: "by_sms", "by_email", "by_post"): the chosen channel,
    or without it (no mobile, no e-mail) the other, or by post."""
    if channel == "sms" and not account.mobile:
        channel = "email" if account.email else "post"
    elif channel == "email" and not account.email:
        channel = "sms" if account.mobile else "post"
    return {"sms": "by_sms", "email": "by_email"}.get(channel, "by_post")


def deliver_identifier(ctx: Context, person, account, way: str) -> None:
    """Send the login identifier that way (identifier_way); the caller journals it."""
    text = f"Votre identifiant DMP est : {account.login_id}. Gardez-le bien."
    if way == "by_post":
        letter = pdf.identifier_letter(full_name=person.full_name, address_lines=person.address.lines(),
                                       login_id=account.login_id, **letter_context(ctx))
        ctx.notifier.letters.enqueue(letter, [person.full_name, *person.address.lines()], "identifier")
    elif way == "by_sms":
        ctx.notifier.sms.send(Sms(to=account.mobile, body=f"DMP - {text}"))
    else:
        ctx.notifier.email.send(Email(to=account.email, subject="Votre identifiant DMP",
                                      body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n"))
