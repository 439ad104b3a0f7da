"""The holder of a DMP as the services see them: their journal actor, their entries, the words
their password must not contain, and what every letter to them prints besides its content.

An account is named by its key: the dossier id for the dossier's first account, «<dossier
id>:r2» for a minor's second legal representative (domain/representatives.py). Whoever logs in
with it is the actor of its entries (`patient_actor`): the holder, or a representative."""
from __future__ import annotations

import re

from ..domain.accounts import PasswordCheck
from ..domain.dates import local_day
from ..domain.details import with_helper
from ..domain.actors import Holder, LegalRepresentative
from ..domain.journal import Actor
from .context import Context


def account_key(dossier_id: str, slot: str = "") -> str:
    return f"{dossier_id}:{slot}" if slot else dossier_id


def split_account_key(key: str) -> tuple[str, str]:
    """(dossier id, slot) of an account key."""
    dossier_id, _, slot = key.partition(":")
    return dossier_id, slot


def holder_actor(dossier_id: str) -> Actor:
    return Actor("holder", dossier_id, "le titulaire")


def patient_actor(ctx: Context, key: str) -> Holder | LegalRepresentative:
    """Who acts with this account: the holder, or the minor's legal representative of its slot."""
    dossier_id, slot = split_account_key(key)
    dossier = ctx.repos.dossiers.get(dossier_id)
    return dossier.acting_in(slot) if dossier is not None else Holder(dossier_id)


def holder_entry(ctx: Context, key: str, action: str, **details) -> dict:
    """An entry of the account's owner, for `unit.journal` (a change of the account commits with it);
    during a helped visit, its detail names the helper (ctx.helper)."""
    if ctx.helper is not None:
        details["detail"] = with_helper(details.get("detail", ""), ctx.helper)
    return {"at": ctx.now(), "actor": patient_actor(ctx, key).ref, "action": action, **details}


def journal_as_holder(ctx: Context, key: str, action: str, **details) -> None:
    """An entry of the account's owner, written at once (no other change goes with it)."""
    entry = holder_entry(ctx, key, action, **details)
    ctx.repos.journal.append(split_account_key(key)[0], entry.pop("at"), entry.pop("actor"), entry.pop("action"),
                             **entry)


def journal_current_password_refused(ctx: Context, unit, key: str, check: PasswordCheck) -> None:
    """A password change's «mot de passe actuel» refused (first connection, «Mon compte»): the
    entry goes with the try counted, in the caller's unit of work; nothing for a right one."""
    if check is PasswordCheck.WRONG:
        unit.journal(**holder_entry(ctx, key, "login_password_wrong", allowed=False,
                                    reason="mot de passe actuel faux"))
    elif check is PasswordCheck.LOCKED:
        unit.journal(**holder_entry(ctx, key, "login_locked", allowed=False,
                                    reason="essai trop tôt après des mots de passe faux"))


def personal_words(ctx: Context, key: str) -> tuple[str, ...]:
    """What a password must not contain: the holder's names, NIR and birth date."""
    dossier = ctx.repos.dossiers.get(split_account_key(key)[0])
    person = ctx.register.get(dossier.holder_nir) if dossier else None
    if person is None:
        return ()
    born = person.birth_date
    return (*person.first_names.split(), person.birth_name, person.usage_name, person.nir,
            str(born.year), born.strftime("%d%m%Y"), born.strftime("%d%m%y"))


def letter_context(ctx: Context) -> dict:
    """What every letter prints besides its content: the site to type, the help line (its shared
    layout, templates/pdf/_letter.html, prints both) and today's date."""
    return {"site_address": site_address(ctx), "help_line": ctx.help_line, "dated": local_day(ctx.now())}


def site_address(ctx: Context) -> str:
    """The site's address as a person types it: no « https:// »."""
    return re.sub(r"^https?://", "", ctx.site_url)
