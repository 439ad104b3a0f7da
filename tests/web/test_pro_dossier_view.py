"""The professional's dossier view (issue 19, item 5): the documents by category, each with its
author, care date and date added, newest first; a filter by category; the médecin traitant sees
which documents the patient hid. Through the real routes, without JavaScript; both stores."""
from __future__ import annotations

from dmp_web.services import dossier_access, management
from dmp_web.services.holder import patient_actor
from dmp_web.web.deps import ctx

from .pro_journey import DOSSIER, DURAND, LEFEVRE, pro_log_in

BOTH_STORES = True


def _rows(page):
    """(category heading, [(title, the row's text)]) in the page's order."""
    found = []
    for heading in page.soup.main.find_all("h3"):
        listed = heading.find_next_sibling("ul")
        rows = [(li.a.get_text(strip=True), " ".join(li.get_text(" ").split())) for li in listed.find_all("li")]
        found.append((heading.get_text(strip=True), rows))
    return found


def test_the_documents_are_grouped_by_category_with_author_and_dates(client, notifier):
    pro_log_in(client, notifier, LEFEVRE)  # the cardiologist, author of the held imaging report
    page = client.get(f"/pro/dmp/{DOSSIER}")
    groups = _rows(page)
    assert [name for name, _ in groups] == ["Comptes rendus", "Résultats d’examens", "Imagerie",
                                            "Ordonnances et traitements"]
    reports = dict(groups)["Comptes rendus"]
    assert [title for title, _ in reports] == ["Consultation du 12 octobre 2026",  # added after the stay's report
                                               "Séjour en cardiologie, septembre 2026"]
    consultation = reports[0][1]
    assert "Par Dr Marie Durand" in consultation and "Date des soins : 12 octobre 2026." in consultation
    assert "Ajouté le" in consultation
    imaging = dict(groups)["Imagerie"][0][1]
    assert "Pas encore montré au patient." in imaging  # only its author sees it, and is told


def test_a_filter_shows_one_category_and_an_unknown_one_is_not_found(client, notifier):
    pro_log_in(client, notifier, DURAND)
    page = client.get(f"/pro/dmp/{DOSSIER}")
    links = {a.get_text(strip=True): a["href"] for a in page.soup.main.select("nav a")}
    assert links["Résultats d’examens"] == f"/pro/dmp/{DOSSIER}?categorie=resultats_examens"
    only = client.get(links["Résultats d’examens"])
    assert [name for name, _ in _rows(only)] == ["Résultats d’examens"]
    assert only.soup.main.find("a", attrs={"aria-current": "page"}).get_text(strip=True) == "Résultats d’examens"
    assert only.soup.main.find("a", string="Tous les documents")["href"] == f"/pro/dmp/{DOSSIER}"
    assert client.get(f"/pro/dmp/{DOSSIER}?categorie=../etc").status_code == 404


def test_the_attending_doctor_sees_which_documents_the_patient_hid(client, notifier, app):
    with app.test_request_context():
        context = ctx()
        dossier = context.repos.dossiers.get(DOSSIER)
        document = context.repos.documents.get(DOSSIER, "d0c0000000000003")
        assert dossier_access.set_hidden(context, patient_actor(context, DOSSIER), dossier, document, True).allowed
    pro_log_in(client, notifier, DURAND)  # the médecin traitant still reads it, and reads that it is hidden
    rows = dict(_rows(client.get(f"/pro/dmp/{DOSSIER}")))
    prescription = dict(rows["Ordonnances et traitements"])["Ordonnance du 22 octobre 2026"]
    assert "Caché par le patient aux autres professionnels." in prescription
    consultation = dict(rows["Comptes rendus"])["Consultation du 12 octobre 2026"]
    assert "Caché" not in consultation


def test_my_recent_patients_are_the_dmp_i_opened_in_the_last_30_days(client, notifier, app, clock):
    from .test_professionals import PETIT

    pro_log_in(client, notifier, DURAND)
    assert "Vous n’avez ouvert aucun DMP depuis 30 jours." in client.get("/pro").soup.main.get_text()
    client.get(f"/pro/dmp/{DOSSIER}")
    home = client.get("/pro").soup
    link = home.find("h2", id="recents").find_next("ul").find("a")
    assert (link.get_text(strip=True), link["href"]) == ("DMP de Fatima ROCHE", f"/pro/dmp/{DOSSIER}")
    assert "Née le 21 mai 1975." in home.main.get_text(" ")
    # another professional's list is their own
    other = app.test_client()
    pro_log_in(other, notifier, PETIT)
    assert "Vous n’avez ouvert aucun DMP depuis 30 jours." in other.get("/pro").soup.main.get_text()
    # a patient who blocks the doctor since is not listed (the list opens nothing)
    with app.test_request_context():
        context = ctx()
        other.get(f"/pro/dmp/{DOSSIER}")
        assert "DMP de Fatima ROCHE" in other.get("/pro").soup.main.get_text()
        dossier = context.repos.dossiers.get(DOSSIER)
        assert management.block(context, patient_actor(context, DOSSIER), dossier, PETIT).allowed
    assert "DMP de Fatima ROCHE" not in other.get("/pro").soup.main.get_text()
    # 31 days later, gone
    clock.advance(days=31)
    client.get("/pro")  # the idle session ends: log in again
    pro_log_in(client, notifier, DURAND)
    assert "Vous n’avez ouvert aucun DMP depuis 30 jours." in client.get("/pro").soup.main.get_text()
