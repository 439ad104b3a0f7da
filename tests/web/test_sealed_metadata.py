"""What tells of the care is sealed at rest like the texts: document titles, file names, the
reasons of emergency accesses, the names and details the journal keeps. Rows written before are
read, and `reseal-data` seals them."""
from __future__ import annotations

import io

import pytest

from ..conftest import make_app
from ..stored import everything_stored, journal_stored
from .pro_journey import BERNARD, DOSSIER, log_out, pro_log_in
from .test_patient_documents import patient_log_in

TITLE = "Bilan de mon diabète"
FILE_NAME = "glycemie-mars.pdf"
REASON = "Malaise grave dans la cage d’escalier"
TRUSTED = "Ghislaine Vauquelin"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


BOTH_STORES = True  # sealed at rest on the file store and on PostgreSQL


@pytest.fixture
def file_app(tmp_path):
    """For the rows an older version of the file store wrote (PostgreSQL never had them)."""
    return make_app(tmp_path)


def test_a_title_a_file_name_a_reason_and_a_name_are_nowhere_in_clear(client, notifier, app):
    patient_log_in(client, notifier)
    assert client.submit("/mon-dmp/documents/ajouter", {"title": TITLE, "text": "",
                                                        "file": (io.BytesIO(PDF), FILE_NAME)}).status_code == 302
    assert client.submit("/mon-dmp/volontes/personne-de-confiance",
                         {"name": TRUSTED, "link": "ma voisine", "phone": "01 23 45 67 89"}).status_code == 302
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, BERNARD)
    assert client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON}).status_code == 302
    stored = everything_stored(app)
    for clear in (TITLE, FILE_NAME, REASON, TRUSTED):
        assert clear.encode() not in stored, clear
    journal = journal_stored(app, DOSSIER)
    assert b"Hugo Bernard" not in journal  # who read the dossier (the directory is public; this is not)
    reasons = [e.detail for e in app.extensions["dmp.repos"].journal.entries(DOSSIER) if e.action == "break_glass"]
    assert len(reasons) == 1 and reasons[0]["emergency"]["reason"] == REASON  # the journal reads back
    documents = app.extensions["dmp.repos"].documents
    mine = next(d for d in documents.list(DOSSIER) if d.title == TITLE)  # and they read back
    assert documents.file(DOSSIER, mine.id).name == FILE_NAME
    assert app.extensions["dmp.repos"].emergencies.all(DOSSIER)[-1].reason == REASON


def test_rows_written_before_sealing_are_read_and_reseal_data_seals_them(file_app):
    app = file_app
    store = app.extensions["dmp.store"]
    with store.transaction("dossiers", DOSSIER[:2], DOSSIER, "documents.json") as db:  # as an older version wrote
        for row in db.all():
            if row.get("sealed_meta"):
                opened = app.extensions["dmp.repos"].documents._opened(row)
                db.update({"title": opened["title"], "sealed_meta": False}, doc_ids=[row.doc_id])
    titles = {d.title for d in app.extensions["dmp.repos"].documents.list(DOSSIER)}
    assert "Consultation du 12 octobre 2026" in titles
    assert b"Consultation du 12 octobre 2026" in everything_stored(app)
    assert app.test_cli_runner().invoke(args=["reseal-data"]).exit_code == 0
    assert b"Consultation du 12 octobre 2026" not in everything_stored(app)
    assert {d.title for d in app.extensions["dmp.repos"].documents.list(DOSSIER)} == titles


def test_hiding_a_document_written_before_sealing_keeps_its_file_readable(file_app):
    app = file_app
    import dataclasses

    from dmp_web.domain.uploads import check_upload

    repos = app.extensions["dmp.repos"]
    document = repos.documents.list(DOSSIER)[0]
    data = b"%PDF-1.4\n%%EOF\n"
    row = repos.documents.prepare(dataclasses.replace(document, id="d0c00000000000ff"), text="Texte.",
                                  file_name="ancien-scan.pdf", content_type="application/pdf", data=data)
    assert check_upload("ancien-scan.pdf", data)  # a file the deposit would take
    row.update(title="Un document ancien", sealed_meta=False, file={**row["file"], "name": "ancien-scan.pdf"})
    repos.documents.insert(DOSSIER, row)  # as an older version wrote it: title and file name in clear
    old = repos.documents.get(DOSSIER, "d0c00000000000ff")
    repos.documents.save(dataclasses.replace(old, hidden=True))  # hidden from professionals
    assert repos.documents.file(DOSSIER, old.id).name == "ancien-scan.pdf"  # still opens
    assert b"ancien-scan.pdf" not in everything_stored(app) and b"Un document ancien" not in everything_stored(app)
