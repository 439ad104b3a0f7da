"""Opening a DMP, online or at a desk: the dossier, its account with an initial password, and
its first entry commit together; the credential letter is rendered on demand, never stored."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import pdf
from ..domain.accounts import Account
from ..domain.dates import local_day
from ..domain.credentials import hash_secret, new_initial_password, new_login_id
from ..domain.details import JournaledDetail
from ..domain.dossier import Dossier
from ..domain.journal import Actor
from ..domain.register import InsuredPerson
from .context import Context
from .holder import holder_actor, letter_context


@dataclass(frozen=True)
class NewCredentials:
    dossier_id: str
    login_id: str
    initial_password: str
    ins_c: str
    created_on: date
    full_name: str
    address_lines: list[str]
    ins: str = ""  # the INS matricule, printed under the INS-C ("" for a dossier that holds none)


def open_dossier(ctx: Context, dossier: Dossier, person: InsuredPerson, *, mobile: str, email: str,
                 detail: JournaledDetail, actor: Actor | None = None, reason: str = "") -> NewCredentials:
    password = new_initial_password()
    # one unit of work: on PostgreSQL the dossier, its account and its first entry commit together
    with ctx.repos.unit(dossier.id) as unit:
        unit.add_dossier(dossier)
        account = unit.add_account(Account(
            login_id=new_login_id(),
            dossier_id=dossier.id,
            password_hash=hash_secret(password),
            mobile=mobile,
            email=email,
            otp_channel="sms" if mobile else "email",
        ))
        unit.journal(at=dossier.created_at, actor=actor or holder_actor(dossier.id), action="dossier_created",
                     allowed=True, reason=reason, detail=detail.stored(), emergency=False)
        unit.commit()
    return NewCredentials(
        dossier.id, account.login_id, password, dossier.ins_c, local_day(dossier.created_at),
        person.full_name, person.address.lines(), ins=dossier.ins,
    )


def credential_letter(ctx: Context, creds: NewCredentials) -> bytes:
    """The credential letter, rendered now and never stored; for a minor, to the representative."""
    return pdf.credential_letter(
        **letter_context(ctx),
        full_name=creds.full_name,
        address_lines=creds.address_lines,
        login_id=creds.login_id,
        initial_password=creds.initial_password,
        ins_c=creds.ins_c,
        ins=creds.ins,
        created_on=creds.created_on,
        for_minor_name=getattr(creds, "for_minor_name", "") or None,
    )
