"""Use cases of the patient's account: create a DMP online, log in with a code, first connection,
forgotten password and identifier. Every step that touches a dossier is written to its journal."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .. import pdf
from ..domain.accounts import (
    FIRST_CONNECTION_DONE,
    Account,
    CodeCheck,
    CreationCode,
    PasswordCheck,
    first_creation_code,
    password_problems,
    session_owner,
)
from ..formatting import group_code
from ..domain.credentials import (
    hash_secret,
    new_creation_code,
    new_initial_password,
    new_login_id,
    normalize_code,
    spend_a_check,
)
from ..domain.dates import local_day
from ..domain.details import Change, JournaledDetail, noted
from ..domain.dossier import Consent, Dossier, new_dossier_id
from ..domain.identity import compute_ins_c
from ..domain.journal import Actor
from ..domain.register import AGE_OF_MAJORITY, InsuredPerson
from ..notify import Email, Sms
from . import login
from .context import Context

POST_DELAY = timedelta(days=7)  # what we tell people about a letter's journey


Refused = login.Refused
mask_email, mask_mobile = login.mask_email, login.mask_mobile


def holder_actor(dossier_id: str) -> Actor:
    return Actor("holder", dossier_id, "le titulaire")



def _letter_context(ctx: Context) -> dict:
    """What every letter prints besides its content: the site to type and today's date."""
    return {"site_address": re.sub(r"^https?://", "", ctx.site_url), "dated": local_day(ctx.now())}


def _journal(ctx: Context, dossier_id: str, action: str, **details) -> None:
    ctx.repos.journal.append(dossier_id, ctx.now(), holder_actor(dossier_id), action, **details)


def holder_entry(ctx: Context, dossier_id: str, action: str, **details) -> dict:
    """An entry of the holder, for `unit.journal` (a change of the account commits with it)."""
    return {"at": ctx.now(), "actor": holder_actor(dossier_id), "action": action, **details}


# -- creation online --------------------------------------------------------------------------

def _eligible_person(ctx: Context, nir: str) -> InsuredPerson:
    person = ctx.register.get(nir)
    if person is None:
        raise Refused("unknown_nir")
    existing = ctx.repos.dossiers.find_by_nir(nir)
    if existing is not None:
        raise Refused("already_has_dmp", dossier_id=existing.id)
    if person.is_minor_on(local_day(ctx.now())):
        raise Refused("minor")
    return person


def _journal_stranger(ctx: Context, dossier_id: str, action: str) -> None:
    """Someone typed this person's NIR in an anonymous form: their history shows it."""
    ctx.repos.journal.append(dossier_id, ctx.now(), Actor("anonymous", "", "une personne"), action,
                             allowed=False, reason="ce numéro a déjà un DMP")


def _tell(ctx: Context, person: InsuredPerson, subject: str, text: str) -> None:
    """A word to the person at the address the Assurance Maladie knows (e-mail only: a letter
    a stranger can trigger would cost the post and frighten the person)."""
    if person.email:
        ctx.notifier.email.send(Email(to=person.email, subject=subject,
                                      body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n"))


def request_creation_code(ctx: Context, nir: str) -> None:
    """Ask for a creation code. The answer is the same whatever the NIR (a NIR alone must not
    tell whether a person is insured, has a DMP, or is a minor): what differs goes to the person.

    - can create a DMP: a new code by e-mail if known, else by post, within the caps of the
      domain (CREATION_CODE_EMAILS_PER_DAY, CREATION_CODE_LETTERS_PER_WEEK); codes already sent
      stay good;
    - has a DMP: an e-mail says so and how to find the identifier, and their history shows it;
    - a minor: an e-mail says where to create it; unknown: nothing at all."""
    try:
        person = _eligible_person(ctx, nir)
    except Refused as refusal:
        person = ctx.register.get(nir)
        if refusal.code == "already_has_dmp":
            _journal_stranger(ctx, refusal.details["dossier_id"], "creation_code_requested")
            _tell(ctx, person, "Votre DMP existe déjà",
                  "Quelqu’un a demandé un code pour créer un DMP avec votre numéro.\n"
                  "Vous avez déjà un DMP. Rien n’a changé.\n"
                  f"Vous avez oublié votre identifiant ? Allez sur {ctx.site_url}/identifiant-oublie")
        elif refusal.code == "minor":
            _tell(ctx, person, "Créer votre DMP",
                  "Quelqu’un a demandé un code pour créer un DMP avec votre numéro.\n"
                  f"Avant {AGE_OF_MAJORITY} ans, le DMP se crée avec un parent, à la caisse ou chez un médecin.")
        return
    now = ctx.now()
    code = new_creation_code()
    channel = "email" if person.email else "post"

    earlier = ctx.repos.creation_codes.get(nir)
    if earlier is not None and not earlier.may_send(channel, now):
        return  # over the caps: the codes already sent still work
    valid_until = (now + CreationCode.VALIDITY).date()
    if channel == "email":
        ctx.notifier.email.send(
            Email(
                to=person.email,
                subject="Votre code pour créer votre DMP",
                body=(
                    f"Bonjour,\n\nVoici votre code pour créer votre DMP : {group_code(code)}\n\n"
                    f"Ce code marche jusqu’au {valid_until:%d/%m/%Y}.\n"
                    f"Il marche une seule fois. Les codes reçus avant marchent encore.\n\n"
                    f"Allez sur {ctx.site_url}/creer et cliquez sur « J’ai mon code ».\n\n"
                    "Vous n’avez pas demandé ce code ? Ne faites rien.\n\nL’Assurance Maladie\n"
                ),
            )
        )
    else:
        letter = pdf.creation_code_letter(
            full_name=person.full_name,
            address_lines=person.address.lines(),
            code=code,
            expires_on=valid_until,
            **_letter_context(ctx),
        )
        ctx.notifier.letters.enqueue(letter, [person.full_name, *person.address.lines()], "creation_code")
    # recorded once sent: a code that could not go out counts for nothing
    ctx.repos.creation_codes.renew(nir, lambda record: record.renewed(hash_secret(code), channel, now) if record
                                   else first_creation_code(nir, hash_secret(code), channel, now))


@dataclass(frozen=True)
class NewCredentials:
    dossier_id: str
    login_id: str
    initial_password: str
    ins_c: str
    created_on: date
    full_name: str
    address_lines: list[str]


def create_dossier_online(
    ctx: Context, *, code: str, nir: str, vitale_type: str, vitale_serial: str, mobile: str, email: str
) -> NewCredentials:
    """Check the code against the NIR and the Vitale card, then create the dossier and its account."""
    now = ctx.now()
    typed = normalize_code(code)
    person = ctx.register.get(nir)
    card_matches = person is not None and (vitale_serial, vitale_type) == (person.vitale_serial, person.vitale_type)

    def use(record: CreationCode | None):
        if record is None:
            spend_a_check(typed)  # as long as a real check: the time tells nothing either
            return CodeCheck.MISSING
        check = record.check(typed, now)
        if check is CodeCheck.OK and card_matches:
            record.used_at = now
        return check

    # One answer for every failure (code, number, card, existing DMP, age): each would tell a
    # stranger something of the person. The code's tries count, whatever else is wrong.
    check = ctx.repos.creation_codes.apply(nir, use)
    try:
        if check is not CodeCheck.OK or not card_matches:
            raise Refused("no_match")
        person = _eligible_person(ctx, nir)
    except Refused as refusal:
        if refusal.code == "already_has_dmp":
            _journal_stranger(ctx, refusal.details["dossier_id"], "dossier_creation_refused")
        raise Refused("no_match") from None

    dossier = Dossier(
        id=new_dossier_id(),
        holder_nir=nir,
        ins_c=compute_ins_c(nir, person.first_names, person.birth_date),
        created_at=now,
        consent=Consent(given_by="holder", recorded_by="online", at=now, channel="online"),
    )
    return _open_dossier(ctx, dossier, person, mobile=mobile, email=email, detail=JournaledDetail(
        note="created_online", consent={"given_by": "holder", "channel": "online"}))


def _open_dossier(ctx: Context, dossier: Dossier, person: InsuredPerson, *, mobile: str, email: str,
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
        dossier.id, account.login_id, password, dossier.ins_c, dossier.created_at.date(),
        person.full_name, person.address.lines(),
    )


def credential_letter(ctx: Context, creds: NewCredentials) -> bytes:
    """The credential letter, rendered now and never stored; for a minor, to the representative."""
    return pdf.credential_letter(
        **_letter_context(ctx),
        full_name=creds.full_name,
        address_lines=creds.address_lines,
        login_id=creds.login_id,
        initial_password=creds.initial_password,
        ins_c=creds.ins_c,
        created_on=creds.created_on,
        for_minor_name=getattr(creds, "for_minor_name", "") or None,
    )


# -- login ------------------------------------------------------------------------------------

def start_login(ctx: Context, login_id: str, password: str) -> login.LoginStarted:
    return login.start_login(ctx, login.PatientAccounts(ctx), login_id, password)


def check_otp(ctx: Context, dossier_id: str, typed: str, purpose: str) -> tuple[CodeCheck, int]:
    return login.check_otp(ctx, login.PatientAccounts(ctx), dossier_id, typed, purpose)


def resend_otp(ctx: Context, dossier_id: str, purpose: str) -> str:
    return login.resend_otp(ctx, login.PatientAccounts(ctx), dossier_id, purpose)


def record_logout(ctx: Context, dossier_id: str, expired: bool = False) -> None:
    _journal(ctx, dossier_id, "session_expired" if expired else "logout")


# -- first connection -------------------------------------------------------------------------

def save_personal_data(ctx: Context, dossier_id: str, mobile: str, email: str) -> None:
    with ctx.repos.unit(dossier_id) as unit:  # the account and its entry commit together
        account = unit.account()
        account.mobile, account.email = mobile, email
        account.first_connection_step = max(account.first_connection_step, 2)
        unit.save_account(account)
        unit.journal(**holder_entry(ctx, dossier_id, "contact_changed", detail=noted("mobile_and_email_saved")))
        unit.commit()


def personal_words(ctx: Context, dossier_id: str) -> tuple[str, ...]:
    """What a password must not contain: the holder's names, NIR and birth date."""
    dossier = ctx.repos.dossiers.get(dossier_id)
    person = ctx.register.get(dossier.holder_nir) if dossier else None
    if person is None:
        return ()
    born = person.birth_date
    return (*person.first_names.split(), person.birth_name, person.usage_name, person.nir,
            str(born.year), born.strftime("%d%m%Y"), born.strftime("%d%m%y"))


def open_sessions(ctx: Context, dossier_id: str):
    """The account's open sessions, oldest first: (digest, record) pairs."""
    return ctx.repos.sessions.of_account(session_owner("patient", dossier_id))


def close_other_sessions(ctx: Context, dossier_id: str, keep: str) -> int:
    """«Fermer toutes les autres sessions»: journaled in the holder's history."""
    with ctx.repos.unit(dossier_id) as unit:
        ended = unit.end_sessions(session_owner("patient", dossier_id), keep=keep)
        unit.journal(**holder_entry(ctx, dossier_id, "other_sessions_ended", detail=JournaledDetail(counts={"ended": ended}).stored()))
        unit.commit()
    return ended


def save_connection_data(ctx: Context, dossier_id: str, current: str, new: str, channel: str,
                         session: str | None = None) -> None:
    """Replace the initial password and choose the channel of future codes; the other sessions
    of the account end (`session`: the digest of the one in use). The account, the sessions
    and the entries commit together: a wrong password counts, and is journaled, with it."""
    now = ctx.now()
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account()
        check = account.try_password(current, now)
        problems = password_problems(new, account.login_id, account.password_hash,
                                     personal_words(ctx, dossier_id)) if check is PasswordCheck.OK else []
        if check is PasswordCheck.OK and not problems:
            account.set_password(new, now)
            account.otp_channel = channel
            account.first_connection_step = max(account.first_connection_step, 3)
            unit.end_sessions(session_owner("patient", dossier_id), keep=session)
            unit.journal(**holder_entry(ctx, dossier_id, "password_changed", detail=noted("initial_password_replaced")))
            unit.journal(**holder_entry(ctx, dossier_id, "otp_channel_changed",
                                  detail=noted("by_sms" if channel == "sms" else "by_email")))
        elif check is PasswordCheck.WRONG:
            unit.journal(**holder_entry(ctx, dossier_id, "login_password_wrong", allowed=False,
                                  reason="mot de passe actuel faux"))
        elif check is PasswordCheck.LOCKED:
            unit.journal(**holder_entry(ctx, dossier_id, "login_locked", allowed=False,
                                  reason="essai trop tôt après des mots de passe faux"))
        unit.save_account(account)
        unit.commit()
    if check is PasswordCheck.WRONG:
        raise Refused("current_wrong")
    if check is PasswordCheck.LOCKED:
        raise Refused("locked")
    if problems:
        raise Refused("password_" + problems[0])


def save_emergency_choice(ctx: Context, dossier_id: str, allowed: bool) -> None:
    """The last step of the first connection: the choice, the step done and their entries
    commit together."""
    with ctx.repos.unit(dossier_id) as unit:
        dossier = unit.dossier()
        dossier.emergency_access = allowed
        unit.save_dossier(dossier)
        account = unit.account()
        account.first_connection_step = FIRST_CONNECTION_DONE
        unit.save_account(account)
        unit.journal(**holder_entry(ctx, dossier_id, "emergency_access_set",
                              detail=JournaledDetail(change=Change(
                                  "emergency_access_allowed" if allowed else "emergency_access_refused")).stored()))
        unit.journal(**holder_entry(ctx, dossier_id, "first_connection_done"))
        unit.commit()


# -- forgotten password and identifier --------------------------------------------------------

def start_password_reset(ctx: Context, login_id: str, nir: str) -> str | None:
    """Send a reset code if the identifier and the NIR are one DMP's; returns its id, or None.
    The person's answer is the same either way (the code page), and a code sent less than a
    minute ago is not sent again (it still works)."""
    account = ctx.repos.accounts.find_by_login(login_id)
    dossier = ctx.repos.dossiers.get(account.dossier_id) if account else None
    if dossier is None or dossier.holder_nir != nir:
        return None
    try:
        resend_otp(ctx, dossier.id, "reset")
    except Refused:
        pass  # too soon: the code sent just before still works
    return dossier.id


def finish_password_reset(ctx: Context, dossier_id: str, new: str) -> None:
    """The new password, the end of every session opened before it (they open nothing after
    it) and the entry commit together."""
    now = ctx.now()
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account()
        problems = password_problems(new, account.login_id, account.password_hash, personal_words(ctx, dossier_id))
        if problems:
            raise Refused("password_" + problems[0])  # nothing committed: nothing changed
        account.set_password(new, now)
        unit.save_account(account)
        unit.end_sessions(session_owner("patient", dossier_id))
        unit.journal(**holder_entry(ctx, dossier_id, "password_changed", detail=noted("password_after_reset")))
        unit.commit()


def send_identifier(ctx: Context, nir: str, vitale_serial: str, channel: str) -> None:
    """Send the login identifier by SMS, e-mail or post, if the NIR and the card's serial number
    are one DMP's (the answer is the same page either way). Without the chosen way (no mobile,
    no e-mail), it goes by the other, or by post."""
    person = ctx.register.get(nir)
    dossier = ctx.repos.dossiers.find_by_nir(nir)
    if person is None or dossier is None or person.vitale_serial != vitale_serial:
        return
    account = ctx.repos.accounts.get(dossier.id)
    if channel == "sms" and not account.mobile:
        channel = "email" if account.email else "post"
    elif channel == "email" and not account.email:
        channel = "sms" if account.mobile else "post"
    text = f"Votre identifiant DMP est : {account.login_id}. Gardez-le bien."
    if channel == "post":
        letter = pdf.identifier_letter(full_name=person.full_name, address_lines=person.address.lines(),
                                       login_id=account.login_id, **_letter_context(ctx))
        ctx.notifier.letters.enqueue(letter, [person.full_name, *person.address.lines()], "identifier")
        way = "by_post"
    elif channel == "sms":
        ctx.notifier.sms.send(Sms(to=account.mobile, body=f"DMP - {text}"))
        way = "by_sms"
    else:
        ctx.notifier.email.send(Email(to=account.email, subject="Votre identifiant DMP", body=f"Bonjour,\n\n{text}\n\nL’Assurance Maladie\n"))
        way = "by_email"
    _journal(ctx, dossier.id, "identifier_sent", detail=noted(way))
