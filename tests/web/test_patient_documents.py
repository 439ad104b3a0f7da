"""The patient's documents: by category, added, hidden from professionals and shown again —
by plain form, and by htmx swapping the row in place."""
import io

from ..conftest import field_error
from .pro_journey import DOSSIER, DURAND, PETIT, journal, log_out, pro_log_in
from datetime import UTC

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

LAB = "d0c0000000000002"  # prise de sang, by Dr Durand; a pharmacist may read it


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    client.submit("/connexion/code", {"code": notifier.last_otp()})


def test_documents_are_listed_by_category(client, notifier):
    patient_log_in(client, notifier)
    soup = client.get("/mon-dmp/documents").soup
    headings = [h.get_text(strip=True) for h in soup.main.find_all("h2")]
    assert headings == ["Comptes rendus", "Résultats d’examens", "Ordonnances et traitements"]
    assert "Échographie cardiaque" not in soup.main.get_text()  # still to be explained: not listed


def test_hiding_by_plain_form_works_both_ways_and_changes_what_a_pharmacist_sees(client, notifier, app):
    patient_log_in(client, notifier)
    hidden = client.submit("/mon-dmp/documents", {"hidden": "1"}, action=f"/mon-dmp/documents/{LAB}/acces",
                           follow_redirects=True)
    assert "maintenant caché aux professionnels" in hidden.soup.select_one("[aria-live]").get_text()
    row = hidden.soup.find(id=f"doc-{LAB}")
    assert "Caché aux professionnels." in row.get_text() and "Autoriser l’accès" in row.button.get_text()
    hide = [e for e in journal(app) if e.action == "hide_document"]
    assert len(hide) == 1 and hide[0].allowed and hide[0].detail["note"] == "hidden"
    log_out(client, "/mon-dmp")

    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{LAB}").status_code == 403
    assert "Prise de sang" not in client.get(f"/pro/dmp/{DOSSIER}").soup.main.get_text()
    log_out(client, "/pro")
    pro_log_in(client, notifier, DURAND)  # the médecin traitant, and its author
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{LAB}").status_code == 200
    log_out(client, "/pro")

    patient_log_in(client, notifier)
    shown = client.submit("/mon-dmp/documents", {"hidden": "0"}, action=f"/mon-dmp/documents/{LAB}/acces",
                          follow_redirects=True)
    assert "de nouveau visible" in shown.soup.select_one("[aria-live]").get_text()
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{LAB}").status_code == 200


def test_with_htmx_the_toggle_answers_only_the_row_and_the_message(client, notifier):
    patient_log_in(client, notifier)
    token = client.csrf_token("/mon-dmp/documents")
    response = client.post(f"/mon-dmp/documents/{LAB}/acces", data={"csrf_token": token, "hidden": "1"},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<li id="doc-{LAB}"')
    assert 'id="flash-area" data-hx-swap-oob="innerHTML"' in body and "caché aux professionnels" in body
    assert f'id="acces-{LAB}"' in body  # same id: htmx gives the focus back to the button
    assert "Autoriser l’accès" in body and "Interdire l’accès" not in body  # the row as it is now
    assert "HX-Request" in response.headers["Vary"]
    plain = client.post(f"/mon-dmp/documents/{LAB}/acces", data={"csrf_token": token, "hidden": "0"})
    assert plain.status_code == 302


def test_a_document_waiting_for_explanation_cannot_be_hidden_or_seen_by_the_patient(client, notifier):
    patient_log_in(client, notifier)
    token = client.csrf_token("/mon-dmp/documents")
    response = client.post("/mon-dmp/documents/d0c0000000000005/acces", data={"csrf_token": token, "hidden": "1"})
    assert response.status_code == 404


def test_the_patient_adds_a_document_typed_or_as_a_file(client, notifier, app):
    patient_log_in(client, notifier)
    blank = client.submit("/mon-dmp/documents/ajouter", {"title": "", "text": ""})
    assert field_error(blank.soup, "title") == "Écrivez le titre du document"
    assert field_error(blank.soup, "text") == "Écrivez le texte du document ou joignez un fichier"
    added = client.submit("/mon-dmp/documents/ajouter", {"title": "Mes allergies", "text": "Pénicilline."},
                          follow_redirects=True)
    assert "Votre document est ajouté." in added.soup.select_one("[aria-live]").get_text()
    assert added.soup.find("h2", string="Documents ajoutés par moi") is not None
    url = "/mon-dmp/documents/ajouter"
    refused = client.post(url, data={"csrf_token": client.csrf_token(url), "title": "Exe", "text": "",
                                     "file": (io.BytesIO(b"MZ\x90\x00binary"), "prog.exe")},
                          content_type="multipart/form-data")
    assert field_error(refused.soup, "file") == ("Ce type de fichier n’est pas accepté. "
                                                 "Choisissez un fichier PDF, JPEG, PNG ou texte")
    note = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER) if d.title == "Mes allergies")
    assert (note.type_code, note.author_kind) == ("patient_note", "holder")
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, PETIT)  # every professional reads what the patient added
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{note.id}").status_code == 200


def test_a_dossier_of_many_documents_is_shown_50_at_a_time_each_once(client, notifier, app):
    from datetime import datetime, timedelta

    from dmp_web.domain.documents import CATALOGUE, Document

    repos = app.extensions["dmp.repos"]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    kinds = ["consultation_report", "lab_results", "medication_prescription", "imaging_report"]
    rows = [repos.documents.prepare(Document(
        id=f"b{k:015x}", dossier_id=DOSSIER, type_code=kinds[k % 4], title=f"Note numéro {k}",
        author_kind="holder", author_id=DOSSIER, author_name="le titulaire", created_at=start + timedelta(hours=k),
        document_date=(start + timedelta(hours=k)).date())) for k in range(120)]
    for row in rows:
        repos.documents.insert(DOSSIER, row)
    total = len([d for d in repos.documents.list(DOSSIER) if not d.awaiting_explanation])
    patient_log_in(client, notifier)
    seen, headings, page, number = [], [], client.get("/mon-dmp/documents").soup, 1
    while True:
        rows_here = page.select("main li.document-row")
        assert len(rows_here) == (50 if number * 50 <= total else total - 50 * (number - 1))
        seen += [row["id"] for row in rows_here]
        headings += [h.get_text(strip=True) for h in page.main.find_all("h2")]
        text = page.main.get_text(" ", strip=True)
        assert f"Votre DMP a {total} documents." in text and f"page {number} sur 3" in text
        following = page.find("a", rel="next")
        if following is None:
            break
        number += 1
        page = client.get(following["href"]).soup
    assert number == 3 and len(seen) == len(set(seen)) == total  # each document once, none lost
    order = {category.label: n for n, category in enumerate(dict.fromkeys(t.category for t in CATALOGUE))}
    ranks = [order[h] for h in headings]
    assert ranks == sorted(ranks)  # the categories keep their order across the pages
    assert page.find("a", rel="prev")["href"] == "/mon-dmp/documents?page=2"
    for wrong in ("4", "0", "x", "-1"):
        assert client.get(f"/mon-dmp/documents?page={wrong}").status_code == 404


def test_the_list_read_from_memory_follows_every_change_of_the_documents(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    before = repos.documents.list(DOSSIER)
    before[0].title = "changé par un appelant"  # a caller's change never reaches the kept list
    assert repos.documents.list(DOSSIER)[0].title != "changé par un appelant"
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/documents/ajouter", {"title": "Une note de plus", "text": "Texte."})
    assert "Une note de plus" in client.get("/mon-dmp/documents").soup.main.get_text(" ", strip=True)
    assert len(repos.documents.list(DOSSIER)) == len(before) + 1


def test_a_list_kept_in_memory_never_outlives_a_write_of_another_process(tmp_path):
    """Two gunicorn processes: one writes, the other lists. The file's inode, size and time can
    come back the same after a write (a coarse clock, a reused inode): the kept list follows
    the file's bytes, not those."""
    import dataclasses
    import os

    from dmp_web.store.documents import DocumentRepository

    from ..conftest import make_app

    web1 = make_app(tmp_path).extensions["dmp.repos"].documents  # the file store's own cache
    web2 = DocumentRepository(web1.store, web1.sealer)
    first = web1.list(DOSSIER)
    web1.save(dataclasses.replace(first[1], hidden=True))
    a, b = web1.list(DOSSIER)[:2]  # process 1 keeps {a shown, b hidden}
    path = web1.store.path("dossiers", DOSSIER[:2], DOSSIER, "documents.json")
    before = path.stat()
    web2.save(dataclasses.replace(a, hidden=True))  # process 2: a hidden, b shown (the same size)
    web2.save(dataclasses.replace(b, hidden=False))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # a clock that did not tick
    seen = {d.id: d.hidden for d in web1.list(DOSSIER)}
    assert seen[a.id] is True and seen[b.id] is False
