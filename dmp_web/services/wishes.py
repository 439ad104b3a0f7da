"""«Mes informations / Volontés et droits».

Contact details change only once a one-time code sent to the NEW number or address comes back;
the code is bound to that value, so a code sent to one number can never confirm another.
Wishes (people to call, directives anticipées, organ donation, blood group, allergies) are one
sealed record; each change is a "manage" decision of the access policy, journaled with what
changed but never with the health data itself (a journal entry says what kind of change it was).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from collections.abc import Callable

from ..domain.access import Decision
from ..domain.accounts import CodeCheck, TooSoon
from ..domain.details import Change, noted
from ..domain.dossier import Dossier
from ..domain.uploads import CheckedUpload
from ..domain.wishes import BLOOD_GROUPS, ORGAN_DONATION, Person, WishItem, Wishes
from ..notify import DeliveryFailed, Email, Sms
from . import dossier_access
from .context import Context
from .login import Refused
from .holder import holder_entry, journal_as_holder, split_account_key

log = logging.getLogger(__name__)

CONTACT_KINDS = ("mobile", "email")
DIRECTIVES_TITLE = "Mes directives anticipées"


# -- contact details: a code to the new number or address --------------------------------------

def contact_purpose(kind: str, value: str) -> str:
    """The purpose of the code that confirms this value (and no other)."""
    if kind not in CONTACT_KINDS:
        raise ValueError(kind)
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:16]
    return f"contact:{kind}:{digest}"


def _send_contact_code(ctx: Context, kind: str, value: str, code: str) -> None:
    if kind == "mobile":
        ctx.notifier.sms.send(Sms(
            to=value,
            body=f"DMP - Votre code pour confirmer votre nouveau numéro : {code}. "
                 "Il marche 10 minutes. Ne le donnez à personne.",
        ))
    else:
        ctx.notifier.email.send(Email(
            to=value, subject="Votre code DMP",
            body=f"Bonjour,\n\nVotre code pour confirmer votre nouvelle adresse e-mail : {code}.\n"
                 "Il marche 10 minutes. Ne le donnez à personne.\n\n"
                 "Vous n’avez pas demandé ce code ? Ne faites rien.\n\nL’Assurance Maladie\n",
        ))


def _warn_old_contact(ctx: Context, kind: str, old: str) -> None:
    """Tell the old number or address that it no longer receives the codes: if someone else
    changed it, the patient learns it there. The new value is never written in the message.
    The change is made: a warning that cannot be sent (delivery failed, or an old address the
    sender refuses) is logged, not shown as a failure."""
    try:
        if kind == "mobile":
            ctx.notifier.sms.send(Sms(
                to=old,
                body="DMP - Le numéro de portable de votre DMP vient de changer. Ce numéro ne recevra "
                     "plus vos codes. Ce n’est pas vous ? Appelez votre caisse d’assurance maladie.",
            ))
        else:
            ctx.notifier.email.send(Email(
                to=old, subject="L’adresse e-mail de votre DMP a changé",
                body="Bonjour,\n\nL’adresse e-mail de votre DMP vient de changer.\n"
                     "Cette adresse ne recevra plus vos codes.\n\n"
                     "Ce n’est pas vous ? Appelez votre caisse d’assurance maladie.\n\nL’Assurance Maladie\n",
            ))
    except (DeliveryFailed, ValueError):
        log.warning("the warning to the old %s could not be sent", kind)


def send_contact_code(ctx: Context, key: str, kind: str, value: str) -> None:
    """Send a code to the new mobile or e-mail (never to the old one); the previous code is void.

    Raises Refused('same') when it is already the account's value, and
    Refused('too_soon', seconds=…) within 60 seconds of the last code."""
    dossier_id, slot = split_account_key(key)
    purpose = contact_purpose(kind, value)
    account = ctx.repos.accounts.get(dossier_id, slot)
    if getattr(account, kind) == value:
        raise Refused("same")
    with ctx.repos.accounts.updating(dossier_id, slot) as account:
        try:
            code = account.issue_otp(purpose, ctx.now(), ctx.otp_pepper)
        except TooSoon as wait:
            raise Refused("too_soon", seconds=wait.seconds_left) from None
    _send_contact_code(ctx, kind, value, code)
    journal_as_holder(ctx, key, "otp_sent",
                      detail=noted("to_new_mobile" if kind == "mobile" else "to_new_email"))


def confirm_contact(ctx: Context, key: str, kind: str, value: str, typed: str) -> tuple[CodeCheck, int]:
    """Check the code sent to `value`; only a right code changes the contact. Returns the
    outcome and the tries left (5 tries, 10 minutes, once: the rules of Account.try_otp). The
    account (the try counted, the new contact) and its entry commit together."""
    dossier_id, slot = split_account_key(key)
    purpose = contact_purpose(kind, value)
    old = ""
    with ctx.repos.unit(dossier_id) as unit:
        account = unit.account(slot)
        check = account.try_otp(typed, purpose, ctx.now(), ctx.otp_pepper)
        tries_left = account.otp_tries_left()
        if check is CodeCheck.OK:
            old = getattr(account, kind) or ""
            setattr(account, kind, value)
            unit.journal(**holder_entry(ctx, key, "contact_changed", detail=noted(
                "mobile_changed" if kind == "mobile" else "email_changed")))
        elif check is CodeCheck.WRONG:
            unit.journal(**holder_entry(ctx, key, "otp_wrong", allowed=False, reason="code faux"))
        elif check is CodeCheck.EXHAUSTED:
            unit.journal(**holder_entry(ctx, key, "otp_void", allowed=False, reason="5 codes faux"))
        unit.save_account(account)
        unit.commit()
    if old:
        _warn_old_contact(ctx, kind, old)
    return check, tries_left


# -- wishes: each change is a "manage" decision, journaled --------------------------------------

def _change(ctx: Context, actor, dossier: Dossier, change: Callable[[Wishes], None], what: str) -> Decision:
    # The decision and the change make one journal entry, as for the médecin traitant
    # (management.set_attending_doctor): the detail says what changed, never the data.
    def changed(unit, _dossier, _document, _decision) -> dict:
        wishes = unit.wishes()  # read under the dossier's lock: two tabs' changes both land
        change(wishes)
        unit.save_wishes(wishes)
        return {"change": Change(what)}

    return dossier_access.act(ctx, actor, "manage", dossier, change=changed)


def _person(name: str, link: str, phone: str) -> Person:
    return Person(name.strip(), (link or "").strip(), phone)


def set_trusted_person(ctx: Context, actor, dossier: Dossier, name: str, link: str, phone: str, *,
                       email: str = "", tell: bool = False) -> Decision:
    """tell: the patient ticked «Prévenir ma personne de confiance quand on ouvre mon DMP en
    urgence» (services/notices.py sends it to `phone` if a mobile, else to `email`)."""
    def change(wishes: Wishes) -> None:
        wishes.trusted_person = replace(_person(name, link, phone), email=email.strip())
        wishes.tell_trusted_person_of_emergencies = tell

    return _change(ctx, actor, dossier, change,
                   "trusted_person_set_told_of_emergencies" if tell else "trusted_person_set")


def remove_trusted_person(ctx: Context, actor, dossier: Dossier) -> Decision:
    """No trusted person any more; if they were also the person to call, they stay that."""
    def change(wishes: Wishes) -> None:
        if wishes.emergency_contact_is_trusted_person:
            wishes.emergency_contact = wishes.trusted_person
            wishes.emergency_contact_is_trusted_person = False
        wishes.trusted_person = Person()
        wishes.tell_trusted_person_of_emergencies = False

    return _change(ctx, actor, dossier, change, "trusted_person_removed")


def set_emergency_contact(ctx: Context, actor, dossier: Dossier, *, same_as_trusted: bool,
                          name: str = "", link: str = "", phone: str = "") -> Decision:
    def change(wishes: Wishes) -> None:
        if same_as_trusted and wishes.trusted_person.is_set:
            wishes.emergency_contact_is_trusted_person = True
            wishes.emergency_contact = Person()
        else:
            wishes.emergency_contact_is_trusted_person = False
            wishes.emergency_contact = _person(name, link, phone)

    return _change(ctx, actor, dossier, change,
                   "emergency_contact_is_trusted_person" if same_as_trusted else "emergency_contact_set")


def remove_emergency_contact(ctx: Context, actor, dossier: Dossier) -> Decision:
    def change(wishes: Wishes) -> None:
        wishes.emergency_contact = Person()
        wishes.emergency_contact_is_trusted_person = False

    return _change(ctx, actor, dossier, change, "emergency_contact_removed")


def set_advance_directives(ctx: Context, actor, dossier: Dossier, text: str) -> Decision:
    def change(wishes: Wishes) -> None:
        wishes.advance_directives = text.strip()

    return _change(ctx, actor, dossier, change,
                   "advance_directives_written" if text.strip() else "advance_directives_erased")


def add_advance_directives_file(ctx: Context, actor, dossier: Dossier, upload: CheckedUpload,
                                data: bytes) -> dossier_access.Deposit:
    """The directives as a file: a document of type "advance_directives" in the dossier, which
    the médecin traitant and the doctors read like any document (the policy decides)."""
    return dossier_access.deposit(
        ctx, actor, dossier, type_code="advance_directives", title=DIRECTIVES_TITLE,
        document_date=ctx.now().date(), upload=upload, data=data,
    )


def set_organ_donation(ctx: Context, actor, dossier: Dossier, choice: str) -> Decision:
    if choice not in ORGAN_DONATION:
        raise ValueError(choice)

    def change(wishes: Wishes) -> None:
        wishes.organ_donation = choice

    return _change(ctx, actor, dossier, change, "organ_donation_set")


def set_health_facts(ctx: Context, actor, dossier: Dossier, blood_group: str, allergies: str) -> Decision:
    """Blood group and allergies as the patient states them (a doctor checks them)."""
    if blood_group not in BLOOD_GROUPS:
        raise ValueError(blood_group)

    def change(wishes: Wishes) -> None:
        wishes.blood_group = blood_group
        wishes.allergies = allergies.strip()

    return _change(ctx, actor, dossier, change, "health_facts_set")


@dataclass(frozen=True)
class Summary:
    wishes: Wishes
    directive_files: list  # documents of type "advance_directives" the patient may read, newest first


def summary(ctx: Context, actor, dossier: Dossier) -> Summary:
    """What the «Volontés et droits» page shows. Its list of directive files is a list of the
    dossier's documents: one journaled decision, each document filtered by the policy."""
    files = []
    if dossier_access.decide_and_journal(ctx, actor, "list_documents", dossier).allowed:
        shown, _ = dossier_access.visible_documents(ctx, actor, dossier)
        files = sorted((d for d in shown if d.type_code == "advance_directives"),
                       key=lambda d: d.created_at, reverse=True)
    return Summary(ctx.repos.wishes.get(dossier.id), files)


@dataclass(frozen=True)
class ShownWishes:
    wishes: Wishes
    items: list[WishItem]  # what this professional is shown, each item decided and journaled


def shown_to_professional(ctx: Context, actor, dossier: Dossier) -> ShownWishes:
    """The wishes on a professional's dossier page: each item the patient stated and the policy
    gives this professional (domain/habilitations.py WISH_READERS) is one journaled "read_wish".
    An item the policy would refuse is not asked for: the page offers nothing to try."""
    wishes = ctx.repos.wishes.get(dossier.id)
    items = [item for item in WishItem if wishes.stated(item)
             and dossier_access.allowed_unjournaled(ctx, actor, "read_wish", dossier, wish=item)
             and dossier_access.decide_and_journal(ctx, actor, "read_wish", dossier, wish=item).allowed]
    return ShownWishes(wishes, items)
