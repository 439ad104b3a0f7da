"""The first connection, in three steps: the contacts, the password and the codes' channel, the
emergency choice. Each step's changes and entries commit together."""
from __future__ import annotations

from ..domain.accounts import FIRST_CONNECTION_DONE, session_owner
from ..domain.details import Change, JournaledDetail, noted
from ..domain.dossier import EMERGENCY_SWITCHES, switch_emergency
from .context import Context
from .account_settings import replace_password
from .holder import holder_entry, split_account_key


def save_personal_data(ctx: Context, key: str, mobile: str, email: str) -> None:
    """A mobile, an e-mail or both (the form asks for one at least: PersonalDataForm says why).
    The codes' channel follows: it is one the person has."""
    dossier_id, slot = split_account_key(key)
    with ctx.repos.unit(dossier_id) as unit:  # the account and its entry commit together
        account = unit.account(slot)
        account.mobile, account.email = mobile, email
        if account.otp_channel not in account.otp_channels():
            account.otp_channel = next(iter(account.otp_channels()), account.otp_channel)
        account.first_connection_step = max(account.first_connection_step, 2)
        unit.save_account(account)
        unit.journal(**holder_entry(ctx, key, "contact_changed", detail=noted("mobile_and_email_saved")))
        unit.commit()


def save_connection_data(ctx: Context, key: str, current: str, new: str, channel: str,
                         session: str | None = None) -> None:
    """Replace the initial password and choose the channel of future codes; the other sessions
    of the account end (`session`: the digest of the one in use). The account, the sessions
    and the entries commit together: a wrong password counts, and is journaled, with it.
    A channel the person has no contact for is not taken: the codes keep their way.

    Raises Refused('refused', current=…, problems=[…]) as account_settings.change_password does."""
    dossier_id, slot = split_account_key(key)
    now = ctx.now()
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account(slot)
        if channel not in account.otp_channels():
            channel = account.otp_channel
        refusal = replace_password(ctx, unit, key, account, current, new, now)  # every reason at once
        if refusal is None:
            account.otp_channel = channel
            account.first_connection_step = max(account.first_connection_step, 3)
            unit.end_sessions(session_owner("patient", dossier_id, slot), keep=session)
            unit.journal(**holder_entry(ctx, key, "password_changed", detail=noted("initial_password_replaced")))
            unit.journal(**holder_entry(ctx, key, "otp_channel_changed",
                                  detail=noted("by_sms" if channel == "sms" else "by_email")))
        unit.save_account(account)
        unit.commit()
    if refusal is not None:
        raise refusal


def save_emergency_choice(ctx: Context, key: str, switches: dict[str, bool]) -> None:
    """The last step of the first connection: the 3 emergency switches (EMERGENCY_SWITCHES, each
    on or off), the step done and their entries commit together."""
    dossier_id, slot = split_account_key(key)
    now = ctx.now()
    with ctx.repos.unit(dossier_id) as unit:
        dossier = unit.dossier()
        changes = [switch_emergency(dossier, name, switches[name], now) for name in EMERGENCY_SWITCHES]
        unit.save_dossier(dossier)
        account = unit.account(slot)
        account.first_connection_step = FIRST_CONNECTION_DONE
        unit.save_account(account)
        for what in changes:
            unit.journal(**holder_entry(ctx, key, "emergency_access_set",
                                        detail=JournaledDetail(change=Change(what)).stored()))
        unit.journal(**holder_entry(ctx, key, "first_connection_done"))
        unit.commit()
