"""The patient's documents: by category, added, hidden from professionals and shown again —
by plain form, and by htmx swapping the row in place."""
import io

from ..conftest import field_error
from .pro_journey import DOSSIER, DURAND, PETIT, journal, log_out, pro_log_in

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
    assert 'id="flash-area" hx-swap-oob="innerHTML"' in body and "caché aux professionnels" in body
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
    assert field_error(refused.soup, "file") == "Ce type de fichier n’est pas accepté. Choisissez un fichier PDF, JPEG, PNG ou texte"
    note = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER) if d.title == "Mes allergies")
    assert (note.type_code, note.author_kind) == ("patient_note", "holder")
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, PETIT)  # every professional reads what the patient added
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{note.id}").status_code == 200
