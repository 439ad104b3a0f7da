"""« Aider une personne qui a déjà un DMP », through the test client (no JavaScript): a desk agent
finds the person by the Vitale card (NIR typed twice, serial), says they saw it, then prints a
new letter, changes the contacts, sends the identifier again, closes and reopens the DMP. Each
act is journaled with the agent and the caisse, and worded in the patient's history."""
from __future__ import annotations

import io

import pdfplumber
import pytest

from dmp_web.demo import DEMO_LOGIN
from dmp_web.domain.access import REASONS
from dmp_web.services import history

from ..conftest import CheckedClient, field_error, make_app
from .patient_journey import log_in
from .test_desk_creation import (
    DESK_AGENT, FATIMA, MARCEL, MEDECIN, MUTUELLE, PHARMACIEN, UNKNOWN_NIR, main_text, other_client, pro_log_in,
)

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

FIND, CARD, ACTIONS, LETTER_PAGE, LETTER, CONTACT, IDENTIFIER, CLOSE, REOPEN, END = (
    "/pro/aider", "/pro/aider/carte", "/pro/aider/actions", "/pro/aider/lettre", "/pro/aider/lettre.pdf",
    "/pro/aider/contact", "/pro/aider/identifiant", "/pro/aider/fermer", "/pro/aider/rouvrir", "/pro/aider/fin",
)
GET_ROUTES = [FIND, CARD, ACTIONS, LETTER_PAGE, LETTER, CONTACT, CLOSE]
POST_ROUTES = [FIND, CARD, "/pro/aider/nouvelle-lettre", CONTACT, IDENTIFIER, CLOSE, REOPEN, END]
NOT_FOUND = "Nous ne trouvons pas de DMP avec ces numéros"
DOSSIER = DEMO_LOGIN["dossier_id"]


def find(client, person, nir_again=None, serial=None):
    return client.submit(FIND, {"nir": person.nir, "nir_again": nir_again or person.nir,
                                "vitale_serial": serial or person.vitale_serial})


def card_seen(client, person=FATIMA):
    assert find(client, person).headers["Location"] == CARD
    assert client.submit(CARD, {"seen": "y"}).headers["Location"] == ACTIONS


def helping(client, notifier, person=FATIMA):
    pro_log_in(client, notifier, DESK_AGENT)
    card_seen(client, person)


def desk_entries(app, action=None):
    entries = app.extensions["dmp.repos"].journal.entries(DOSSIER)
    return [e for e in entries if e.actor_kind == "desk_agent" and (action is None or e.action == action)]


def history_text(app, action) -> str:
    [entry] = desk_entries(app, action)
    return history.describe(entry, titles={}, professionals={}).text


def account(app):
    return app.extensions["dmp.repos"].accounts.get(DOSSIER)


def dossier(app):
    return app.extensions["dmp.repos"].dossiers.get(DOSSIER)


def post(client, path, data=None):
    return client.post(path, data={"csrf_token": client.csrf_token(ACTIONS), **(data or {})})


# -- finding the person ---------------------------------------------------------------------------

def test_the_desk_agent_finds_the_person_from_the_home_page_and_ticks_the_card(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    home = client.get("/pro")
    assert home.soup.main.find("a", string="Aider une personne qui a déjà un DMP")["href"] == FIND
    assert find(client, FATIMA).headers["Location"] == CARD
    page = client.get(CARD)
    assert page.soup.find(id="nom").get_text(strip=True) == FATIMA.full_name
    assert desk_entries(app) == []  # nothing journaled before the card is seen
    assert client.get(ACTIONS).headers["Location"] == FIND  # the card must be ticked first
    refused = client.submit(CARD, {})
    assert "Cochez la case si vous avez vu la carte Vitale" in field_error(refused.soup, "seen")
    assert client.submit(CARD, {"seen": "y"}).headers["Location"] == ACTIONS
    actions = client.get(ACTIONS)
    assert actions.soup.h1.get_text(strip=True) == f"Aider {FATIMA.full_name}"
    assert "Son DMP est ouvert." in main_text(actions)
    [entry] = desk_entries(app)
    assert (entry.action, entry.actor_id, entry.actor_name, entry.allowed) == (
        "desk_identity_checked", DESK_AGENT, "Nadia Benoît", True)
    assert entry.detail == {"code": "desk_agent_helps", "consent": {
        "given_by": "holder", "channel": "desk", "asked_by": "Nadia Benoît", "place": "CPAM de Paris"}}
    assert history_text(app, "desk_identity_checked").startswith(
        "Nadia Benoît (agent d'accueil de la caisse) a vérifié votre carte Vitale pour vous aider le ")
    assert history_text(app, "desk_identity_checked").endswith(" C’était à l’accueil de la caisse : CPAM de Paris.")
    assert FATIMA.nir not in client.get(ACTIONS).get_data(as_text=True)  # never in a page nor a URL


@pytest.mark.parametrize("nir, nir_again, serial", [
    (FATIMA.nir, FATIMA.nir, MARCEL.vitale_serial),  # her NIR, another card
    (MARCEL.nir, MARCEL.nir, MARCEL.vitale_serial),  # a right card, but no DMP
    (UNKNOWN_NIR, UNKNOWN_NIR, "1234567890123456"),  # no one
])
def test_a_wrong_card_is_refused_without_saying_who_exists(client, notifier, app, nir, nir_again, serial):
    pro_log_in(client, notifier, DESK_AGENT)
    page = client.submit(FIND, {"nir": nir, "nir_again": nir_again, "vitale_serial": serial})
    assert page.status_code == 200
    assert NOT_FOUND in field_error(page.soup, "vitale_serial")
    assert client.get(CARD).headers["Location"] == FIND
    assert desk_entries(app) == []


def test_every_wrong_card_gets_the_same_page(client, notifier):
    pro_log_in(client, notifier, DESK_AGENT)
    pages = {main_text(client.submit(FIND, {"nir": nir, "nir_again": nir, "vitale_serial": serial}))
             for nir, serial in ((FATIMA.nir, MARCEL.vitale_serial), (MARCEL.nir, MARCEL.vitale_serial),
                                 (UNKNOWN_NIR, "1234567890123456"))}
    assert len(pages) == 1


def test_the_nir_must_be_typed_twice_the_same(client, notifier):
    pro_log_in(client, notifier, DESK_AGENT)
    page = find(client, FATIMA, nir_again=MARCEL.nir)
    assert "ne sont pas les mêmes" in field_error(page.soup, "nir_again")
    assert client.get(CARD).headers["Location"] == FIND
    empty = client.submit(FIND, {})
    assert empty.soup.title.get_text().startswith("Erreur : ")


# -- the actions ----------------------------------------------------------------------------------

def letter_text(client) -> str:
    letter = client.get(LETTER)
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(letter.data)) as pdf:
        return " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)


def test_a_new_letter_replaces_the_password_ends_the_sessions_and_restarts_the_first_connection(
        client, notifier, app):
    patient = other_client(app)
    assert log_in(patient, notifier, DEMO_LOGIN["login_id"], DEMO_LOGIN["password"]).headers["Location"] == "/mon-dmp"
    assert patient.get("/mon-dmp").status_code == 200
    helping(client, notifier)
    assert client.get(LETTER_PAGE).status_code == 404  # no letter made yet
    response = post(client, "/pro/aider/nouvelle-lettre")
    assert response.headers["Location"] == LETTER_PAGE
    page = client.get(LETTER_PAGE)
    login_id = page.soup.find(id="identifiant").get_text(strip=True)
    grouped = page.soup.find(id="mot-de-passe").get_text(strip=True)  # in groups of 4, as printed
    password = grouped.replace(" ", "")
    assert login_id == DEMO_LOGIN["login_id"] and len(password) == 12
    text = letter_text(client)
    assert login_id in text and FATIMA.full_name in text

    assert patient.get("/mon-dmp").status_code == 302  # her session ended
    assert account(app).first_connection_step == 1
    old = other_client(app).submit("/connexion", {"login_id": login_id, "password": DEMO_LOGIN["password"]})
    assert old.status_code == 200  # the old password: refused, the form again
    landing = log_in(other_client(app), notifier, login_id, grouped)  # typed with its spaces, it logs in
    assert landing.headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"
    assert history_text(app, "desk_letter_printed").startswith(
        "Nadia Benoît (agent d'accueil de la caisse) a fait une nouvelle lettre avec un nouveau mot de passe le ")


def test_the_mobile_or_the_e_mail_is_changed(client, notifier, app):
    helping(client, notifier)
    empty = client.submit(CONTACT, {"mobile": "", "email": ""})
    assert "Écrivez un nouveau portable ou une nouvelle adresse e-mail" in field_error(empty.soup, "email")
    wrong = client.submit(CONTACT, {"mobile": "01 23", "email": ""})
    assert wrong.soup.title.get_text().startswith("Erreur : ")
    assert client.submit(CONTACT, {"mobile": "07 11 22 33 44", "email": ""}).headers["Location"] == ACTIONS
    assert (account(app).mobile, account(app).email) == ("0711223344", DEMO_LOGIN["email"])
    assert client.submit(CONTACT, {"mobile": "", "email": "f.roche@example.org"}).headers["Location"] == ACTIONS
    assert (account(app).mobile, account(app).email) == ("0711223344", "f.roche@example.org")
    notes = [e.detail.get("note") for e in desk_entries(app, "desk_contact_changed")]
    assert notes == ["mobile_changed", "email_changed"]
    texts = [history.describe(e, titles={}, professionals={}).text for e in desk_entries(app, "desk_contact_changed")]
    assert all("a changé votre portable ou votre e-mail le " in t for t in texts)


def test_the_identifier_is_sent_again(client, notifier, app):
    helping(client, notifier)
    refused = post(client, IDENTIFIER)
    assert refused.status_code == 400
    assert "Choisissez comment envoyer l’identifiant" in field_error(refused.soup, "channel")
    sent = post(client, IDENTIFIER, {"channel": "sms"})
    assert sent.headers["Location"] == ACTIONS
    assert "L’identifiant est envoyé par SMS." in main_text(client.get(ACTIONS))
    message = notifier.outbox[-1]
    assert message.to == DEMO_LOGIN["mobile"] and DEMO_LOGIN["login_id"] in message.body
    [entry] = desk_entries(app, "desk_identifier_sent")
    assert entry.detail["note"] == "by_sms"
    assert history_text(app, "desk_identifier_sent").startswith(
        "Nadia Benoît (agent d'accueil de la caisse) a envoyé de nouveau votre identifiant le ")


def test_the_dmp_is_closed_and_reopened_at_the_person_s_request(client, notifier, app):
    helping(client, notifier)
    assert client.get(CLOSE).status_code == 200
    assert post(client, CLOSE).headers["Location"] == ACTIONS
    assert dossier(app).status == "closed"
    assert "Son DMP est fermé." in main_text(client.get(ACTIONS))
    assert history_text(app, "desk_dossier_closed").startswith(
        "Nadia Benoît (agent d'accueil de la caisse) a fermé votre DMP à votre demande le ")
    assert post(client, REOPEN).headers["Location"] == ACTIONS
    assert dossier(app).status == "open"
    assert history_text(app, "desk_dossier_reopened").endswith("C’était à l’accueil de la caisse : CPAM de Paris.")
    # the patient reads these lines in their history
    patient = other_client(app)
    log_in(patient, notifier, DEMO_LOGIN["login_id"], DEMO_LOGIN["password"])
    page = main_text(patient.get("/mon-dmp/historique?acces=tous"))
    assert "a fermé votre DMP à votre demande" in page and "a rouvert votre DMP à votre demande" in page


def test_the_end_of_the_visit_forgets_the_card(client, notifier):
    helping(client, notifier)
    assert post(client, END).headers["Location"] == "/pro"
    assert client.get(ACTIONS).headers["Location"] == FIND


def test_the_forms_need_their_csrf_token(client, notifier, app):
    helping(client, notifier)
    for path in POST_ROUTES:
        assert client.post(path, data={"channel": "sms", "seen": "y", "mobile": "0711223344"}).status_code == 400
    assert dossier(app).status == "open" and account(app).mobile == DEMO_LOGIN["mobile"]


# -- who is refused -------------------------------------------------------------------------------

def _tries_every_route(client, app):
    token = client.csrf_token("/pro")
    pages = [client.get(path) for path in GET_ROUTES]
    pages += [client.post(path, data={"csrf_token": token, "nir": FATIMA.nir, "nir_again": FATIMA.nir,
                                      "vitale_serial": FATIMA.vitale_serial, "seen": "y", "channel": "sms"})
              for path in POST_ROUTES]
    assert desk_entries(app) == [] and dossier(app).status == "open"
    return pages


@pytest.mark.parametrize("login_id", [PHARMACIEN, MEDECIN])
def test_a_professional_is_refused_on_every_route(client, notifier, app, login_id):
    pro_log_in(client, notifier, login_id)
    assert client.get("/pro").soup.main.find("a", href=FIND) is None
    for page in _tries_every_route(client, app):
        assert page.status_code == 403
        assert REASONS["desk_agents_only"] in main_text(page)


def test_a_mutual_insurer_is_refused_on_every_route(client, notifier, app):
    pro_log_in(client, notifier, MUTUELLE)
    for page in _tries_every_route(client, app):
        assert page.status_code == 403
        assert REASONS["forbidden_actor"] in main_text(page)


def test_a_logged_in_patient_is_refused_on_every_route(client, notifier, app):
    log_in(client, notifier, DEMO_LOGIN["login_id"], DEMO_LOGIN["password"])
    for page in _tries_every_route(client, app):
        assert page.status_code == 403


def test_someone_not_logged_in_is_sent_to_the_professionals_login(client):
    for path in GET_ROUTES:
        assert client.get(path).headers["Location"] == "/pro/connexion"


# -- the limit ------------------------------------------------------------------------------------

def test_the_search_answers_429_after_20_tries_an_hour(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    app.test_client_class = CheckedClient
    client = app.test_client()
    pro_log_in(client, app.extensions["dmp.notifier"], DESK_AGENT)
    token = client.csrf_token(FIND)
    statuses = [client.post(FIND, data={"csrf_token": token, "nir": FATIMA.nir, "nir_again": FATIMA.nir,
                                        "vitale_serial": f"{n:016d}"}).status_code for n in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    assert client.get(FIND).status_code == 200  # the page itself is not counted


def test_the_pages_are_easy_to_read(client, notifier, app):
    from dmp_web.texts.page_text import check_page

    def easy(response):
        findings = check_page(response.get_data(as_text=True)).findings
        assert findings == (), [(f.code, f.text) for f in findings]

    pro_log_in(client, notifier, DESK_AGENT)
    easy(client.get("/pro"))
    easy(client.get(FIND))
    easy(client.submit(FIND, {}))
    easy(find(client, FATIMA, nir_again=MARCEL.nir))
    easy(find(client, FATIMA, serial=MARCEL.vitale_serial))
    find(client, FATIMA)
    easy(client.get(CARD))
    easy(client.submit(CARD, {}))
    client.submit(CARD, {"seen": "y"})
    easy(client.get(ACTIONS))
    easy(post(client, IDENTIFIER))
    easy(client.get(CONTACT))
    easy(client.submit(CONTACT, {}))
    easy(client.get(CLOSE))
    post(client, "/pro/aider/nouvelle-lettre")
    easy(client.get(LETTER_PAGE))
    post(client, CLOSE)
    easy(client.get(ACTIONS))  # closed: the reopen button
    post(client, END)
    pro_log_in(other := other_client(app), notifier, PHARMACIEN)
    easy(other.get(FIND))  # the refusal
