"""« Mon compte »: the holder changes their password, or the channel of their login codes.

A password change checks the current password as the login does (wrong ones count and lock the
same way), ends the other sessions, and tells the account's contacts: if someone else did it,
the holder learns it there. Each change and its entries commit together."""
from __future__ import annotations

from ..domain.accounts import Account, PasswordCheck, password_problems, session_owner
from ..domain.details import noted
from . import notices
from .context import Context
from .holder import holder_entry, journal_current_password_refused, personal_words, split_account_key
from .login import Refused, warn_of_failures

CHANNEL_CONTACT = {"sms": "mobile", "email": "email"}


def change_password(ctx: Context, key: str, current: str, new: str, session: str | None = None) -> None:
    """Replace the password; the other sessions end (`session`: the digest of the one in use).

    Raises Refused('refused', current=…, problems=[…]) with every reason at once: `current` is
    'wrong' or 'locked' (a try too soon after wrong ones), or None when it was right; `problems`
    are password_problems' codes for the new one. Whether the new one is the current one is
    checked only once the current one is right: no way round the lock."""
    dossier_id, slot = split_account_key(key)
    now = ctx.now()
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account(slot)
        refusal = replace_password(ctx, unit, key, account, current, new, now)
        if refusal is None:
            unit.end_sessions(session_owner("patient", dossier_id, slot), keep=session)
            unit.journal(**holder_entry(ctx, key, "password_changed",
                                        detail=noted("password_changed_in_account")))
        unit.save_account(account)
        unit.commit()
    if refusal is not None:
        if refusal.details["current"] == PasswordCheck.WRONG.value and account.warn_of_failures:
            warn_of_failures(ctx, account)
        raise refusal
    _tell_contacts(ctx, account)


def replace_password(ctx: Context, unit, key: str, account: Account, current: str, new: str, now) -> Refused | None:
    """The current password checked as a login checks it (a wrong one counts, and is journaled in
    the caller's unit), and every problem of the new one, at once; the new one is set when both
    pass (None). Whether the new one is the current one is checked only once the current one is
    right: no way round the lock. The caller raises the refusal after its commit."""
    check = account.try_password(current, now)
    right = check is PasswordCheck.OK
    problems = password_problems(new, account.login_id, account.password_hash if right else None,
                                 personal_words(ctx, key))
    if right and not problems:
        account.set_password(new, now)
        return None
    journal_current_password_refused(ctx, unit, key, check)
    return Refused("refused", current=None if right else check.value, problems=problems)


def _tell_contacts(ctx: Context, account: Account) -> None:
    """Each contact hears it (or a letter goes, services/notices.py): if someone else changed
    the password, the holder learns it there. A notice that cannot be sent is journaled, not
    shown as a failure: the change is made."""
    notices.password_changed(ctx, account)


def missing_contacts(account: Account) -> list[str]:
    """The channels this account cannot use: 'sms' without a mobile, 'email' without an e-mail."""
    return [channel for channel, contact in CHANNEL_CONTACT.items() if not getattr(account, contact)]


def choose_otp_channel(ctx: Context, key: str, channel: str) -> bool:
    """Send the next login codes by `channel` ('sms' or 'email'); False when it was already so.

    Raises Refused('no_mobile' | 'no_email') when the account has no such contact: a code must
    reach the holder."""
    dossier_id, slot = split_account_key(key)
    if channel not in CHANNEL_CONTACT:
        raise ValueError(channel)
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account(slot)
        if not getattr(account, CHANNEL_CONTACT[channel]):
            raise Refused("no_" + CHANNEL_CONTACT[channel])  # nothing committed: nothing changed
        if account.otp_channel == channel:
            return False
        account.otp_channel = channel
        unit.save_account(account)
        unit.journal(**holder_entry(ctx, key, "otp_channel_changed",
                                    detail=noted("by_sms" if channel == "sms" else "by_email")))
        unit.commit()
    return True
