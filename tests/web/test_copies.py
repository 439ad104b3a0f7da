"""«Copie de mon DMP»: the PDF to print, the copy by post and the archive, through the real routes.

Each copy is opened and read back: pdfplumber and poppler for the PDF, zipfile for the archive."""
from __future__ import annotations

import hashlib
import io
import os
import json
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from bs4 import BeautifulSoup
from pdfminer.pdftypes import resolve1

from dmp_web.domain.details import read_detail
from dmp_web.domain.actors import Holder
from dmp_web.domain.uploads import check_upload
from dmp_web.domain.wishes import Person, Wishes
from dmp_web.pdf import render
from dmp_web.services import copies, copy_jobs
from dmp_web.services.dossier_access import deposit
from dmp_web.web.deps import ctx
from dmp_web.store.copies import OutputBroken
from dmp_web.worker import Worker

from ..conftest import CheckedClient, make_app
from ..stored import everything_stored
from .copy_dossier import DOSSIER, PENDING, grow_demo_dossier, sample_files
from .pro_journey import LEFEVRE, log_out, pro_log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

PENDING_TITLE = "Échographie cardiaque du 3 novembre 2026"
SECRET_FILE = "resultat-a-expliquer.pdf"
PDF_URL, ZIP_URL = "/mon-dmp/copie/copie-dmp.pdf", "/mon-dmp/copie/archive-dmp.zip"
POST_URL, POSTED_URL = "/mon-dmp/copie/courrier", "/mon-dmp/copie/courrier/envoyee"


def run_jobs(app) -> int:
    """What the background worker does: make every copy asked for."""
    return Worker(app).run_pending()


def made_copy(client, app, which: str = "a-imprimer"):
    """Ask for a copy as its page does, let the worker make it, download it."""
    asked = client.submit("/mon-dmp/copie", {}, action=f"/mon-dmp/copie/{which}")
    assert asked.status_code == 302 and asked.headers["Location"] == f"/mon-dmp/copie/{which}"
    run_jobs(app)
    return client.get(PDF_URL if which == "a-imprimer" else ZIP_URL)


def expire_leases(app) -> None:
    """What a killed worker leaves: leases no one renews any more (file times, or rows)."""
    repos = app.extensions["dmp.repos"]
    db = getattr(repos, "db", None)
    if db is None:
        for path in repos.store.path("job-queue", "running").iterdir():
            os.utime(path, (0, 0))
        return
    with db.transaction() as conn:
        conn.execute("UPDATE jobs SET lease_until = now() - interval '1 second' WHERE state = 'running'")


def cut_kept_copy(app, job) -> None:
    """Cut the end of a kept copy, as a disk or a hand could."""
    repos = app.extensions["dmp.repos"]
    db = getattr(repos, "db", None)
    if db is None:
        [kept] = [p for p in repos.store.root.rglob("*.bin") if job.id in p.name]
        kept.write_bytes(kept.read_bytes()[:-10])
        return
    with db.transaction() as conn:
        conn.execute("UPDATE job_outputs SET sealed = substring(sealed from 1 for length(sealed) - 10) "
                     "WHERE job_id = %s", (job.id,))


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    client.submit("/connexion/code", {"code": notifier.last_otp()})


def pdf_pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as doc:
        return [" ".join((page.extract_text() or "").split()).replace("\xa0", " ") for page in doc.pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


def read_pdf(data: bytes) -> tuple[list[str], Counter]:
    """Each page's text, and how many characters of each size (pt) the whole PDF prints."""
    with pdfplumber.open(io.BytesIO(data)) as doc:
        pages = [" ".join((page.extract_text() or "").split()).replace("\xa0", " ") for page in doc.pages]
        return pages, Counter(round(char["size"], 1) for page in doc.pages for char in page.chars)


def poppler(tool: str, data: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"{hashlib.sha1(data).hexdigest()}.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path)], capture_output=True, text=True, check=True).stdout


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def add_pending_file(app) -> None:
    """A result the cardiologist must explain first, with a file: the patient may not see it yet."""
    with app.test_request_context():
        context = ctx()
        dossier = context.repos.dossiers.get(DOSSIER)
        author = context.repos.directory.professional(LEFEVRE)
        data = sample_files()[0][2]
        result = deposit(context, author, dossier, type_code="imaging_report", title="IRM à expliquer",
                         document_date=None, text="Texte à expliquer.", upload=check_upload(SECRET_FILE, data),
                         data=data, pending_explanation=True)
        assert result.decision.allowed


def deposited_files(app) -> dict[str, bytes]:
    """The files of the documents the patient sees, by name, as deposited."""
    repo = app.extensions["dmp.repos"].documents
    found = {}
    for document in repo.list(DOSSIER):
        stored = repo.file(DOSSIER, document.id)
        if stored and not document.awaiting_explanation:
            found[stored.name] = repo.file_data(DOSSIER, stored)
    return found


# -- one dossier of 20 documents, copied once for the read-only checks -------------------------------

@pytest.fixture(scope="module")
def big(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("copies"))
    repos = app.extensions["dmp.repos"]
    grow_demo_dossier(repos, visible=20, files=3, history=60)
    add_pending_file(app)
    repos.wishes.save(DOSSIER, Wishes(trusted_person=Person("Nadia Roche", "ma sœur", "0612345678"),
                                      emergency_contact_is_trusted_person=True, organ_donation="yes",
                                      blood_group="O+", allergies="Pénicilline"))
    app.test_client_class = CheckedClient
    client = app.test_client()
    patient_log_in(client, app.extensions["dmp.notifier"])
    pdf_response, zip_response = made_copy(client, app, "a-imprimer"), made_copy(client, app, "archive")
    titles = [d.title for d in repos.documents.list(DOSSIER) if not d.awaiting_explanation]
    pages, sizes = read_pdf(pdf_response.data)  # read once: pdfplumber is slow
    return {"app": app, "pdf": pdf_response, "zip": zip_response, "titles": titles,
            "files": deposited_files(app), "pages": pages, "sizes": sizes}


def test_the_demo_dossier_has_20_documents_the_patient_sees_and_2_to_explain(big):
    assert len(big["titles"]) == 20
    repo = big["app"].extensions["dmp.repos"].documents
    assert sum(d.awaiting_explanation for d in repo.list(DOSSIER)) == 2


def test_the_pdf_copy_is_an_attachment_that_opens_and_contains_each_document_title(big):
    response = big["pdf"]
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="copie-dmp-2026-11-23.pdf"'
    for title in big["titles"]:
        assert title in " ".join(big["pages"]), title
    for part in ("Sommaire", "Mon identité", "Mes volontés et droits", "Mes documents",
                 "La liste des fichiers", "L’historique des accès"):
        assert part in " ".join(big["pages"])


def test_the_pdf_copy_is_tagged_in_french_a4_and_titled_without_a_name(big, tmp_path):
    info = poppler("pdfinfo", big["pdf"].data, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info, re.M)
    assert re.search(r"^Title:\s+Copie de votre dossier médical partagé$", info, re.M)
    assert "ROCHE" not in info and "Fatima" not in info
    with pdfplumber.open(io.BytesIO(big["pdf"].data)) as doc:
        assert resolve1(doc.doc.catalog["Lang"]) == b"fr"
        assert "StructTreeRoot" in doc.doc.catalog


def test_no_character_of_the_copy_is_smaller_than_14_points(big):
    sizes = big["sizes"]
    assert min(sizes) >= 14
    assert 14 <= sizes.most_common(1)[0][0] <= 16  # the body text
    assert max(sizes) > 18  # the headings stand out


def test_the_contents_page_gives_the_page_of_each_part_and_each_document(big):
    pages = big["pages"]
    contents = " ".join(pages[:2])
    found = re.search(r"Mes documents, page (\d+)", contents)
    assert found and "Mes documents" in pages[int(found.group(1)) - 1]
    for title in big["titles"]:
        listed = re.search(re.escape(title) + r", page (\d+)", contents)
        assert listed, title
        assert title in pages[int(listed.group(1)) - 1]
    history = int(re.search(r"L’historique des accès, page (\d+)", contents).group(1))
    assert pages[history - 1].startswith("L’historique des accès")


def test_the_copy_shows_identity_wishes_texts_files_and_history(big):
    text = " ".join(big["pages"])
    for expected in ("Fatima", "BENALI", "ROCHE", "21 mai 1975", "40 boulevard National, 13003 Marseille",
                     "Dr Marie Durand", "Nadia Roche", "ma sœur", "C’est votre personne de confiance",
                     "vous voulez donner vos organes", "O+", "Pénicilline",
                     "Fer : 1 comprimé par jour pendant 3 mois.",  # a document's text
                     "Vous avez caché ce document aux professionnels",  # the hidden one stays in the copy
                     "scan-ordonnance.pdf", "photo-grain-de-beaute.png", "mesures-tension.txt",
                     "La docteure Marie Durand a lu"):
        assert expected in text, expected


def history_part(text: str) -> str:
    """The history of a copy: after its heading's last mention (the first is in the contents)."""
    return text[text.rindex("L’historique des accès"):]


def test_the_paper_history_keeps_what_others_did_and_the_archive_every_entry(big):
    paper = history_part(" ".join(big["pages"]))
    assert paper.count("La docteure Marie Durand a ") > 10  # read, or tried to read and refused
    for own in ("Vous vous êtes connectée", "Vous avez demandé une copie", "Vous avez écrit votre mot de passe",
                "Un code de connexion vous a été envoyé"):
        assert own not in paper, own
    assert "Tout l’historique est dans l’archive de votre DMP." in paper
    assert "à la page « Copie de mon DMP »" in paper

    archived = history_part(pdf_text(read_zip(big["zip"].data)["copie-dmp.pdf"]))
    entries = big["app"].extensions["dmp.repos"].journal.entries(DOSSIER)
    logins = sum(e.action == "login_succeeded" for e in entries)
    assert logins > 10 and archived.count("Vous vous êtes connectée") == logins  # each one, none joined
    assert archived.count("La docteure Marie Durand a ") == paper.count("La docteure Marie Durand a ")
    for own in ("Vous avez demandé une copie de votre DMP à imprimer le 23 novembre 2026",
                "Vous avez téléchargé la copie de votre DMP à imprimer", "Vous avez écrit votre mot de passe"):
        assert own in archived, own
    assert "Tout l’historique est dans l’archive" not in archived


def test_a_document_still_to_be_explained_is_nowhere_in_the_copies(big):
    text = " ".join(big["pages"])
    members = read_zip(big["zip"].data)
    manifest = members["manifeste.json"].decode()
    for secret in (PENDING_TITLE, "IRM à expliquer", "Texte à expliquer", SECRET_FILE, "Petite anomalie"):
        assert secret not in text
        assert not any(secret in name for name in members)
        assert secret not in manifest
        assert all(secret.encode() not in data for data in members.values())
    assert PENDING not in text and PENDING not in manifest


def test_the_archive_holds_the_copy_each_file_byte_for_byte_and_a_manifest_of_them(big):
    response = big["zip"]
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="archive-dmp-2026-11-23.zip"'
    members = read_zip(response.data)
    copy = pdf_text(members["copie-dmp.pdf"])
    assert all(title in copy for title in big["titles"])
    files = {name.split("/", 1)[1].split("-", 1)[1]: data for name, data in members.items()
             if name.startswith("fichiers/")}
    assert files == big["files"] and len(files) == 3  # every file, as deposited
    manifest = json.loads(members["manifeste.json"])
    listed = {item["name"]: item for item in manifest["items"]}
    assert set(listed) == set(members) - {"manifeste.json"}
    for name, item in listed.items():
        data = members[name]
        assert item["size"] == len(data) and item["sha256"] == hashlib.sha256(data).hexdigest()
    assert listed["copie-dmp.pdf"]["type"] == "application/pdf"
    types = {name.split("-", 1)[1]: item["type"] for name, item in listed.items() if name.startswith("fichiers/")}
    assert types == {"scan-ordonnance.pdf": "application/pdf", "photo-grain-de-beaute.png": "image/png",
                     "mesures-tension.txt": "text/plain"}
    titles = {item["document"]["title"] for item in listed.values() if "document" in item}
    assert titles <= set(big["titles"]) and len(titles) == 3


# -- the routes, the journal, the post ------------------------------------------------------------

def exports(app):
    return [e for e in app.extensions["dmp.repos"].journal.entries(DOSSIER) if e.action == "export"]


def test_the_copy_page_offers_the_three_copies_and_is_in_the_menu(client, notifier):
    patient_log_in(client, notifier)
    home = client.get("/mon-dmp").soup
    assert home.find(id="menu-dmp").find("a", string="Copie de mon DMP")["href"] == "/mon-dmp/copie"
    soup = client.get("/mon-dmp/copie").soup
    assert [h.get_text(strip=True) for h in soup.main.find_all("h2")] == [
        "1. Une copie à imprimer", "2. Une copie par courrier", "3. L’archive de mon DMP"]
    # asking is a form (a POST with its CSRF token); the post has its confirmation page
    forms = {f.button.get_text(strip=True): f["action"] for f in soup.main.find_all("form")}
    assert forms == {"Préparer la copie à imprimer (PDF)": "/mon-dmp/copie/a-imprimer",
                     "Préparer l’archive (ZIP)": "/mon-dmp/copie/archive"}
    assert all(f["method"] == "post" and f.find("input", attrs={"name": "csrf_token"})
               for f in soup.main.find_all("form"))
    links = {a.get_text(strip=True): a["href"] for a in soup.main.find_all("a")}
    assert links["Recevoir la copie par courrier"] == POST_URL
    assert "vers le 30 novembre 2026" in soup.main.get_text(" ", strip=True)


def test_asking_shows_a_page_that_waits_then_offers_the_download(client, notifier, app):
    patient_log_in(client, notifier)
    assert client.get(PDF_URL).headers["Location"] == "/mon-dmp/copie/a-imprimer"  # nothing asked yet
    assert client.get("/mon-dmp/copie/a-imprimer").headers["Location"] == "/mon-dmp/copie"
    client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/a-imprimer")

    waiting = client.get("/mon-dmp/copie/a-imprimer")
    assert waiting.status_code == 200 and waiting.headers["Refresh"] == "10"  # reloads itself, no script
    assert waiting.soup.h1.get_text(strip=True) == "Votre copie est en préparation"
    assert "se met à jour toute seule toutes les 10 secondes" in waiting.soup.main.get_text(" ", strip=True)
    # the link that stops it comes first, so a reader reaches it before the page reloads
    first = waiting.soup.main.h1.find_next(["a", "p"])
    assert first.get_text(strip=True) == "Arrêter la mise à jour de la page"
    assert client.get(PDF_URL).headers["Location"] == "/mon-dmp/copie/a-imprimer"  # not made yet
    still = client.get("/mon-dmp/copie/a-imprimer?auto=non")  # the reader can stop the reloading
    assert "Refresh" not in still.headers
    assert "ne se met plus à jour toute seule" in still.soup.main.get_text(" ", strip=True)
    index = client.get("/mon-dmp/copie").soup.main.get_text(" ", strip=True)
    assert "Votre copie est en préparation." in index

    assert run_jobs(app) == 1
    ready = client.get("/mon-dmp/copie/a-imprimer")
    assert "Refresh" not in ready.headers
    assert ready.soup.h1.get_text(strip=True) == "Votre copie est prête"
    text = ready.soup.main.get_text(" ", strip=True)
    assert "prête depuis le 23 novembre 2026 à 10 h 00" in text  # Paris time (the test clock)
    assert "Nous la gardons jusqu’au 24 novembre 2026 à 10 h 00." in text
    link = ready.soup.main.find("a", string="Télécharger la copie à imprimer (PDF)")
    assert link["href"] == PDF_URL
    response = client.get(PDF_URL)
    assert response.status_code == 200 and response.is_streamed and response.data.startswith(b"%PDF")


def test_the_copy_by_post_is_confirmed_then_queued_to_the_register_address(client, notifier, app):
    patient_log_in(client, notifier)
    confirm = client.get(POST_URL).soup
    assert confirm.find(id="adresse").get_text("|", strip=True) == "Fatima ROCHE|40 boulevard National|13003 Marseille"
    assert "arrive dans 1 semaine environ, vers le 30 novembre 2026" in confirm.main.get_text(" ", strip=True)
    assert notifier.letters.list() == [] and exports(app) == []  # nothing before the button

    sent = client.submit(POST_URL, {})
    assert sent.status_code == 302 and sent.headers["Location"] == POSTED_URL
    assert notifier.letters.list() == []  # the worker makes the letter
    assert client.submit(POST_URL, {}).status_code == 302  # asked twice before it left: one letter
    run_jobs(app)
    page = client.get(POSTED_URL).soup
    assert page.h1.get_text(strip=True) == "Votre copie part par courrier"
    assert page.find(id="arrivee").get_text(" ", strip=True) == (
        "La lettre arrive dans 1 semaine environ, vers le 30 novembre 2026.")
    [letter] = notifier.letters.list()
    assert letter["kind"] == "dossier_copy"
    assert letter["address"] == ["Fatima ROCHE", "40 boulevard National", "13003 Marseille"]
    queued = pdf_text(notifier.letters.pdf(letter["letter_id"]))
    assert "Copie de votre dossier médical partagé" in queued
    assert "Prise de sang du 20 octobre 2026" in queued and PENDING_TITLE not in queued
    assert len(exports(app)) == 2  # each ask is journaled


def test_the_paper_copies_keep_the_patient_s_changes_of_who_reads_and_not_their_readings(client, notifier, app):
    patient_log_in(client, notifier)
    for _ in range(3):
        client.get("/mon-dmp/documents")
    lab = "d0c0000000000002"
    client.submit("/mon-dmp/documents", {"hidden": "1"}, action=f"/mon-dmp/documents/{lab}/acces")
    client.submit(POST_URL, {})
    printed = history_part(pdf_text(made_copy(client, app, "a-imprimer").data))
    [letter] = notifier.letters.list()  # the letter by post: the same content
    posted = history_part(pdf_text(notifier.letters.pdf(letter["letter_id"])))
    for paper in (printed, posted):
        assert "Vous avez caché « Prise de sang du 20 octobre 2026 » aux professionnels" in paper
        assert "Votre DMP a été créé le 15 janvier 2026" in paper
        for own in ("Vous avez regardé la liste de vos documents", "Vous vous êtes connectée",
                    "Vous avez demandé une copie"):
            assert own not in paper, own
    archived = history_part(pdf_text(read_zip(made_copy(client, app, "archive").data)["copie-dmp.pdf"]))
    assert archived.count("Vous avez regardé la liste de vos documents") == 4  # and the hiding form's page
    assert "Vous avez caché « Prise de sang du 20 octobre 2026 » aux professionnels" in archived


def test_the_posted_page_without_a_letter_sent_goes_back_to_the_confirmation(client, notifier):
    patient_log_in(client, notifier)
    response = client.get(POSTED_URL)
    assert response.status_code == 302 and response.headers["Location"] == POST_URL


def test_the_post_without_its_csrf_token_queues_nothing(client, notifier):
    patient_log_in(client, notifier)
    assert client.post(POST_URL, data={}).status_code == 400
    assert notifier.letters.list() == []


def test_each_export_is_journaled_for_the_holder(client, notifier, app):
    patient_log_in(client, notifier)
    made_copy(client, app, "a-imprimer")
    made_copy(client, app, "archive")
    client.submit(POST_URL, {})
    entries = exports(app)
    assert all(e.allowed and e.actor_kind == "holder" and e.actor_id == DOSSIER for e in entries)
    # each ask and each download says which copy it was, and the history tells it in words
    assert [read_detail(e.detail).note for e in entries] == [
        "copy_pdf", "download_pdf", "copy_archive", "download_archive", "copy_post"]
    app.extensions["dmp.repos"].wishes.save(DOSSIER, Wishes(blood_group="A+"))  # a change: a new copy
    told = " ".join(pdf_text(read_zip(made_copy(client, app, "archive").data)["copie-dmp.pdf"]).split())
    for sentence in ("Vous avez demandé une copie de votre DMP à imprimer",
                     "Vous avez téléchargé la copie de votre DMP à imprimer",
                     "Vous avez demandé une copie complète de votre DMP, avec ses fichiers",
                     "Vous avez téléchargé l’archive de votre DMP, avec ses fichiers",
                     "Vous avez demandé une copie de votre DMP par courrier"):
        assert sentence in told, sentence
    before = len(exports(app))
    client.get(ZIP_URL)  # every download of the kept copy is journaled
    assert [read_detail(e.detail).note for e in exports(app)[before:]] == ["download_archive"]


def test_a_closed_dossier_can_still_be_copied_with_its_documents(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.status = "closed"
    dossier.closed_at = app.extensions["dmp.clock"]()
    repos.dossiers.save(dossier)
    patient_log_in(client, notifier)
    response = made_copy(client, app, "a-imprimer")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Votre DMP est fermé depuis le 23 novembre 2026" in text
    assert "Prise de sang du 20 octobre 2026" in text and PENDING_TITLE not in text
    assert made_copy(client, app, "archive").status_code == 200
    assert client.submit(POST_URL, {}).status_code == 302
    run_jobs(app)
    assert len(notifier.letters.list()) == 1
    assert [e.allowed for e in exports(app)] == [True] * 5  # 3 asks, 2 downloads


def test_a_copy_is_kept_sealed_and_offered_again_until_the_dossier_changes_or_a_day_passes(
        client, notifier, app, clock):
    repos = app.extensions["dmp.repos"]
    patient_log_in(client, notifier)
    first = made_copy(client, app, "a-imprimer").data
    job = repos.jobs.get("pdf", dossier_id=DOSSIER)
    assert first[:64] not in everything_stored(app)  # sealed at rest (the PDF's own first bytes)

    client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/a-imprimer")
    assert run_jobs(app) == 0  # the same content: the kept copy is offered again
    assert client.get(PDF_URL).data == first
    assert len(exports(app)) == 4  # but each ask and each download is journaled

    repos.wishes.save(DOSSIER, Wishes(blood_group="B+"))  # the dossier changed
    assert client.get(PDF_URL).headers["Location"] == "/mon-dmp/copie/a-imprimer"
    assert client.get("/mon-dmp/copie/a-imprimer").headers["Location"] == "/mon-dmp/copie"
    second = made_copy(client, app, "a-imprimer").data
    assert second != first and "B+" in pdf_text(second)
    with pytest.raises(OutputBroken):  # the old copy is gone
        b"".join(repos.jobs.output(job))

    clock.advance(hours=24)
    with app.test_request_context():
        assert copy_jobs.copy_status(ctx(), repos.dossiers.get(DOSSIER), "pdf") is None  # too old to offer
        assert copy_jobs.purge_expired(ctx()) == 1
    assert repos.jobs.get("pdf", dossier_id=DOSSIER) is None and list(repos.jobs.kept()) == []


def test_only_the_logged_in_holder_reaches_the_copies(client, notifier):
    for url in ("/mon-dmp/copie", PDF_URL, ZIP_URL, POST_URL):
        assert client.get(url).status_code == 302  # to the login page
    pro_log_in(client, notifier, LEFEVRE)
    for url in ("/mon-dmp/copie", PDF_URL, ZIP_URL, POST_URL):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")
    log_out(client, "/pro")
    assert notifier.letters.list() == []


def test_hostile_text_in_a_document_is_printed_as_text_and_embeds_nothing(client, notifier, app, tmp_path):
    hostile = '<link rel="attachment" href="file:///etc/passwd"><img src="file:///etc/hostname" alt="x">'
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/documents/ajouter", {"title": "Titre <b>gras</b>", "text": hostile})
    data = made_copy(client, app, "a-imprimer").data
    text = pdf_text(data)
    assert "Titre <b>gras</b>" in text and 'href="file:///etc/passwd"' in text
    assert poppler("pdfdetach", data, tmp_path, "-list").strip() == "0 embedded files"
    assert "root:" not in text


def test_every_fixed_sentence_of_the_copy_has_at_most_15_words(app):
    with app.test_request_context():
        context = ctx()
        content = copies.gather(context, Holder(DOSSIER), context.repos.dossiers.get(DOSSIER))
    content = copies.DossierContent(**{**content.__dict__, "documents": [], "history": []})
    html = render.render_html("dossier_copy.html", copies.copy_context(content))
    for node in BeautifulSoup(html, "html.parser").main.find_all(["h1", "h2", "h3", "p", "li"]):
        for sentence in re.split(r"(?<=[.!?])\s+", node.get_text(" ", strip=True)):
            words = [w for w in sentence.split() if any(c.isalnum() for c in w)]
            assert len(words) <= 15, f"{len(words)} words: {sentence!r}"


def test_the_copy_renders_without_any_weasyprint_warning(app):
    from ..pdf_logs import weasyprint_records

    with app.test_request_context():
        context = ctx()
        content = copies.gather(context, Holder(DOSSIER), context.repos.dossiers.get(DOSSIER))
        with weasyprint_records() as records:
            copies.render_copy(content)
    assert [r.getMessage() for r in records if r.levelno >= 30] == []


def test_a_large_archive_is_spooled_to_disk_and_sent_in_blocks(client, notifier, app, monkeypatch):
    monkeypatch.setattr(copies, "ARCHIVE_IN_MEMORY", 1024)  # any real archive is larger
    with app.test_request_context():
        made = copies.build_archive(ctx(), Holder(DOSSIER), app.extensions["dmp.repos"].dossiers.get(DOSSIER))
    assert made.tell() == 0
    assert made._rolled  # past the limit, the archive is a file on disk, not bytes in memory
    made.close()
    monkeypatch.setattr("dmp_web.store.copies.CHUNK", 4096)  # kept in sealed chunks of this size
    patient_log_in(client, notifier)
    response = made_copy(client, app, "archive")
    assert response.is_streamed  # the response sends the chunks as they are opened
    chunks = list(response.response)
    assert len(chunks) > 2 and all(len(c) <= 4096 for c in chunks)
    assert "copie-dmp.pdf" in read_zip(b"".join(chunks))


def test_no_request_renders_a_copy_or_a_booklet(client, notifier, app, monkeypatch):
    def no_render(html):
        raise AssertionError("a request rendered a PDF")

    real = render.html_to_pdf
    monkeypatch.setattr(render, "html_to_pdf", no_render)
    patient_log_in(client, notifier)
    for which in ("a-imprimer", "archive"):
        assert client.submit("/mon-dmp/copie", {}, action=f"/mon-dmp/copie/{which}").status_code == 302
        assert client.get(f"/mon-dmp/copie/{which}").status_code == 200
    assert client.submit(POST_URL, {}).status_code == 302
    assert client.get("/guides/tous.pdf").status_code == 202  # its waiting page
    monkeypatch.setattr(render, "html_to_pdf", real)  # the worker renders
    assert run_jobs(app) == 4
    assert client.get(PDF_URL).data.startswith(b"%PDF") and client.get(ZIP_URL).data.startswith(b"PK")
    assert len(notifier.letters.list()) == 1
    assert client.get("/guides/tous.pdf").data.startswith(b"%PDF")


def test_a_copy_that_keeps_failing_says_so_and_can_be_asked_again(client, notifier, app, monkeypatch, caplog):
    def broken(content):
        raise RuntimeError("Fatima ROCHE: Échographie cardiaque")

    monkeypatch.setattr(copies, "render_copy", broken)
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/a-imprimer")
    with caplog.at_level("WARNING", logger="dmp_web.worker"):
        assert run_jobs(app) == copy_jobs.ATTEMPTS  # tried again, then given up
    lines = [r.getMessage() for r in caplog.records if r.name == "dmp_web.worker"]
    assert len(lines) == copy_jobs.ATTEMPTS and all("error=RuntimeError" in line for line in lines)
    assert not any("Fatima" in line or "Échographie" in line for line in lines)  # never the message
    page = client.get("/mon-dmp/copie/a-imprimer")
    assert "Refresh" not in page.headers
    assert page.soup.h1.get_text(strip=True) == "La copie n’a pas pu être préparée"
    assert page.soup.main.form["action"] == "/mon-dmp/copie/a-imprimer"
    monkeypatch.undo()
    client.submit("/mon-dmp/copie/a-imprimer", {})  # «Demander encore»
    assert run_jobs(app) == 1
    assert client.get(PDF_URL).data.startswith(b"%PDF")


# -- what the review of the worker found -------------------------------------------------------

def test_a_post_job_tried_again_after_its_letter_left_posts_no_second_letter(client, notifier, app, monkeypatch):
    from dmp_web.store.files import StoreBusy

    JobStore = type(app.extensions["dmp.repos"].jobs)  # the store's own, files or PostgreSQL
    real, calls = JobStore.finish, []

    def busy_once(self, job, source, now):
        calls.append(job.id)
        if len(calls) == 1:
            raise StoreBusy("a backup holds the store")  # after the letter was queued
        return real(self, job, source, now)

    monkeypatch.setattr(JobStore, "finish", busy_once)
    patient_log_in(client, notifier)
    client.submit(POST_URL, {})
    assert run_jobs(app) == 2 and len(calls) == 2  # tried again
    assert len(notifier.letters.list()) == 1  # one letter: the second try found it queued


def test_a_job_that_kills_its_worker_each_time_fails_for_good(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/a-imprimer")
    for _ in range(copy_jobs.ATTEMPTS):  # taken, then its worker killed: the lease puts it back
        with app.test_request_context():
            assert copy_jobs.take(ctx()) is not None
        expire_leases(app)
        assert repos.jobs.requeue_stale(60) == 1
    with app.test_request_context():
        assert copy_jobs.take(ctx()) is None  # not a fourth time
    assert repos.jobs.get("pdf", dossier_id=DOSSIER).state == "failed"
    page = client.get("/mon-dmp/copie/a-imprimer")
    assert page.soup.h1.get_text(strip=True) == "La copie n’a pas pu être préparée"


def test_a_copy_that_does_not_open_is_never_sent_and_is_made_again(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    patient_log_in(client, notifier)
    good = made_copy(client, app, "a-imprimer")
    assert good.headers["Content-Length"] == str(len(good.data))  # a cut download shows as cut
    job = repos.jobs.get("pdf", dossier_id=DOSSIER)
    cut_kept_copy(app, job)
    before = len(exports(app))
    response = client.get(PDF_URL)
    assert response.status_code == 302 and response.headers["Location"] == "/mon-dmp/copie/a-imprimer"
    assert len(exports(app)) == before  # nothing left: no download journaled
    assert client.get("/mon-dmp/copie/a-imprimer").soup.h1.get_text(strip=True) == (
        "La copie n’a pas pu être préparée")
    assert made_copy(client, app, "a-imprimer").data.startswith(b"%PDF")  # asked again, made again


def test_the_ready_page_offers_a_new_copy_of_now(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    patient_log_in(client, notifier)
    made_copy(client, app, "a-imprimer")
    first = repos.jobs.get("pdf", dossier_id=DOSSIER).id
    ready = client.get("/mon-dmp/copie/a-imprimer").soup
    button = ready.main.find("button", attrs={"name": "nouvelle"})
    assert button.get_text(strip=True) == "Préparer une nouvelle copie" and button["value"] == "1"
    client.submit("/mon-dmp/copie/a-imprimer", {"nouvelle": "1"})
    assert repos.jobs.get("pdf", dossier_id=DOSSIER).id != first and run_jobs(app) == 1


def test_the_same_copy_is_not_posted_twice_within_the_posts_delay(client, notifier, app, clock):
    patient_log_in(client, notifier)
    client.submit(POST_URL, {})
    run_jobs(app)
    clock.advance(days=2)
    client = app.test_client()  # two days later: a new visit
    patient_log_in(client, notifier)
    client.submit(POST_URL, {})
    assert run_jobs(app) == 0 and len(notifier.letters.list()) == 1
    page = client.get(POSTED_URL).soup
    assert page.h1.get_text(strip=True) == "Votre copie est déjà partie par courrier"
    assert "Nous avons envoyé cette copie le 23 novembre 2026." in page.main.get_text(" ", strip=True)
    assert "vers le 30 novembre 2026" in page.find(id="arrivee").get_text(" ", strip=True)
    app.extensions["dmp.repos"].wishes.save(DOSSIER, Wishes(blood_group="AB+"))  # it changed: a new one
    client.submit(POST_URL, {})
    assert run_jobs(app) == 1 and len(notifier.letters.list()) == 2


def test_a_failing_booklet_is_tried_again_only_after_a_while(client, app, clock, monkeypatch):
    from dmp_web.texts import guides as guides_service

    renders = []

    def broken(chosen, all_guides=False, **printed):
        renders.append(1)
        raise RuntimeError("the booklet does not render")

    monkeypatch.setattr(guides_service, "booklet_pdf", broken)
    client.get("/guides/tous.pdf")
    run_jobs(app)
    assert len(renders) == copy_jobs.ATTEMPTS
    for _ in range(4):  # strangers asking again make no new job
        page = client.get("/guides/tous.pdf")
        assert page.status_code == 202 and "Refresh" not in page.headers
        assert page.soup.h1.get_text(strip=True) == "Le guide à imprimer n’est pas prêt"
    assert run_jobs(app) == 0 and len(renders) == copy_jobs.ATTEMPTS
    clock.advance(minutes=11)
    client.get("/guides/tous.pdf")
    assert run_jobs(app) == copy_jobs.ATTEMPTS  # tried again, later


def test_rotating_the_data_keys_deletes_the_kept_copies_and_booklets(client, notifier, app):
    from dmp_web.services import data_keys

    repos = app.extensions["dmp.repos"]
    patient_log_in(client, notifier)
    made_copy(client, app, "a-imprimer")
    client.get("/guides/tous.pdf")
    run_jobs(app)
    assert len(list(repos.jobs.kept())) == 1 and repos.jobs.get("booklet", slug="tous").state == "done"
    data_keys.reseal_everything(repos, app.extensions["dmp.notifier"].letters)
    # made again when asked, with the new key
    assert list(repos.jobs.kept()) == [] and repos.jobs.get("booklet", slug="tous") is None
    assert client.get(PDF_URL).status_code == 302 and client.get("/guides/tous.pdf").status_code == 202
