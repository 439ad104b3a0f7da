"""The holder of a DMP as the services see them: their journal actor, their entries, the words
their password must not contain, and what every letter to them prints besides its content."""
from __future__ import annotations

import re

from ..domain.accounts import PasswordCheck
from ..domain.dates import local_day
from ..domain.journal import Actor
from .context import Context


def holder_actor(dossier_id: str) -> Actor:
    return Actor("holder", dossier_id, "le titulaire")


def holder_entry(ctx: Context, dossier_id: str, action: str, **details) -> dict:
    """An entry of the holder, for `unit.journal` (a change of the account commits with it)."""
    return {"at": ctx.now(), "actor": holder_actor(dossier_id), "action": action, **details}


def journal_as_holder(ctx: Context, dossier_id: str, action: str, **details) -> None:
    """An entry of the holder, written at once (no other change goes with it)."""
    ctx.repos.journal.append(dossier_id, ctx.now(), holder_actor(dossier_id), action, **details)


def journal_current_password_refused(ctx: Context, unit, dossier_id: str, check: PasswordCheck) -> None:
    """A password change's «mot de passe actuel» refused (first connection, «Mon compte»): the
    entry goes with the try counted, in the caller's unit of work; nothing for a right one."""
    if check is PasswordCheck.WRONG:
        unit.journal(**holder_entry(ctx, dossier_id, "login_password_wrong", allowed=False,
                                    reason="mot de passe actuel faux"))
    elif check is PasswordCheck.LOCKED:
        unit.journal(**holder_entry(ctx, dossier_id, "login_locked", allowed=False,
                                    reason="essai trop tôt après des mots de passe faux"))


def personal_words(ctx: Context, dossier_id: str) -> tuple[str, ...]:
    """What a password must not contain: the holder's names, NIR and birth date."""
    dossier = ctx.repos.dossiers.get(dossier_id)
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
