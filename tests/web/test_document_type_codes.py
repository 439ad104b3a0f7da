"""Documents written by an older version, on both stores, take the JDV_J07 codes of their types.

A stored document holds its type's key only (Document.type_code), never its LOINC or local
code: the code is an attribute of the type (domain/documents.py). Aligning the codes on the
CI-SIS list changed no key, so no data migration was needed; these tests write rows in the
oldest shape a store holds and read them back through the app."""
from __future__ import annotations

import json
from datetime import datetime, UTC

from dmp_web.domain.documents import Document
from dmp_web.domain.value_sets import LOINC, TRE_A05

from .pro_journey import DOSSIER, LEFEVRE
from .test_copies import made_copy, read_zip
from .test_patient_documents import patient_log_in

BOTH_STORES = True  # old rows on the file store and on PostgreSQL

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AT = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)
# The five types whose code the alignment changed, each as an old document, and the code it
# must now show.
OLD = {
    "d0c0000000000a01": ("hospital_report", "Séjour en cardiologie", "34112-3", LOINC, "CR hospitalier (séjour)"),
    "d0c0000000000a02": ("operative_report", "Pose d’un stimulateur", "34874-8", LOINC, "CR opératoire"),
    "d0c0000000000a03": ("nursing_note", "Pansement du 2 septembre", "11506-3", LOINC,
                         "CR ou fiche de suivi de soins par auxiliaire médical"),
    "d0c0000000000a04": ("advance_directives", "Mes directives", "EXPPAT_3", TRE_A05, "Directives anticipées"),
    "d0c0000000000a05": ("patient_note", "Ma tension", "EXPPAT_2", TRE_A05, "Autre document du patient"),
}
# What the rows of the first versions lacked: the care date, the hold's release, the fences
# for legal representatives and carers, and the sealing of titles and file names.
LATER_KEYS = ("document_date", "released_at", "hidden_from_representatives", "hidden_from_carers", "sealed_meta")


def write_old_rows(app) -> None:
    documents = app.extensions["dmp.repos"].documents
    for number, (document_id, (type_code, title, *_)) in enumerate(OLD.items()):
        by_patient = type_code in ("advance_directives", "patient_note")
        document = Document(
            id=document_id, dossier_id=DOSSIER, type_code=type_code, title=title,
            author_kind="holder" if by_patient else "professional",
            author_id="" if by_patient else LEFEVRE,
            author_name="Fatima Roche" if by_patient else "Dr Paul Lefèvre",
            created_at=AT.replace(minute=number),
        )
        row = documents.prepare(document, file_name=f"ancien-{number}.pdf", content_type="application/pdf",
                                data=PDF)
        row = {key: value for key, value in row.items() if key not in LATER_KEYS}
        row.update(title=title, file={**row["file"], "name": f"ancien-{number}.pdf"})  # in clear, as then
        assert "loinc" not in row and "jdv_code" not in row  # no code was ever stored
        documents.insert(DOSSIER, row)


def test_old_documents_read_back_with_the_lists_codes_of_their_types(app):
    write_old_rows(app)
    documents = app.extensions["dmp.repos"].documents
    for document_id, (type_code, title, code, system, display) in OLD.items():
        document = documents.get(DOSSIER, document_id)
        assert (document.type_code, document.title) == (type_code, title)
        assert document.document_date is None and not document.hidden_from_carers
        assert (document.doc_type.jdv_code, document.doc_type.code_system, document.doc_type.jdv_display) == (
            code, system, display)
    listed = {d.id: d for d in documents.list(DOSSIER)}
    assert {listed[i].doc_type.jdv_code for i in OLD} == {code for _, _, code, _, _ in OLD.values()}


def test_the_archive_manifest_gives_old_documents_the_lists_codes(client, notifier, app):
    write_old_rows(app)
    patient_log_in(client, notifier)
    members = read_zip(made_copy(client, app, "archive").data)
    manifest = json.loads(members["manifeste.json"])
    by_title = {item["document"]["title"]: item["document"] for item in manifest["items"] if "document" in item}
    for type_code, title, code, system, display in OLD.values():
        assert by_title[title]["type_code"] == {"code": code, "code_system": system.oid,
                                                "code_system_name": system.name, "display": display}, type_code
    for former in ("34105-7", "11504-8", "34746-8", "42348-3", "51855-5"):
        assert former not in members["manifeste.json"].decode()


def test_the_patient_sees_an_old_document_under_its_type(client, notifier, app):
    write_old_rows(app)
    patient_log_in(client, notifier)
    page = client.get("/mon-dmp/documents/d0c0000000000a01")
    assert page.status_code == 200
    text = page.soup.main.get_text(" ", strip=True)
    assert "Séjour en cardiologie" in text and "Compte rendu d’hôpital" in text
