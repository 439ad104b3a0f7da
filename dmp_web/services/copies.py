"""«Copie»: a printable PDF copy of the whole dossier, the same copy sent by post, and an archive
(ZIP) with the PDF, every file as deposited and a manifest.

Each copy is one "export" decision of the access policy, journaled when the patient asks
(services/copy_jobs.py), then built by the background worker from what the policy lets the
patient see, and kept sealed for a day.
"""
from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from .. import pdf
from ..domain.letters import POST_DELAY
from ..domain.actors import ActorKind, LegalRepresentative
from ..domain.documents import DOCUMENT_TYPES, Document
from ..domain.details import read_detail
from ..domain.dossier import Dossier, emergency_switches_in_words
from ..domain.journal import HOLDER_SIDE, JournalEntry
from ..domain.register import InsuredPerson
from ..domain.wishes import Wishes
from ..domain.falc import Term
from ..formatting import PARIS, author_words, date_fr, time_fr
from ..store.documents import StoredFile
from ..texts.glossary import terms_in
from .context import Context
from .dossier_access import visible_documents
from .history import describe, kept_from, speakers

PDF_NAME = "copie-dmp.pdf"
MANIFEST_NAME = "manifeste.json"
FILES_FOLDER = "fichiers"
LETTER_KIND = "dossier_copy"

TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "image JPEG", "image/png": "image PNG",
               "text/plain": "texte"}
# As the «Volontés et droits» page says them.
ORGAN_DONATION_LABELS = {
    "yes": "Vous avez dit oui : vous voulez donner vos organes.",
    "no": "Vous avez dit non : vous ne voulez pas donner vos organes.",
    "unsaid": "Vous n’avez pas dit votre choix.",
}
_TIME = re.compile(r"\b(\d{1,2}) h (\d\d)\b")


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
    full_history: bool = False  # the archive's copy: every entry; on paper, what matters (_on_paper)
    blocked: list[str] = field(default_factory=list)  # professionals the patient blocked
    attending_rights: list[str] = field(default_factory=list)  # doctors with the médecin traitant's rights

    @property
    def emergency_switches(self) -> list[str]:
        return emergency_switches_in_words(self.dossier)

    @property
    def terms(self) -> list[Term]:
        """The hard words the history and the lists of professionals use («RPPS»…), explained
        after the history as the history page does (the copy explains «DMP» at its top)."""
        return terms_in([*self.history, *self.blocked, *self.attending_rights], known=("DMP",))


def _documents_for_copy(ctx: Context, actor, dossier: Dossier) -> list[Document]:
    """The documents the policy lets the patient put in their copy ("copy_document"): on a
    closed dossier too, never one still to be explained."""
    shown, _ = visible_documents(ctx, actor, dossier, action="copy_document")
    return sorted(shown, key=lambda d: (d.document_date or d.created_at.date(), d.created_at), reverse=True)


def _archive_name(number: int, stored: StoredFile) -> str:
    # The number keeps two files both named «scan.pdf» apart; the name is already cleaned.
    return f"{FILES_FOLDER}/{number:02d}-{stored.name}"


def gather(ctx: Context, actor, dossier: Dossier, *, full_history: bool = False) -> DossierContent:
    """Read what the copy shows. Call it only after an allowed "export" decision.

    The history is the paper's (_on_paper), or every entry for the archive (`full_history`)."""
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
    entries = ctx.repos.journal.entries(dossier.id)
    kept = kept_from(ctx, actor, dossier)
    entries = [entry for entry in entries if (full_history or _on_paper(entry))
               and read_detail(entry.detail).document_id not in kept]
    person = ctx.register.get(dossier.holder_nir)
    doctor = ctx.repos.directory.professional(dossier.attending_doctor_rpps) if dossier.attending_doctor_rpps else None
    return DossierContent(
        dossier=dossier,
        person=person,
        wishes=ctx.repos.wishes.get(dossier.id),
        attending_doctor=doctor.name if doctor else "",
        documents=copied,
        history=_history(ctx, entries, {item.document.id: item.document.title for item in copied},
                         feminine=person.sex == "F", representatives=speakers(dossier, _copy_reader(actor))),
        made_at=ctx.now(),
        files=files,
        full_history=full_history,
        blocked=[_professional_name(ctx, rpps) for rpps in dossier.blocked_rpps],
        attending_rights=[_professional_name(ctx, rpps) for rpps in dossier.attending_rights_rpps],
    )


def _copy_reader(actor):
    """Whom the copy's history speaks to. A minor's copy is made once for the dossier (copy_jobs:
    the first account's), and either representative downloads it: none of them is «Vous», each
    is named with their link («Sophie Moreau (mère)»)."""
    return LegalRepresentative("", actor.name, actor.dossier_id) if isinstance(actor, LegalRepresentative) else actor


# The patient's own entries a copy on paper keeps: the changes of who may read the dossier and
# what they may read (médecin traitant, blocks, rights, the emergency choice, hidden documents,
# closing). They explain the professionals' lines around them (a refusal after a block, a read
# by a doctor given rights); the patient's readings, logins and copies would bury those lines,
# and stay in the archive, which has every entry.
PAPER_OWN_ACTIONS = frozenset({"manage", "hide_document", "emergency_access_set", "dossier_closed", "dossier_reopened"})


def _on_paper(entry: JournalEntry) -> bool:
    """Whether the paper copy's history tells this entry: every entry of others than the
    patient's side (professionals, desk agents, refused actors…), and the patient's changes."""
    return entry.actor_kind not in HOLDER_SIDE or (entry.allowed and entry.action in PAPER_OWN_ACTIONS)


def _history(ctx: Context, entries: list[JournalEntry], titles: dict[str, str], *, feminine: bool,
             representatives: dict) -> list[str]:
    """The access history, newest first, in the sentences of the history page.

    `titles` are the documents in the copy: any other stays «un document»."""
    rpps = {e.actor_id for e in entries if e.actor_kind == ActorKind.PROFESSIONAL.value}
    professionals = {n: p for n in rpps if (p := ctx.repos.directory.professional(n)) is not None}
    lines = (describe(entry, titles=titles, professionals=professionals, feminine=feminine,
                      representatives=representatives).sentence
             for entry in reversed(entries))
    return [_TIME.sub("\\1\u00a0h\u00a0\\2", line) for line in lines]  # «10 h 05» never cut on paper


def _professional_name(ctx: Context, rpps: str) -> str:
    professional = ctx.repos.directory.professional(rpps)
    return f"{professional.name} (RPPS {rpps})" if professional else f"RPPS {rpps}"


# -- the PDF ---------------------------------------------------------------------------------------


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


def copy_context(content: DossierContent) -> dict:
    """What templates/pdf/dossier_copy.html needs: the content, and its dates said in French."""
    person = content.person
    local = content.made_at.astimezone(PARIS) if content.made_at.tzinfo else content.made_at
    return {
        "content": content,
        "full_name": person.full_name,
        "made_on": date_fr(local),
        "made_at": time_fr(local),
        "birth_date": date_fr(person.birth_date),
        "created_on": date_fr(content.dossier.created_at),
        "closed_on": date_fr(content.dossier.closed_at) if content.dossier.closed_at else "",
        "organ_donation": ORGAN_DONATION_LABELS.get(content.wishes.organ_donation, ORGAN_DONATION_LABELS["unsaid"]),
        "date_fr": date_fr,
        "size_label": size_label,
        "type_label": type_label,
    }


def render_copy(content: DossierContent) -> bytes:
    """The tagged A4 PDF of this content."""
    return pdf.render_pdf("dossier_copy.html", copy_context(content))


# -- the three copies --------------------------------------------------------------------------
# Made by the background worker (services/copy_jobs.py), which asked the policy first.

# What the journal adds to an allowed "export": which copy it was (services/history.py tells it).
COPY_PDF, COPY_ARCHIVE, COPY_POST = "copy_pdf", "copy_archive", "copy_post"


def send_copy_by_post(ctx: Context, actor, dossier: Dossier, once: str) -> str:
    """Queue the printable copy for the post, to the register's address; the letter's id.
    once: the job's id, so that a job tried again never posts a second letter."""
    content = gather(ctx, actor, dossier)
    return ctx.notifier.letters.enqueue(render_copy(content), postal_address(ctx, dossier), LETTER_KIND,
                                        once=once)


def arrival_date(ctx: Context, sent_at: datetime | None = None) -> date:
    """When a letter queued now (or at `sent_at`) should arrive: what the pages promise."""
    return ((sent_at or ctx.now()).astimezone(PARIS) + POST_DELAY).date()


def postal_address(ctx: Context, dossier: Dossier) -> list[str]:
    """The holder's name and address, as the register of insured persons knows them."""
    person = ctx.register.get(dossier.holder_nir)
    return [person.full_name, *person.address.lines()]


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    """A member of the archive, dated on Paris time, readable by its owner once unpacked."""
    local = moment.astimezone(PARIS) if moment.tzinfo else moment
    info = zipfile.ZipInfo(name, (max(local.year, 1980), local.month, local.day, local.hour, local.minute,
                                  local.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _item(name: str, content_type: str, data: bytes, **more) -> dict:
    return {"name": name, "type": content_type, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), **more}


def _type_code(document: Document) -> dict | None:
    """The document's type as the CI-SIS list JDV_J07 names it, for software that reads the
    manifest; None for a type the catalogue no longer knows."""
    doc_type = document.doc_type
    if doc_type is None:
        return None
    return {"code": doc_type.jdv_code, "code_system": doc_type.code_system.oid,
            "code_system_name": doc_type.code_system.name, "display": doc_type.jdv_display}


ARCHIVE_IN_MEMORY = 8 * 1024 * 1024


def build_archive(ctx: Context, actor, dossier: Dossier) -> IO[bytes]:
    """A ZIP: the printable copy, every file as it was deposited, and a manifest of them, in a
    spooled temporary file read from its start (past ARCHIVE_IN_MEMORY it is on disk, so a
    dossier of large files does not fill the memory). The caller closes it.

    Each file is read, written to the archive and let go before the next one."""
    content = gather(ctx, actor, dossier, full_history=True)  # «all my data»: the history's every entry
    copy = render_copy(content)
    items = [_item(PDF_NAME, "application/pdf", copy, description="La copie de votre DMP, avec tout l’historique")]
    spooled = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_IN_MEMORY)  # noqa: SIM115 - returned open to the caller
    with zipfile.ZipFile(spooled, "w") as archive:
        archive.writestr(_entry(PDF_NAME, content.made_at), copy)
        for copied in content.files:
            document = copied.document
            data = ctx.repos.documents.file_data(dossier.id, copied.file)
            archive.writestr(_entry(copied.archive_name, document.created_at), data)
            items.append(_item(copied.archive_name, copied.file.content_type, data, document={
                "title": document.title,
                "type": copied.type_label,
                "type_code": _type_code(document),
                "author": author_words(document.author_kind, document.author_name),
                "added_on": document.created_at.date().isoformat(),
                "care_date": document.document_date.isoformat() if document.document_date else None,
            }))
        manifest = {
            "description": "La liste des fichiers de cette copie de votre DMP",
            "made_at": content.made_at.isoformat(),
            "items": items,
        }
        archive.writestr(_entry(MANIFEST_NAME, content.made_at),
                         json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    spooled.seek(0)
    return spooled
