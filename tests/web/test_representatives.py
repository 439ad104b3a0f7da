"""A minor's legal representatives as their own actors, through the test client (no
JavaScript): the first one created with the DMP at a pharmacy, the second one added at the
caisse's desk with a letter of their own; each logs in with their own identifier, reads «Vous
agissez pour …» on every page, and is named in the history; a document a professional hides from
them stays out of their lists, pages and history; at 18 their access ends (tests/web/test_coming_of_age.py)."""
from __future__ import annotations

import io

import pdfplumber

from dmp_web.domain.representatives import SECOND_SLOT

from .patient_journey import NEW_PASSWORD, Created, first_connection, log_in
from .pro_journey import log_out
from .test_desk_creation import (
    DESK_AGENT, LUCAS, MEDECIN, PHARMACIEN, REPRESENTATIVE, create_at_desk, dossier_of, main_text, other_client,
    pro_log_in,
)
from .test_desk_existing import ACTIONS, card_seen

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

FATHER = "Marc MOREAU"
SECOND = "/pro/aider/representant"
LUCAS_BIRTH = "09/01/2012"


def lucas_with_his_mother(client, notifier, app) -> Created:
    """Lucas's DMP made at the pharmacy, his mother the first representative, first connection done."""
    pro_log_in(client, notifier, PHARMACIEN)
    printed = create_at_desk(client, LUCAS, {
        "representative_name": REPRESENTATIVE, "representative_link": "mother", "consent": "yes",
    }, mobile="0798765432")
    log_out(client, "/pro")
    created = Created(printed.login_id, printed.initial_password)
    log_in(client, notifier, created.login_id, created.initial_password)
    first_connection(client, created, email="sophie@example.org")
    return created


def add_the_father(client, notifier, app) -> Created:
    """At the desk, the father becomes the second representative: his letter's identifier and password."""
    desk = other_client(app)
    pro_log_in(desk, notifier, DESK_AGENT)
    card_seen(desk, LUCAS)
    actions = desk.get(ACTIONS)
    assert actions.soup.main.find("a", string="Ajouter le 2e représentant légal")["href"] == SECOND
    empty = desk.submit(SECOND, {})
    assert empty.status_code == 200 and empty.soup.title.get_text().startswith("Erreur : ")
    done = desk.submit(SECOND, {"representative_name": FATHER, "representative_link": "father",
                                "mobile": "06 11 22 33 44", "email": ""}, follow_redirects=True)
    page = main_text(done)
    assert f"Donnez la lettre à {FATHER}, représentant légal de Lucas MOREAU." in page
    assert "L’autre représentant légal garde le sien." in page
    login_id = done.soup.find(id="identifiant").get_text(strip=True)
    password = done.soup.find(id="mot-de-passe").get_text(strip=True)
    letter = desk.get("/pro/aider/lettre.pdf")
    with pdfplumber.open(io.BytesIO(letter.data)) as pdf:
        text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert login_id in text and FATHER in text
    # one at most: the link is gone, the page too
    assert desk.get(ACTIONS).soup.main.find("a", string="Ajouter le 2e représentant légal") is None
    assert desk.get(SECOND).status_code == 404
    return Created(login_id, password)


def test_each_representative_logs_in_as_themselves_and_the_history_names_who_acted(client, notifier, app):
    mother = lucas_with_his_mother(client, notifier, app)
    home = client.get("/mon-dmp")
    banner = " ".join(home.soup.select_one(".acting-for").get_text(" ", strip=True).split())
    assert banner == "Vous agissez pour Lucas MOREAU . Vous êtes sa mère."
    assert f"Bonjour {REPRESENTATIVE}." in main_text(home)
    assert client.get("/mon-dmp/compte").soup.select_one(".acting-for") is not None  # on every page

    father = add_the_father(client, notifier, app)
    assert father.login_id != mother.login_id
    dossier = dossier_of(app, LUCAS)
    assert [(r.id, r.full_name, r.link, r.slot) for r in dossier.representatives] == [
        ("r1", REPRESENTATIVE, "mother", ""), ("r2", FATHER, "father", SECOND_SLOT)]
    accounts = app.extensions["dmp.repos"].accounts
    assert accounts.get(dossier.id, SECOND_SLOT).mobile == "0611223344"
    assert accounts.get(dossier.id).login_id == mother.login_id  # the mother's account is untouched

    dad = other_client(app)
    landing = log_in(dad, notifier, father.login_id, father.initial_password.replace(" ", ""))
    assert landing.headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"
    assert notifier.outbox[-1].to == "0611223344"  # his own codes, on his own phone
    first_connection(dad, father, email="marc@example.org")
    assert "Vous êtes son père." in dad.get("/mon-dmp").soup.select_one(".acting-for").get_text(" ")

    entries = app.extensions["dmp.repos"].journal.entries(dossier.id)
    done = {(e.actor_kind, e.actor_id, e.actor_name) for e in entries if e.action == "first_connection_done"}
    assert done == {("legal_representative", "r1", REPRESENTATIVE), ("legal_representative", "r2", FATHER)}
    added = next(e for e in entries if e.action == "desk_representative_added")
    assert (added.actor_kind, added.actor_id) == ("desk_agent", DESK_AGENT)

    history = main_text(dad.get("/mon-dmp/historique?acces=tous"))
    # the other parent named, in the third person; his own steps said «Vous»
    assert f"{REPRESENTATIVE} (mère) a fini sa première connexion" in history
    assert f"{REPRESENTATIVE} (mère) a fait un choix pour l’accès en urgence" in history
    assert "Son choix : " in history
    assert "Vous avez fini votre première connexion" in history
    assert "a ajouté un 2e représentant légal" in history

    # a password change ends the sessions of its own account only
    client.submit("/mon-dmp/compte/mot-de-passe", {
        "current_password": NEW_PASSWORD, "new_password": "des tulipes rouges au printemps",
        "new_password_confirm": "des tulipes rouges au printemps"})
    assert dad.get("/mon-dmp").status_code == 200


def test_a_document_hidden_from_the_representatives_never_reaches_them(client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    log_out(client, "/mon-dmp")
    dossier = dossier_of(app, LUCAS)
    pro_log_in(client, notifier, MEDECIN)
    client.submit("/pro/trouver", {"identifier": LUCAS.nir, "birth_date": LUCAS_BIRTH})
    client.submit(f"/pro/dmp/{dossier.id}/accord", {"agreed": "y"})
    form = client.get(f"/pro/dmp/{dossier.id}/deposer").soup
    assert form.find("input", attrs={"name": "hidden_from_representatives"}) is not None  # a minor's DMP
    for title, hidden in (("Consultation de contraception", "y"), ("Vaccin contre la rougeole", "")):
        client.submit(f"/pro/dmp/{dossier.id}/deposer", {
            "type_code": "consultation_report", "title": title, "document_date": "20/11/2026",
            "text": "Texte.", **({"hidden_from_representatives": hidden} if hidden else {}),
        })
    documents = {d.title: d for d in app.extensions["dmp.repos"].documents.list(dossier.id)}
    kept = documents["Consultation de contraception"]
    assert kept.hidden_from_representatives and not documents["Vaccin contre la rougeole"].hidden_from_representatives
    pro_page = main_text(client.get(f"/pro/dmp/{dossier.id}/documents/{kept.id}"))
    assert "Ce document est caché aux parents ou au tuteur du patient." in pro_page  # its doctor still reads it
    log_out(client, "/pro")

    mother = other_client(app)
    log_in(mother, notifier, app.extensions["dmp.repos"].accounts.get(dossier.id).login_id, NEW_PASSWORD)
    listed = main_text(mother.get("/mon-dmp/documents"))
    assert "Vaccin contre la rougeole" in listed and "contraception" not in listed
    assert mother.get(f"/mon-dmp/documents/{kept.id}").status_code == 404
    assert mother.get(f"/mon-dmp/documents/{kept.id}/fichier").status_code == 404
    history = main_text(mother.get("/mon-dmp/historique?acces=tous"))
    assert history.count("a ajouté") == 1 and "contraception" not in history  # not even that it exists
    entries = app.extensions["dmp.repos"].journal.entries(dossier.id)
    refused = [e for e in entries if e.actor_kind == "legal_representative" and e.action == "read_document"]
    assert refused and all(not e.allowed and e.detail["code"] == "hidden_from_representatives" for e in refused)


def test_an_adult_s_dmp_offers_no_representative_and_no_hiding_from_them(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    card_seen(client)  # Fatima, an adult
    assert client.get(ACTIONS).soup.main.find("a", string="Ajouter le 2e représentant légal") is None
    assert client.get(SECOND).status_code == 404
    log_out(client, "/pro")
    pro_log_in(client, notifier, MEDECIN)
    from .pro_journey import DOSSIER
    form = client.get(f"/pro/dmp/{DOSSIER}/deposer").soup
    assert form.find("input", attrs={"name": "hidden_from_representatives"}) is None
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": "Forgé", "document_date": "20/11/2026", "text": "x",
        "hidden_from_representatives": "y"})
    forged = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER) if d.title == "Forgé")
    assert not forged.hidden_from_representatives  # means nothing on an adult's DMP


def test_the_desk_helps_the_representative_at_the_desk_with_their_own_account(client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    father = add_the_father(client, notifier, app)
    dossier = dossier_of(app, LUCAS)
    accounts = app.extensions["dmp.repos"].accounts
    mother_login = accounts.get(dossier.id).login_id
    desk = other_client(app)
    pro_log_in(desk, notifier, DESK_AGENT)
    card_seen(desk, LUCAS)
    page = desk.get(ACTIONS)
    assert main_text(page).count("Vous aidez Sophie MOREAU.") == 1  # the first one, until told otherwise
    buttons = [b.get_text(strip=True) for b in page.soup.select("form[action='/pro/aider/pour-qui'] button")]
    assert buttons == [REPRESENTATIVE, FATHER]
    token = desk.csrf_token(ACTIONS)
    assert desk.post("/pro/aider/pour-qui", data={"csrf_token": token, "slot": "r9"}).status_code == 404
    assert desk.post("/pro/aider/pour-qui", data={"csrf_token": token, "slot": SECOND_SLOT}).status_code == 302
    assert "Vous aidez Marc MOREAU." in main_text(desk.get(ACTIONS))
    desk.submit("/pro/aider/contact", {"mobile": "07 00 00 00 01"})
    assert accounts.get(dossier.id, SECOND_SLOT).mobile == "0700000001"
    assert accounts.get(dossier.id).mobile == "0612345678"  # the mother's is untouched
    letter = desk.post("/pro/aider/nouvelle-lettre", data={"csrf_token": desk.csrf_token(ACTIONS)},
                       follow_redirects=True)
    assert "Donnez la lettre à Marc MOREAU, représentant légal de Lucas MOREAU." in main_text(letter)
    assert letter.soup.find(id="identifiant").get_text(strip=True) == father.login_id
    assert accounts.get(dossier.id, SECOND_SLOT).first_connection_step == 1
    assert accounts.get(dossier.id).login_id == mother_login and accounts.get(dossier.id).first_connection_step == 4


def test_the_hourly_openings_message_goes_to_each_representative(client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    add_the_father(client, notifier, app)
    client.submit("/mon-dmp/gestion/alertes", {"choice": "no", "openings": "yes", "notices_by_post": "no",
                                               "history_by_post": "no"})
    assert dossier_of(app, LUCAS).alert_openings
    sent = len(notifier.outbox)
    doctor = other_client(app)
    pro_log_in(doctor, notifier, MEDECIN)
    doctor.submit("/pro/trouver", {"identifier": LUCAS.nir, "birth_date": LUCAS_BIRTH})
    doctor.submit(f"/pro/dmp/{dossier_of(app, LUCAS).id}/accord", {"agreed": "y"})
    assert doctor.get(f"/pro/dmp/{dossier_of(app, LUCAS).id}").status_code == 200
    told = [m for m in notifier.outbox[sent:] if "ouvert votre DMP" in getattr(m, "subject", "")
            or m.body.startswith("DMP - Votre DMP a été ouvert.")]
    # the mother's codes go by e-mail (first connection), the father's by SMS: one message each
    assert sorted(m.to for m in told) == ["0611223344", "sophie@example.org"]
