"""Creating a DMP with a professional, through the test client (no JavaScript): a desk agent
for an adult, a pharmacien for a minor with the legal representative, every error state, the
consent refused, and the actors the policy keeps out."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pdfplumber
import pytest

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD, INSURED
from dmp_web.domain.access import REASONS
from dmp_web.domain.identity import nir_key

from ..conftest import CheckedClient, field_error
from .patient_journey import log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

MARCEL = next(p for p in INSURED if p.birth_name == "DUPUIS")  # an adult with no DMP yet
LUCAS = next(p for p in INSURED if p.birth_name == "MOREAU")  # a minor, born in 2012
JEANNE = next(p for p in INSURED if p.birth_name == "MARTIN")
FATIMA = next(p for p in INSURED if p.nir == DEMO_LOGIN["nir"])  # she already has a DMP
UNKNOWN_NIR = "1850549588157" + f"{nir_key('1850549588157'):02d}"  # a valid number no one has

DESK_AGENT, PHARMACIEN, MEDECIN, INFIRMIER, MUTUELLE = (
    "cpam0001", "10001000032", "10001000016", "10001000040", "mutuelle01",
)
REPRESENTATIVE = "Sophie MOREAU"

START, CONSENT, CONTACT, DONE, LETTER, DECLINED = (
    "/pro/creer", "/pro/creer/accord", "/pro/creer/telephone", "/pro/creer/termine",
    "/pro/creer/lettre.pdf", "/pro/creer/pas-cree",
)
REPRESENTATIVE_PAGE = "/pro/creer/representant"  # a minor's: the representative, before the consent
GET_ROUTES = [START, REPRESENTATIVE_PAGE, CONSENT, CONTACT, DONE, LETTER, DECLINED]
POST_ROUTES = [START, REPRESENTATIVE_PAGE, CONSENT, CONTACT]


@dataclass
class Printed:
    login_id: str
    initial_password: str


def pro_log_in(client, notifier, login_id: str):
    response = client.submit("/pro/connexion", {"login_id": login_id, "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/pro/connexion/code"
    assert client.submit("/pro/connexion/code", {"code": notifier.last_otp()}).headers["Location"] == "/pro"


def show_card(client, person):
    return client.submit(START, {"nir": person.nir, "vitale_serial": person.vitale_serial})


def give_consent(client, answers: dict):
    """The consent step: for a minor, the representative's page first; then the question, whose
    answer is the button pressed (« Oui » / « Non », sent as consent=yes / no)."""
    representative = {k: v for k, v in answers.items() if k.startswith("representative_")}
    if representative:
        assert client.submit(REPRESENTATIVE_PAGE, representative).headers["Location"] == CONSENT
    return client.submit(CONSENT, {"consent": answers["consent"]})


def create_at_desk(client, person, consent: dict, mobile="06 12 34 56 78", email="") -> Printed:
    expected = REPRESENTATIVE_PAGE if "representative_name" in consent else CONSENT
    assert show_card(client, person).headers["Location"] == expected
    assert give_consent(client, consent).headers["Location"] == CONTACT
    response = client.submit(CONTACT, {"mobile": mobile, "email": email})
    assert response.headers["Location"] == DONE, response.get_data(as_text=True)[:2000]
    page = client.get(DONE).soup
    return Printed(
        page.find(id="identifiant").get_text(strip=True),
        page.find(id="mot-de-passe").get_text(strip=True).replace(" ", ""),
    )


def letter_text(client) -> str:
    letter = client.get(LETTER)
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(letter.data)) as pdf:
        return " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)


def main_text(response) -> str:
    return " ".join(response.soup.main.get_text(" ", strip=True).split())


def dossier_of(app, person):
    return app.extensions["dmp.repos"].dossiers.find_by_nir(person.nir)


def journal_of(app, dossier):
    return app.extensions["dmp.repos"].journal.entries(dossier.id)


def other_client(app) -> CheckedClient:
    app.test_client_class = CheckedClient
    return app.test_client()


# -- the two journeys ---------------------------------------------------------------------------

def test_a_desk_agent_creates_an_adult_s_dmp_and_prints_the_letter(client, notifier, app, clock):
    pro_log_in(client, notifier, DESK_AGENT)
    home = client.get("/pro")
    assert home.soup.main.find("a", string="Créer un DMP")["href"] == START

    consent_page = client.get(show_card(client, MARCEL).headers["Location"])
    assert consent_page.soup.h1.get_text(strip=True) == "L’accord de la personne"
    assert consent_page.soup.find(id="personne").get_text(strip=True) == "Marcel DUPUIS"
    legend = consent_page.soup.find("legend").get_text(" ", strip=True)
    assert legend == "La personne accepte-t-elle la création de son DMP ?"

    printed = create_at_desk(client, MARCEL, {"consent": "yes"}, email="marcel@example.org")
    done = client.get(DONE)
    assert "Le DMP de Marcel DUPUIS est créé." in main_text(done)
    link = done.soup.main.find("a", string="Imprimer la lettre (PDF)")
    assert link["href"] == LETTER
    assert len(printed.login_id) == 7 and len(printed.initial_password) == 12

    text = letter_text(client)
    assert printed.login_id in text and "Marcel DUPUIS" in text
    assert "représentant légal" not in text

    dossier = dossier_of(app, MARCEL)
    consent = dossier.consent
    assert (consent.given_by, consent.recorded_by, consent.channel) == ("holder", "Nadia Benoît", "desk")
    assert consent.at == clock.current and consent.representative_name == ""
    account = app.extensions["dmp.repos"].accounts.get(dossier.id)
    assert (account.mobile, account.email, account.otp_channel) == ("0612345678", "marcel@example.org", "sms")
    [entry] = journal_of(app, dossier)
    assert (entry.action, entry.actor_kind, entry.actor_id, entry.actor_name) == (
        "dossier_created", "desk_agent", "cpam0001", "Nadia Benoît")
    assert entry.allowed and entry.reason == REASONS["creation_by_desk_agent"]
    assert entry.detail == {"code": "creation_by_desk_agent", "note": "created_at_desk", "consent": {
        "given_by": "holder", "channel": "desk", "asked_by": "Nadia Benoît", "place": "CPAM de Paris"}}


def test_a_pharmacist_creates_a_minor_s_dmp_with_the_legal_representative_s_consent(client, notifier, app):
    pro_log_in(client, notifier, PHARMACIEN)
    show_card(client, LUCAS)
    assert client.get(CONSENT).headers["Location"] == REPRESENTATIVE_PAGE  # who answers, first
    representative_page = client.get(REPRESENTATIVE_PAGE)
    assert "Cette personne a moins de 18 ans." in main_text(representative_page)
    answers = {
        "representative_name": f"  {REPRESENTATIVE} ", "representative_link": "mother", "consent": "yes",
    }
    who = {"representative_name": answers["representative_name"], "representative_link": "mother"}
    assert client.submit(REPRESENTATIVE_PAGE, who).headers["Location"] == CONSENT
    consent_page = client.get(CONSENT)
    assert consent_page.soup.h1.get_text(strip=True) == "L’accord du représentant légal"
    assert consent_page.soup.find(id="representant").get_text(strip=True) == REPRESENTATIVE
    assert client.submit(CONSENT, {"consent": "yes"}).headers["Location"] == CONTACT
    contact_page = client.get(CONTACT)
    assert contact_page.soup.find("label", attrs={"for": "mobile"}).get_text(strip=True) == (
        "Portable du représentant légal")
    assert f"les codes vont à {REPRESENTATIVE}, son représentant légal" in main_text(contact_page)

    printed = create_at_desk(client, LUCAS, answers, mobile="0798765432")
    done = main_text(client.get(DONE))
    assert "Le DMP de Lucas MOREAU est créé." in done
    assert f"Donnez la lettre à {REPRESENTATIVE}, son représentant légal." in done

    text = letter_text(client)
    assert printed.login_id in text
    assert "Cette lettre est pour le représentant légal de Lucas MOREAU." in text
    assert text.index(REPRESENTATIVE) < text.index("Identifiant et mot de passe")  # the addressee

    dossier = dossier_of(app, LUCAS)
    consent = dossier.consent
    assert (consent.given_by, consent.recorded_by, consent.channel, consent.representative_name) == (
        "legal_representative", "Claire Petit (pharmacienne)", "pharmacy", REPRESENTATIVE)
    [representative] = dossier.representatives
    assert (representative.id, representative.full_name, representative.link, representative.slot) == (
        "r1", REPRESENTATIVE, "mother", "")
    assert app.extensions["dmp.repos"].accounts.get(dossier.id).mobile == "0798765432"
    [entry] = journal_of(app, dossier)
    assert (entry.action, entry.actor_kind, entry.actor_id) == ("dossier_created", "professional", PHARMACIEN)
    assert entry.reason == REASONS["creation_by_professional"]
    assert entry.detail == {"code": "creation_by_professional", "note": "created_at_desk", "consent": {
        "given_by": "legal_representative", "channel": "pharmacy", "asked_by": "Claire Petit (pharmacienne)",
        "place": "Pharmacie des Lilas, Paris", "representative": REPRESENTATIVE, "link": "mother"}}


@pytest.mark.parametrize("login_id, channel", [
    (DESK_AGENT, "desk"), (PHARMACIEN, "pharmacy"), (MEDECIN, "doctor"), (INFIRMIER, "doctor"),
])
def test_the_consent_records_where_it_was_asked(client, notifier, app, login_id, channel):
    pro_log_in(client, notifier, login_id)
    create_at_desk(client, JEANNE, {"consent": "yes"})
    assert dossier_of(app, JEANNE).consent.channel == channel


def test_the_patient_logs_in_with_the_printed_identifier_and_password(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    printed = create_at_desk(client, MARCEL, {"consent": "yes"}, mobile="0611111111")
    patient = other_client(app)
    landing = log_in(patient, notifier, printed.login_id, printed.initial_password)
    assert landing.headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"
    assert notifier.outbox[-1].to == "0611111111"  # the code went by SMS to the mobile typed at the desk


def test_the_legal_representative_logs_in_to_the_minor_s_dmp_with_the_letter(client, notifier, app):
    pro_log_in(client, notifier, PHARMACIEN)
    printed = create_at_desk(client, LUCAS, {
        "representative_name": REPRESENTATIVE, "representative_link": "tuteur", "consent": "yes",
    }, mobile="0798765432")
    assert dossier_of(app, LUCAS).representatives[0].link == "tuteur"
    landing = log_in(other_client(app), notifier, printed.login_id, printed.initial_password)
    assert landing.headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"
    assert notifier.outbox[-1].to == "0798765432"


def test_a_minor_is_judged_on_today_s_date(client, notifier, clock):
    clock.advance(days=365 * 4)  # Lucas, born in January 2012, is 18 in November 2030
    pro_log_in(client, notifier, DESK_AGENT)
    show_card(client, LUCAS)
    assert client.get(CONSENT).soup.h1.get_text(strip=True) == "L’accord de la personne"


def test_the_credentials_are_shown_to_this_browser_only_and_go_with_the_next_person(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    create_at_desk(client, MARCEL, {"consent": "yes"})
    other = other_client(app)
    pro_log_in(other, notifier, PHARMACIEN)
    assert other.get(DONE).status_code == 404
    assert other.get(LETTER).status_code == 404
    show_card(client, JEANNE)  # the next person at the desk
    assert client.get(DONE).status_code == 404
    assert client.get(LETTER).status_code == 404


def test_a_step_cannot_be_skipped(client, notifier):
    pro_log_in(client, notifier, DESK_AGENT)
    assert client.get(CONSENT).headers["Location"] == START
    assert client.get(CONTACT).headers["Location"] == START
    show_card(client, MARCEL)
    assert client.get(CONTACT).headers["Location"] == CONSENT
    assert client.get(DONE).status_code == 404


# -- error states -------------------------------------------------------------------------------

@pytest.mark.parametrize("nir, serial, field, message", [
    (UNKNOWN_NIR, "1234567890123456", "nir",
     "Cette personne n’est pas connue de l’Assurance Maladie. Vérifiez le numéro sur la carte"),
    (MARCEL.nir, JEANNE.vitale_serial, "vitale_serial",
     "Ce numéro de série n’est pas celui de la carte de cette personne. Vérifiez les 2 numéros"),
    (FATIMA.nir, FATIMA.vitale_serial, "nir",
     "Cette personne a déjà un DMP. Elle peut se connecter avec son identifiant"),
    ("", "", "nir", "Écrivez le numéro de sécurité sociale de la personne"),
    ("", "", "vitale_serial", "Écrivez le numéro de série de sa carte"),
    ("148086912304583", "1234567890123456", "nir",  # a wrong key: the message speaks of their card
     "Ce numéro de sécurité sociale n’existe pas. Vérifiez les 2 derniers chiffres sur sa carte"),
    ("1480869123", "22345", "nir", "Le numéro de sécurité sociale a 15 chiffres. Vous en avez écrit 10"),
    ("1480869123", "22345", "vitale_serial", "Le numéro de série a 16 chiffres. Vous en avez écrit 5"),
])
def test_the_vitale_card_step_says_what_is_wrong(client, notifier, app, nir, serial, field, message):
    pro_log_in(client, notifier, DESK_AGENT)
    page = client.submit(START, {"nir": nir, "vitale_serial": serial})
    assert page.status_code == 200
    assert page.soup.title.get_text().startswith("Erreur : ")
    assert field_error(page.soup, field) == message
    assert message in page.soup.select_one(".error-summary").get_text(" ", strip=True)


def test_a_person_who_already_has_a_dmp_sees_the_attempt_in_the_history(client, notifier, app):
    pro_log_in(client, notifier, PHARMACIEN)
    dossier = dossier_of(app, FATIMA)
    before = len(journal_of(app, dossier))
    show_card(client, FATIMA)
    entries = journal_of(app, dossier)
    assert len(entries) == before + 1
    last = entries[-1]
    assert (last.action, last.allowed, last.actor_id, last.reason) == (
        "create_dossier", False, PHARMACIEN, REASONS["dossier_exists"])


def test_a_wrong_card_tells_nothing_about_an_existing_dmp(client, notifier, app):
    pro_log_in(client, notifier, PHARMACIEN)
    dossier = dossier_of(app, FATIMA)
    before = len(journal_of(app, dossier))
    page = client.submit(START, {"nir": FATIMA.nir, "vitale_serial": MARCEL.vitale_serial})
    assert field_error(page.soup, "vitale_serial").startswith("Ce numéro de série n’est pas celui")
    assert field_error(page.soup, "nir") == ""
    assert len(journal_of(app, dossier)) == before


def test_the_consent_question_must_be_answered(client, notifier):
    pro_log_in(client, notifier, DESK_AGENT)
    show_card(client, MARCEL)
    page = client.submit(CONSENT, {})
    assert page.soup.title.get_text().startswith("Erreur : ")
    assert field_error(page.soup, "consent") == "Appuyez sur Oui ou sur Non : la personne accepte-t-elle ?"


def test_a_minor_s_consent_needs_the_representative_s_name_link_and_answer(client, notifier):
    pro_log_in(client, notifier, PHARMACIEN)
    show_card(client, LUCAS)
    page = client.submit(REPRESENTATIVE_PAGE, {"representative_name": "   "})
    assert page.soup.title.get_text().startswith("Erreur : ")
    assert field_error(page.soup, "representative_name") == "Écrivez le prénom et le nom du représentant légal"
    assert field_error(page.soup, "representative_link") == (
        "Choisissez le lien avec l’enfant : mère, père, tutrice ou tuteur")
    page = client.submit(REPRESENTATIVE_PAGE, {"representative_name": "x" * 81, "representative_link": "mother"})
    assert field_error(page.soup, "representative_name") == "Écrivez au plus 80 caractères"
    assert client.submit(REPRESENTATIVE_PAGE, {"representative_name": REPRESENTATIVE, "representative_link": "mère"}
                         ).status_code == 200  # a forged link is refused
    assert client.submit(REPRESENTATIVE_PAGE, {"representative_name": REPRESENTATIVE, "representative_link": "mother"}
                         ).headers["Location"] == CONSENT
    page = client.submit(CONSENT, {})
    assert field_error(page.soup, "consent") == "Appuyez sur Oui ou sur Non : le représentant légal accepte-t-il ?"


@pytest.mark.parametrize("mobile, email, field, message", [
    ("", "", "mobile", "Écrivez le numéro de portable de la personne"),
    ("0112345678", "", "mobile", "Le numéro de portable commence par 06 ou 07"),
    ("06 12 34", "", "mobile", "Le numéro de portable a 10 chiffres. Vous en avez écrit 6"),
    ("0612345678", "marcel@", "email", "Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr"),
])
def test_the_mobile_step_says_what_is_wrong(client, notifier, app, mobile, email, field, message):
    pro_log_in(client, notifier, DESK_AGENT)
    show_card(client, MARCEL)
    client.submit(CONSENT, {"consent": "yes"})
    page = client.submit(CONTACT, {"mobile": mobile, "email": email})
    assert page.soup.title.get_text().startswith("Erreur : ")
    assert field_error(page.soup, field) == message
    assert dossier_of(app, MARCEL) is None


def test_a_minor_s_mobile_is_the_representative_s(client, notifier):
    pro_log_in(client, notifier, PHARMACIEN)
    show_card(client, LUCAS)
    give_consent(client, {"representative_name": REPRESENTATIVE, "representative_link": "mother", "consent": "yes"})
    page = client.submit(CONTACT, {"mobile": ""})
    assert field_error(page.soup, "mobile") == "Écrivez le numéro de portable du représentant légal"


def test_a_dmp_created_meanwhile_sends_the_professional_back_to_the_first_step(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    show_card(client, MARCEL)
    client.submit(CONSENT, {"consent": "yes"})
    other = other_client(app)
    pro_log_in(other, notifier, PHARMACIEN)
    create_at_desk(other, MARCEL, {"consent": "yes"})
    response = client.submit(START, {"mobile": "0612345678"}, action=CONTACT)
    assert response.headers["Location"] == START
    message = client.get(START).soup.select_one("[aria-live]").get_text(" ", strip=True)
    assert message == "Cette personne a déjà un DMP. Elle peut se connecter avec son identifiant."
    assert len(journal_of(app, dossier_of(app, MARCEL))) == 2  # created, then the refused attempt


# -- consent refused ----------------------------------------------------------------------------

@pytest.mark.parametrize("person, answers", [
    (MARCEL, {"consent": "no"}),
    (LUCAS, {"representative_name": REPRESENTATIVE, "representative_link": "mother", "consent": "no"}),
])
def test_when_the_answer_is_no_nothing_is_created(client, notifier, app, person, answers):
    pro_log_in(client, notifier, PHARMACIEN)
    show_card(client, person)
    response = give_consent(client, answers)
    assert response.headers["Location"] == DECLINED
    page = client.get(DECLINED)
    assert page.soup.h1.get_text(strip=True) == "Le DMP n’est pas créé"
    assert "Aucun DMP n’est créé." in main_text(page)
    assert dossier_of(app, person) is None
    assert client.get(CONTACT).headers["Location"] == START  # the journey is over
    assert client.get(DONE).status_code == 404
    assert len(notifier.outbox) == 1  # the professional's login code: nothing went to the person


# -- who is refused -----------------------------------------------------------------------------

def _tries_every_route(client, app):
    token = client.csrf_token(START)  # from the logout button of the refusal page
    answers = {
        START: {"nir": MARCEL.nir, "vitale_serial": MARCEL.vitale_serial},
        REPRESENTATIVE_PAGE: {"representative_name": REPRESENTATIVE, "representative_link": "mother"},
        CONSENT: {"consent": "yes"},
        CONTACT: {"mobile": "0612345678"},
    }
    pages = [client.get(path) for path in GET_ROUTES]
    pages += [client.post(path, data={"csrf_token": token, **answers[path]}) for path in POST_ROUTES]
    assert dossier_of(app, MARCEL) is None
    return pages


def test_a_mutual_insurer_is_refused_on_every_desk_route_and_nothing_is_created(client, notifier, app):
    pro_log_in(client, notifier, MUTUELLE)
    for page in _tries_every_route(client, app):
        assert page.status_code == 403
        assert REASONS["forbidden_actor"] in main_text(page)
        assert page.soup.find("form", action=START) is None


def test_a_logged_in_patient_is_refused_on_every_desk_route_and_nothing_is_created(client, notifier, app):
    log_in(client, notifier, DEMO_LOGIN["login_id"], DEMO_LOGIN["password"])
    for page in _tries_every_route(client, app):
        assert page.status_code == 403
        assert REASONS["creation_not_for_patient"] in main_text(page)


def test_someone_not_logged_in_is_sent_to_the_professionals_login(client, app):
    for path in GET_ROUTES:
        assert client.get(path).headers["Location"] == "/pro/connexion"
    assert dossier_of(app, MARCEL) is None
