"""Logging in with a password then a one-time code, for whoever has an account: patients (their
account lives with their dossier) and directory actors (professionals, desk agents...)."""
from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from ..domain.accounts import Account, CodeCheck, PasswordCheck, TooMany, TooSoon
from ..domain.actors import CarerPerson
from ..domain.credentials import normalize_code, spend_a_check
from ..domain.details import noted
from ..notify import DeliveryFailed, Email, Sms
from ..store.directory import Directory
from . import holder
from .context import Context

log = logging.getLogger(__name__)


class Refused(Exception):
    """A request the rules refuse; `code` says why, for the view to word it."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


class AccountSource(Protocol):
    def find(self, login_id: str) -> Account | None: ...
    def key(self, account: Account) -> str: ...
    def updating(self, key: str) -> AbstractContextManager[Account]: ...
    def record(self, key: str, action: str, **details) -> None: ...


class PatientAccounts:
    """A patient's account is kept with the dossier; every step goes to the dossier's journal."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def find(self, login_id: str) -> Account | None:
        return self.ctx.repos.accounts.find_by_login(login_id)

    def key(self, account: Account) -> str:
        return holder.account_key(account.dossier_id, account.slot)

    def updating(self, key: str):
        return self.ctx.repos.accounts.updating(*holder.split_account_key(key))

    def record(self, key: str, action: str, **details) -> None:
        holder.journal_as_holder(self.ctx, key, action, **details)


class DirectoryAccounts:
    """Professionals, desk agents and the others in the directory (their logins touch no dossier)."""

    def __init__(self, ctx: Context, directory: Directory):
        self.ctx = ctx
        self.directory = directory

    def find(self, login_id: str) -> Account | None:
        if isinstance(self.directory.actor(login_id), CarerPerson):
            return None  # a carer logs in on the carers' page (services/carer_accounts.py)
        return self.directory.account(login_id)

    def key(self, account: Account) -> str:
        return account.login_id

    def updating(self, key: str):
        return self.directory.updating_account(key)

    def record(self, key: str, action: str, **details) -> None:
        pass  # no dossier is touched by logging in; decisions on dossiers are journaled there


@dataclass(frozen=True)
class LoginStarted:
    key: str
    channel: str
    masked_contact: str
    sent: bool = True  # False: the code sent less than a minute ago still works, none was sent


def mask_email(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}"


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:2]} •• •• •• {mobile[-2:]}"


def masked_contact(account: Account, channel: str) -> str:
    return mask_mobile(account.mobile) if channel == "sms" else mask_email(account.email)


def send_otp(ctx: Context, source: AccountSource, account: Account, code: str, purpose: str) -> None:
    why = "vous connecter au DMP" if purpose == "login" else "changer votre mot de passe"
    text = f"Votre code pour {why} : {code}. Il marche 10 minutes. Ne le donnez à personne."
    if account.otp_channel == "sms":
        ctx.notifier.sms.send(Sms(to=account.mobile, body=f"DMP - {text}"))
    else:
        ctx.notifier.email.send(
            Email(to=account.email, subject="Votre code DMP", body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n")
        )
    way = "by_sms" if account.otp_channel == "sms" else "by_email"
    source.record(source.key(account), "otp_sent", detail=noted(way))


def warn_of_failures(ctx: Context, account: Account) -> None:
    """Tell the owner that wrong passwords were typed for their account (never which ones)."""
    text = ("Quelqu’un a écrit plusieurs mots de passe faux pour votre compte DMP. "
            "Si c’est vous, attendez 30 secondes entre 2 essais. "
            "Si ce n’est pas vous, changez votre mot de passe.")
    try:
        if account.otp_channel == "sms" and account.mobile:
            ctx.notifier.sms.send(Sms(to=account.mobile, body=f"DMP - {text}"))
        elif account.email:
            ctx.notifier.email.send(Email(to=account.email, subject="Des mots de passe faux pour votre DMP",
                                          body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n"))
    except (DeliveryFailed, ValueError):
        log.warning("the warning of wrong passwords could not be sent")  # the login answer stays the same


def _may_receive_a_code(account: Account) -> None:
    """Told only to whoever knows the password: a closed account, or one no code can reach (no
    mobile, no e-mail: a young adult's own account at 18, before the caisse's desk adds one)."""
    if account.deactivated_at is not None:
        raise Refused("deactivated")
    if not account.otp_channels():
        raise Refused("no_contact")


def start_login(ctx: Context, source: AccountSource, login_id: str, password: str) -> LoginStarted:
    """Check identifier and password, then send a one-time code (unless the one sent less than
    a minute ago for a login still works: `sent` says which).
    Raises Refused('wrong'|'locked'|'deactivated'|'no_contact'|'too_many'); 'wrong' and 'locked'
    read the same to the person, whether the identifier exists or not."""
    found = source.find(login_id)
    if found is None:
        spend_a_check(password)
        raise Refused("wrong")
    key = source.key(found)
    now = ctx.now()
    code = None
    with source.updating(key) as account:
        check = account.try_password(password, now)
        if check is PasswordCheck.OK:
            _may_receive_a_code(account)
            try:
                code = account.issue_otp("login", now, ctx.otp_pepper)
            except TooMany:
                raise Refused("too_many") from None  # told only to whoever knows the password
            except TooSoon:
                pass  # the login code sent less than a minute ago still works
    if check is PasswordCheck.WRONG:
        source.record(key, "login_password_wrong", allowed=False, reason="mot de passe faux")
        if account.warn_of_failures:
            warn_of_failures(ctx, account)
        raise Refused("wrong")
    if check is PasswordCheck.LOCKED:
        source.record(key, "login_locked", allowed=False, reason="essai trop tôt après des mots de passe faux")
        raise Refused("locked")
    source.record(key, "login_password_ok")
    if code:
        send_otp(ctx, source, account, code, "login")
    return LoginStarted(key, account.otp_channel, masked_contact(account, account.otp_channel), sent=bool(code))


def check_otp(ctx: Context, source: AccountSource, key: str, typed: str, purpose: str) -> tuple[CodeCheck, int]:
    """Check a one-time code; returns the outcome and the tries left."""
    with source.updating(key) as account:
        check = account.try_otp(normalize_code(typed), purpose, ctx.now(), ctx.otp_pepper)
        tries_left = account.otp_tries_left()
    if check is CodeCheck.OK:
        source.record(key, "login_succeeded" if purpose == "login" else "password_reset_requested",
                      detail=noted("otp_right"))
    elif check is CodeCheck.WRONG:
        source.record(key, "otp_wrong", allowed=False, reason="code faux")
    elif check is CodeCheck.EXHAUSTED:
        source.record(key, "otp_void", allowed=False, reason="5 codes faux")
    elif check is CodeCheck.EXPIRED:
        source.record(key, "otp_wrong", allowed=False, reason="code de plus de 10 minutes")
    elif check is CodeCheck.MISSING:
        source.record(key, "otp_wrong", allowed=False, reason="code déjà servi ou remplacé")
    return check, tries_left


def resend_otp(ctx: Context, source: AccountSource, key: str, purpose: str) -> str:
    """Send a new code (voiding the old one); Refused('too_soon', seconds=…) within 60 seconds."""
    with source.updating(key) as account:
        try:
            code = account.issue_otp(purpose, ctx.now(), ctx.otp_pepper)
        except TooSoon as wait:
            raise Refused("too_soon", seconds=wait.seconds_left) from None
    send_otp(ctx, source, account, code, purpose)
    return masked_contact(account, account.otp_channel)
