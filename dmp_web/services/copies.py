"""«Copie»: a printable PDF copy of the whole dossier, the same copy sent by post, and an archive
(ZIP) with the PDF, every file as deposited and a manifest.

Each copy is one "export" decision of the access policy, journaled, and is built on demand from
what the policy lets the patient see; nothing is stored except the letter queued for the post.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from .. import pdf
from ..domain.access import Decision
from ..domain.documents import DOCUMENT_TYPES, Document
from ..domain.dossier import Dossier
from ..domain.journal import JournalEntry
from ..domain.register import InsuredPerson
from ..domain.wishes import Wishes
from ..formatting import PARIS, date_fr, time_fr
from ..store.documents import StoredFile
from .context import Context
from .dossier_access import decide_and_journal, visible_documents
from .patient_accounts import POST_DELAY

PDF_NAME = "copie-dmp.pdf"
MANIFEST_NAME = "manifeste.json"
FILES_FOLDER = "fichiers"
LETTER_KIND = "dossier_copy"

TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "image JPEG", "image/png": "image PNG",
               "text/plain": "texte"}
ORGAN_DONATION_LABELS = {
    "yes": "Je suis d'accord pour donner mes organes après ma mort.",
    "no": "Je refuse de donner mes organes après ma mort.",
    "unsaid": "Je n'ai pas encore dit mon choix.",
}


# -- what a copy holds ------------------------------------------------------------------------

@dataclass(frozen=True)
class CopiedDocument:
    document: Document
    type_label: str
    text_lines: list[str]
    file: StoredFile | None
    archive_name: str = ""  # where its file sits in the ZIP


@dataclass(frozen=True)
class DossierContent:
    """Everything a copy shows, read once: identity, wishes, documents, history."""

    dossier: Dossier
    person: InsuredPerson
    wishes: Wishes
    attending_doctor: str
    documents: list[CopiedDocument]
    history: list[str]
    made_at: datetime
    files: list[CopiedDocument] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # professionals the patient blocked
    attending_rights: list[str] = field(default_factory=list)  # doctors with the médecin traitant's rights


def _documents_for_copy(ctx: Context, actor, dossier: Dossier) -> list[Document]:
    """What the policy lets the patient read. On a closed dossier the policy refuses every read,
    the holder's too; the export decision, allowed to the holder, is what covers the copy, so the
    documents are those the holder would read were the dossier open (never one still to explain)."""
    seen_as = dossier if dossier.status == "open" else replace(dossier, status="open")
    shown, _ = visible_documents(ctx, actor, seen_as)
    return sorted(shown, key=lambda d: (d.document_date or d.created_at.date(), d.created_at), reverse=True)


def _archive_name(number: int, stored: StoredFile) -> str:
    # The number keeps two files both named «scan.pdf» apart; the name is already cleaned.
    return f"{FILES_FOLDER}/{number:02d}-{stored.name}"


def gather(ctx: Context, actor, dossier: Dossier) -> DossierContent:
    """Read what the copy shows. Call it only after an allowed "export" decision."""
    repo = ctx.repos.documents
    copied, files = [], []
    for document in _documents_for_copy(ctx, actor, dossier):
        stored = repo.file(dossier.id, document.id)
        text = repo.text(dossier.id, document.id)
        doc_type = DOCUMENT_TYPES.get(document.type_code)
        item = CopiedDocument(
            document=document,
            type_label=doc_type.label if doc_type else "Document",
            text_lines=[line for line in text.splitlines() if line.strip()],
            file=stored,
            archive_name=_archive_name(len(files) + 1, stored) if stored else "",
        )
        copied.append(item)
        if stored:
            files.append(item)
    titles = {item.document.id: item.document.title for item in copied}
    entries = ctx.repos.journal.entries(dossier.id)
    doctor = ctx.repos.directory.professional(dossier.attending_doctor_rpps) if dossier.attending_doctor_rpps else None
    return DossierContent(
        dossier=dossier,
        person=ctx.register.get(dossier.holder_nir),
        wishes=ctx.repos.wishes.get(dossier.id),
        attending_doctor=doctor.name if doctor else "",
        documents=copied,
        history=[history_line(entry, titles) for entry in reversed(entries)],
        made_at=ctx.now(),
        files=files,
        blocked=[_professional_name(ctx, rpps) for rpps in dossier.blocked_rpps],
        attending_rights=[_professional_name(ctx, rpps) for rpps in dossier.attending_rights_rpps],
    )


def _professional_name(ctx: Context, rpps: str) -> str:
    professional = ctx.repos.directory.professional(rpps)
    return f"{professional.name} (RPPS {rpps})" if professional else f"RPPS {rpps}"


# -- the access history as short French lines ---------------------------------------------------
# A minimal formatter for the copy; the history page of the patient's space has its own.

# Account events: the line says what happened, not who typed (anyone may type an identifier).
_EVENTS = {
    "dossier_created": "Création du DMP.",
    "creation_code_sent": "Envoi d'un code pour créer le DMP.",
    "login_password_ok": "Bon mot de passe tapé.",
    "login_password_wrong": "Mot de passe faux tapé.",
    "login_locked": "Compte bloqué pendant 15 minutes après 5 mots de passe faux.",
    "otp_sent": "Envoi d'un code de connexion.",
    "otp_wrong": "Code de connexion faux tapé.",
    "otp_void": "Code de connexion annulé après 5 essais faux.",
    "login_succeeded": "Connexion à votre DMP.",
    "logout": "Déconnexion.",
    "session_expired": "Déconnexion automatique : le site n'était plus utilisé.",
    "password_changed": "Mot de passe changé.",
    "password_reset_requested": "Demande d'un nouveau mot de passe.",
    "identifier_sent": "Envoi de votre identifiant.",
    "contact_changed": "Téléphone portable ou e-mail changé.",
    "otp_channel_changed": "Façon de recevoir les codes changée.",
    "emergency_access_set": "Choix sur l'accès en cas d'urgence enregistré.",
    "first_connection_done": "Première connexion terminée.",
}

# Decisions of the access policy: (what was done, what was tried), {title} the document's.
_DECISIONS = {
    "read_dossier": ("ouvert le DMP", "ouvrir le DMP"),
    "list_documents": ("vu la liste des documents", "voir la liste des documents"),
    "read_document": ("lu {title}", "lire {title}"),
    "write_document": ("ajouté {title}", "ajouter {title}"),
    "release_document": ("rendu visible {title}", "rendre visible {title}"),
    "hide_document": ("changé qui peut voir {title}", "changer qui peut voir {title}"),
    "export": ("demandé une copie du DMP", "demander une copie du DMP"),
    "manage": ("changé un réglage du DMP", "changer un réglage du DMP"),
    "create_dossier": ("créé le DMP", "créer le DMP"),
    "break_glass": ("ouvert le DMP en urgence (bris de glace)", "ouvrir le DMP en urgence"),
    "regulator_access": ("ouvert le DMP en urgence (SAMU – Centre 15)", "ouvrir le DMP en urgence"),
}

_DOCUMENT_ID = re.compile(r"\bdocument ([0-9a-f]{16})\b")


def _who(entry: JournalEntry) -> str:
    if entry.actor_kind == "holder":
        return "Vous"
    if entry.actor_kind == "legal_representative":
        return f"{entry.actor_name}, votre représentant légal,"
    return entry.actor_name or "Une personne inconnue"


def history_line(entry: JournalEntry, titles: dict[str, str]) -> str:
    """«23 novembre 2026 à 10 h 05 : Dr Marie Durand (médecin, médecine générale) a lu « … ».»

    `titles` holds the documents the patient may see: any other is only «un document»."""
    when = f"{date_fr(entry.at)} à {time_fr(entry.at)}"
    if entry.action in _EVENTS:
        return f"{when} : {_EVENTS[entry.action]}"
    done, tried = _DECISIONS.get(entry.action, ("agi sur le DMP", "agir sur le DMP"))
    found = _DOCUMENT_ID.search(entry.detail or "")
    title = titles.get(found.group(1)) if found else None
    title = f"« {title} »" if title else "un document"
    who = _who(entry)
    has = "avez" if who == "Vous" else "a"
    if entry.allowed:
        if entry.action == "hide_document" and "caché aux professionnels" in entry.detail:
            done = "caché {title} aux professionnels"
        elif entry.action == "hide_document" and "de nouveau visible" in entry.detail:
            done = "rendu {title} de nouveau visible aux professionnels"
        line = f"{who} {has} {done.format(title=title)}."
    else:
        line = f"{who} {has} essayé de {tried.format(title=title)}. C'est refusé."
    if entry.emergency:
        line += " Accès en urgence."
    return f"{when} : {line}"


# -- the PDF ---------------------------------------------------------------------------------------

def _full_name(person: InsuredPerson) -> str:
    return f"{person.first_names} {person.usage_name or person.birth_name}"


def size_label(size: int) -> str:
    """1 octet, 820 octets, 12 Ko, 1,5 Mo: the French way, rounded up."""
    if size < 1024:
        return f"{size} octet{'s' if size > 1 else ''}"
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} Ko"
    tenths = -(-size * 10 // (1024 * 1024))
    whole, tenth = divmod(tenths, 10)
    return f"{whole} Mo" if tenth == 0 else f"{whole},{tenth} Mo"


def type_label(content_type: str) -> str:
    return TYPE_LABELS.get(content_type, content_type)


def render_copy(content: DossierContent) -> bytes:
    """The tagged A4 PDF of this content (templates/pdf/dossier_copy.html)."""
    person = content.person
    local = content.made_at.astimezone(PARIS) if content.made_at.tzinfo else content.made_at
    return pdf.render_pdf("dossier_copy.html", {
        "content": content,
        "full_name": _full_name(person),
        "made_on": date_fr(local),
        "made_at": time_fr(local),
        "birth_date": date_fr(person.birth_date),
        "created_on": date_fr(content.dossier.created_at),
        "closed_on": date_fr(content.dossier.closed_at) if content.dossier.closed_at else "",
        "organ_donation": ORGAN_DONATION_LABELS.get(content.wishes.organ_donation, ORGAN_DONATION_LABELS["unsaid"]),
        "date_fr": date_fr,
        "size_label": size_label,
        "type_label": type_label,
    })


# -- the three copies --------------------------------------------------------------------------

@dataclass(frozen=True)
class Export:
    decision: Decision
    data: bytes | None = None  # the PDF or the ZIP; None when refused


def _export(ctx: Context, actor, dossier: Dossier) -> tuple[Decision, DossierContent | None]:
    decision = decide_and_journal(ctx, actor, "export", dossier)
    return decision, gather(ctx, actor, dossier) if decision.allowed else None


def pdf_copy(ctx: Context, actor, dossier: Dossier) -> Export:
    """The printable copy, if the policy lets this actor export the dossier."""
    decision, content = _export(ctx, actor, dossier)
    return Export(decision, render_copy(content) if content else None)


@dataclass(frozen=True)
class PostedCopy:
    decision: Decision
    letter_id: str = ""
    address_lines: tuple[str, ...] = ()
    expected_by: date | None = None


def arrival_date(ctx: Context) -> date:
    """When a letter queued now should arrive: what the pages promise."""
    return (ctx.now().astimezone(PARIS) + POST_DELAY).date()


def postal_address(ctx: Context, dossier: Dossier) -> list[str]:
    """The holder's name and address, as the register of insured persons knows them."""
    person = ctx.register.get(dossier.holder_nir)
    return [_full_name(person), *person.address.lines()]


def post_copy(ctx: Context, actor, dossier: Dossier) -> PostedCopy:
    """Queue the printable copy for the post, to the register's address."""
    decision, content = _export(ctx, actor, dossier)
    if content is None:
        return PostedCopy(decision)
    address = postal_address(ctx, dossier)
    letter_id = ctx.notifier.letters.enqueue(render_copy(content), address, LETTER_KIND)
    return PostedCopy(decision, letter_id, tuple(address), arrival_date(ctx))


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = moment.astimezone(PARIS) if moment.tzinfo else moment
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def _item(name: str, content_type: str, data: bytes, **more) -> dict:
    return {"name": name, "type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), **more}


def archive_copy(ctx: Context, actor, dossier: Dossier) -> Export:
    """A ZIP: the printable copy, every file as it was deposited, and a manifest of them."""
    decision, content = _export(ctx, actor, dossier)
    if content is None:
        return Export(decision)
    copy = render_copy(content)
    stamp = _zip_time(content.made_at)
    items = [_item(PDF_NAME, "application/pdf", copy, description="La copie à imprimer de votre DMP")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(PDF_NAME, stamp), copy, compress_type=zipfile.ZIP_DEFLATED)
        for copied in content.files:
            document = copied.document
            data = ctx.repos.documents.file_data(dossier.id, copied.file)
            archive.writestr(zipfile.ZipInfo(copied.archive_name, _zip_time(document.created_at)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
            items.append(_item(copied.archive_name, copied.file.content_type, data, document={
                "title": document.title,
                "type": copied.type_label,
                "author": document.author_name,
                "added_on": document.created_at.date().isoformat(),
                "care_date": document.document_date.isoformat() if document.document_date else None,
            }))
        manifest = {
            "description": "La liste des fichiers de cette copie de votre DMP",
            "made_at": content.made_at.isoformat(),
            "items": items,
        }
        archive.writestr(zipfile.ZipInfo(MANIFEST_NAME, stamp),
                         json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
                         compress_type=zipfile.ZIP_DEFLATED)
    return Export(decision, buffer.getvalue())
