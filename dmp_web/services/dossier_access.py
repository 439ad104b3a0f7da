"""Reading and feeding a dossier: every use case asks the access policy, and the decision,
allowed or refused, is written to the dossier's journal before anything is shown or stored."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date

from ..domain.access import Decision, EmergencyAccess, EmergencyKind, decide
from ..domain.actors import Professional
from ..domain.documents import Document
from ..domain.dossier import Dossier
from ..domain.identity import InvalidNir, ins_c_is_valid, normalize_nir
from ..domain.uploads import CheckedUpload
from ..notify import Email
from .context import Context


def _decide(ctx: Context, actor, action: str, dossier: Dossier, document: Document | None = None,
            emergency: EmergencyAccess | None = None) -> Decision:
    now = ctx.now()
    if emergency is None and isinstance(actor, Professional):
        emergency = ctx.repos.emergencies.active_for(dossier.id, actor.rpps, now)
    return decide(
        actor, action, dossier, document, now=now, emergency=emergency,
        blocked_rpps=frozenset(dossier.blocked_rpps),
        attending_rights=frozenset(dossier.attending_rights_rpps),
    )


def decide_and_journal(ctx: Context, actor, action: str, dossier: Dossier, document: Document | None = None,
                       emergency: EmergencyAccess | None = None, note: str = "") -> Decision:
    """The one door: decide, then journal the decision whatever it is.

    note: what the use case adds to the detail of an allowed decision (which copy it was)."""
    decision = _decide(ctx, actor, action, dossier, document, emergency)
    fields = decision.journal_fields()
    if note and decision.allowed:
        fields["detail"] += f" ; {note}"
    ctx.repos.journal.append(dossier.id, **fields)
    return decision


def visible_documents(ctx: Context, actor, dossier: Dossier, action: str = "read_document") -> tuple[list[Document], int]:
    """The documents this actor may read (or copy: action "copy_document"), and how many others
    were left out.

    The list is one decision journaled by the caller ("list_documents", "export"); each document
    is filtered by the same policy, so a refused one is not listed and its title never shows."""
    shown, hidden = [], 0
    for document in ctx.repos.documents.list(dossier.id):
        if _decide(ctx, actor, action, dossier, document).allowed:
            shown.append(document)
        else:
            hidden += 1
    return shown, hidden


def find_dossier(ctx: Context, identifier: str, birth_date: date) -> Dossier | None:
    """A dossier by INS-C or NIR, only when the birth date matches too (no guessing by number)."""
    typed = re.sub(r"\s", "", identifier or "")
    dossier = None
    if ins_c_is_valid(typed):
        dossier = ctx.repos.dossiers.find_by_ins(typed)
    else:
        try:
            dossier = ctx.repos.dossiers.find_by_nir(normalize_nir(typed))
        except InvalidNir:
            return None
    if dossier is None:
        return None
    person = ctx.register.get(dossier.holder_nir)
    return dossier if person is not None and person.birth_date == birth_date else None


@dataclass(frozen=True)
class Deposit:
    decision: Decision
    document: Document | None


def deposit(ctx: Context, actor, dossier: Dossier, *, type_code: str, title: str, document_date: date | None,
            text: str = "", upload: CheckedUpload | None = None, data: bytes | None = None,
            pending_explanation: bool = False) -> Deposit:
    """Add a document (typed text or a checked file) if the policy lets this actor write it."""
    ref = actor.ref
    document = Document(
        id=secrets.token_hex(8), dossier_id=dossier.id, type_code=type_code, title=title.strip(),
        author_kind=ref.kind, author_id=ref.id, author_name=ref.name, created_at=ctx.now(),
        pending_explanation=pending_explanation, document_date=document_date,
    )
    decision = decide_and_journal(ctx, actor, "write_document", dossier, document)
    if not decision.allowed:
        return Deposit(decision, None)
    ctx.repos.documents.add(
        document, text=text,
        file_name=upload.clean_name if upload else "", content_type=upload.content_type if upload else "",
        data=data if upload else None,
    )
    if not pending_explanation and ref.kind not in ("holder", "legal_representative"):
        _alert_patient(ctx, dossier)  # not for what the patient added themselves
    return Deposit(decision, document)


def set_hidden(ctx: Context, actor, dossier: Dossier, document: Document, hidden: bool) -> Decision:
    """The patient hides a document from professionals («interdire»), or shows it again."""
    decision = _decide(ctx, actor, "hide_document", dossier, document)
    fields = decision.journal_fields()
    if decision.allowed:
        document.hidden = hidden
        ctx.repos.documents.save(document)
        fields["detail"] += " ; caché aux professionnels" if hidden else " ; de nouveau visible"
    ctx.repos.journal.append(dossier.id, **fields)
    return decision


def release(ctx: Context, actor, dossier: Dossier, document: Document) -> Decision:
    """The author shows the patient a document once it has been explained."""
    decision = decide_and_journal(ctx, actor, "release_document", dossier, document)
    if decision.allowed:
        document.release(ctx.now())
        ctx.repos.documents.save(document)
        _alert_patient(ctx, dossier)
    return decision


def open_emergency(ctx: Context, actor: Professional, dossier: Dossier, reason: str) -> Decision:
    """Bris de glace (or the Centre 15 regulator during a call): 24 hours, if the patient allowed it."""
    kind = EmergencyKind.REGULATOR if actor.emergency_regulator else EmergencyKind.BREAK_GLASS
    access = EmergencyAccess(kind, actor.rpps, reason.strip(), ctx.now())
    decision = _decide(ctx, actor, "read_dossier", dossier, emergency=access)
    opened = decision.allowed and decision.emergency
    fields = decision.journal_fields()
    if opened:
        ctx.repos.emergencies.add(dossier.id, access)
        fields["action"] = "regulator_access" if kind is EmergencyKind.REGULATOR else "break_glass"
    ctx.repos.journal.append(dossier.id, **fields)
    return decision


def _alert_patient(ctx: Context, dossier: Dossier) -> None:
    """The patient asked to be told of each new document: say so, never what it is."""
    if not dossier.alert_new_documents:
        return
    account = ctx.repos.accounts.get(dossier.id)
    if account and account.email:
        ctx.notifier.email.send(Email(
            to=account.email, subject="Un nouveau document dans votre DMP",
            body="Bonjour,\n\nUn nouveau document est dans votre DMP.\n"
                 f"Connectez-vous pour le lire : {ctx.site_url}/connexion\n\nL’Assurance Maladie\n",
        ))

