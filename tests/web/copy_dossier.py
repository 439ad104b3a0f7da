"""A demo dossier grown to many documents, some with files: shared by the copy tests and
bench/copy_pdf.py."""
from __future__ import annotations

import io
import zlib
from datetime import datetime, timedelta, UTC

from dmp_web.demo import DEMO_LOGIN, DIRECTORY
from dmp_web.domain.actors import Holder
from dmp_web.domain.documents import Document
from dmp_web.domain.journal import Actor

DOSSIER = DEMO_LOGIN["dossier_id"]
PENDING = "d0c0000000000005"  # the demo's echography, still to be explained to the patient

_TYPES = ["consultation_report", "lab_results", "medication_prescription", "imaging_report",
          "hospital_report", "vaccinations", "nursing_note", "medication_dispensation"]
_LINES = [
    "Motif de la consultation : contrôle de la tension.",
    "Tension 13/8 au repos. Pouls régulier à 72 par minute.",
    "Poids stable. Pas de douleur à l’examen.",
    "Traitement inchangé. Revoir dans 3 mois avec une prise de sang.",
    "Conseils : marcher 30 minutes par jour, boire de l’eau.",
    "Résultat : glycémie à jeun 0,95 g/L, normale.",
]


def tiny_png() -> bytes:
    """A valid 1×1 PNG, so the upload check reads it as an image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def sample_files() -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes): a PDF, a PNG and a text file, all distinct."""
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
           b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return [
        ("scan-ordonnance.pdf", "application/pdf", pdf),
        ("photo-grain-de-beaute.png", "image/png", tiny_png()),
        ("mesures-tension.txt", "text/plain", b"Lundi 13/8\nMardi 12/8\nMercredi 13/9\n"),
    ]


def grow_demo_dossier(repos, visible: int = 20, files: int = 3, history: int = 200) -> list[Document]:
    """Give the demo dossier `visible` documents the patient sees (the one still to be explained
    stays), `files` of them with a file, and a history of `history` more entries."""
    shown = [d for d in repos.documents.list(DOSSIER) if not d.awaiting_explanation]
    start = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    samples = sample_files()
    added = []
    for n in range(visible - len(shown)):
        author = DIRECTORY[n % 2].ref if n % 5 else Holder(DOSSIER, "le titulaire").ref
        kind = "patient_note" if author.kind == "holder" else _TYPES[n % len(_TYPES)]
        moment = start + timedelta(days=3 * n)
        document = Document(
            id=f"c0b1{n:012x}", dossier_id=DOSSIER, type_code=kind, title=f"Document numéro {n + 1} du DMP",
            author_kind=author.kind, author_id=author.id, author_name=author.name, created_at=moment,
            document_date=moment.date(), hidden=(n == 3),
        )
        text = "\n".join(_LINES[(n + k) % len(_LINES)] for k in range(4 + n % 6))
        if n < files:
            name, content_type, data = samples[n % len(samples)]
            repos.documents.add(document, text=text, file_name=name, content_type=content_type, data=data)
        else:
            repos.documents.add(document, text=text)
        added.append(document)
    doctor = DIRECTORY[0].ref
    for n in range(history):
        moment = start + timedelta(hours=5 * n)
        if n % 4 == 0:
            repos.journal.append(DOSSIER, moment, Actor("holder", DOSSIER, "le titulaire"), "login_succeeded")
        else:
            target = added[n % len(added)].id if added else "d0c0000000000001"
            repos.journal.append(DOSSIER, moment, doctor, "read_document", allowed=n % 7 != 0,
                                 reason="", detail=f"attending_doctor ; document {target}")
    return added


def zip_names(data: bytes) -> list[str]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()
