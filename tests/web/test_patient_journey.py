"""The whole patient journey with no JavaScript: ask a code, create, letter, log in, first
connection, log out, log in again; and every step is in the dossier's journal."""
import io

import pdfplumber

from dmp_web.formatting import group_code

from ..conftest import field_error
from .patient_journey import (EMERGENCY_SWITCHES, MARCEL, NEW_PASSWORD, answer_emergency, create_dossier,
                              first_connection, log_in)
from .test_desk_creation import DESK_AGENT, create_at_desk, other_client, pro_log_in

BOTH_STORES = True  # the journey runs on the file store and on PostgreSQL


def test_the_whole_journey_works_without_javascript(client, notifier, app):
    sent = client.submit("/creer/code", {"nir": MARCEL.nir, "nir_confirm": MARCEL.nir}, follow_redirects=True)
    assert "Si ce numéro peut avoir un DMP, nous envoyons un code" in sent.soup.main.get_text(" ")
    assert notifier.outbox[-1].to == MARCEL.email

    created = create_dossier(client, notifier)
    assert len(created.login_id) == 7 and len(created.initial_password) == 12

    letter = client.get("/creer/lettre.pdf")
    assert letter.mimetype == "application/pdf"
    assert letter.headers["Content-Disposition"].startswith("attachment")
    with pdfplumber.open(io.BytesIO(letter.data)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert created.login_id in text
    assert "127.0.0.1:5000" in text  # the site to type is this deployment's (DMP_SITE_URL)

    landing = log_in(client, notifier, created.login_id, created.initial_password)
    assert notifier.outbox[-1].to == "0612345678"  # the code went by SMS to the mobile given
    assert landing.headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"
    assert client.get("/mon-dmp").headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"

    done = first_connection(client, created)
    assert done.headers["Location"] == "/mon-dmp"
    home = client.get("/mon-dmp").soup
    assert "Bonjour Marcel DUPUIS." in home.main.get_text(" ")

    out = client.post("/deconnexion", data={"csrf_token": client.csrf_token("/mon-dmp")}, follow_redirects=True)
    assert "La connexion est fermée." in out.soup.select_one("[aria-live]").get_text()
    assert client.get("/mon-dmp").headers["Location"].startswith("/connexion")

    again = log_in(client, notifier, created.login_id, NEW_PASSWORD)
    assert notifier.outbox[-1].to == "marcel@example.org"  # codes now go by e-mail, as chosen
    assert again.headers["Location"] == "/mon-dmp"

    dossier = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir)
    assert dossier.consent.given_by == "holder" and dossier.consent.channel == "online"
    assert (dossier.regulator_access, dossier.break_glass_access, dossier.hidden_in_emergency) == (True, True, False)
    actions = [e.action for e in app.extensions["dmp.repos"].journal.entries(dossier.id)]
    assert actions == [
        "dossier_created",
        "login_password_ok", "otp_sent", "login_succeeded",
        "contact_changed", "password_changed", "otp_channel_changed",
        "emergency_access_set", "emergency_access_set", "emergency_access_set", "first_connection_done",
        "logout",
        "login_password_ok", "otp_sent", "login_succeeded",
    ]


def test_the_credentials_page_is_gone_for_another_browser(client, notifier, app):
    create_dossier(client, notifier)
    other = app.test_client()
    assert other.get("/creer/termine").status_code == 404
    assert other.get("/creer/lettre.pdf").status_code == 404


def test_without_an_email_the_creation_code_is_a_letter_queued_for_the_post(client, notifier, app):
    from .patient_journey import JEANNE

    page = client.submit("/creer/code", {"nir": JEANNE.nir, "nir_confirm": JEANNE.nir}, follow_redirects=True)
    text = page.soup.main.get_text(" ")
    assert "par courrier" in text and "La lettre arrive en 7 jours au plus." in text
    letters = notifier.letters.list()
    assert len(letters) == 1 and letters[0]["kind"] == "creation_code"
    assert letters[0]["address"] == ["Jeanne Marie MARTIN", "12 rue des Lilas", "75020 Paris"]
    assert notifier.outbox == []


# -- one contact, or none (issue 17, item 2) ---------------------------------------------------

STEP_1, STEP_2, STEP_3 = (
    "/mon-dmp/premiere-connexion/coordonnees", "/mon-dmp/premiere-connexion/mot-de-passe",
    "/mon-dmp/premiere-connexion/urgence",
)


def _log_out(client, page="/mon-dmp"):
    client.post("/deconnexion", data={"csrf_token": client.csrf_token(page)})


def _contacts(client, mobile="", email=""):
    return client.submit(STEP_1, {"mobile": mobile, "mobile_confirm": mobile, "email": email, "email_confirm": email})


def _password_step(client, current, channel=None):
    data = {"current_password": current, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    return client.submit(STEP_2, data if channel is None else {**data, "channel": channel})


def _account(app, person=MARCEL):
    repos = app.extensions["dmp.repos"]
    return repos.accounts.get(repos.dossiers.find_by_nir(person.nir).id)


def _main_text(response) -> str:
    return " ".join(response.soup.main.get_text(" ", strip=True).split())


def test_a_dmp_created_at_a_desk_with_a_mobile_only_finishes_the_first_connection(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    printed = create_at_desk(client, MARCEL, {"consent": "yes"}, mobile="0611111111")
    patient = other_client(app)
    assert log_in(patient, notifier, printed.login_id, printed.initial_password).headers["Location"] == STEP_1
    page = patient.get(STEP_1)
    assert "Donnez votre téléphone portable, ou votre e-mail, ou les 2." in _main_text(page)
    assert "obligatoires" not in _main_text(page)

    assert _contacts(patient, mobile="06 11 11 11 11").headers["Location"] == STEP_2
    step_2 = patient.get(STEP_2)
    assert not step_2.soup.find("input", attrs={"name": "channel"})  # one contact: no question
    assert step_2.soup.find(id="canal").get_text(" ", strip=True) == (
        "Vos codes de connexion arriveront par SMS sur votre portable : 0611111111.")
    assert _password_step(patient, printed.initial_password).headers["Location"] == STEP_3
    assert answer_emergency(patient, STEP_3, EMERGENCY_SWITCHES).headers["Location"] == "/mon-dmp"
    _log_out(patient)

    assert log_in(patient, notifier, printed.login_id, NEW_PASSWORD).headers["Location"] == "/mon-dmp"
    assert notifier.outbox[-1].to == "0611111111"
    account = _account(app)
    assert (account.mobile, account.email, account.otp_channel) == ("0611111111", "", "sms")


def test_a_first_connection_with_an_email_only_sends_the_next_codes_by_email(client, notifier, app):
    created = create_dossier(client, notifier)  # created with a mobile: its codes went by SMS
    log_in(client, notifier, created.login_id, created.initial_password)
    assert _contacts(client, email="marcel@example.org").headers["Location"] == STEP_2
    _log_out(client, STEP_2)  # stopped after step 1: the codes already follow the one contact left
    assert log_in(client, notifier, created.login_id, created.initial_password).headers["Location"] == STEP_2
    assert notifier.outbox[-1].to == "marcel@example.org"

    step_2 = client.get(STEP_2)
    assert not step_2.soup.find("input", attrs={"name": "channel"})
    assert step_2.soup.find(id="canal").get_text(" ", strip=True) == (
        "Vos codes de connexion arriveront par e-mail à l’adresse : marcel@example.org.")
    assert _password_step(client, created.initial_password, channel="sms").headers["Location"] == STEP_3  # forged
    assert answer_emergency(client, STEP_3, EMERGENCY_SWITCHES).headers["Location"] == "/mon-dmp"
    _log_out(client)
    assert log_in(client, notifier, created.login_id, NEW_PASSWORD).headers["Location"] == "/mon-dmp"
    assert notifier.outbox[-1].to == "marcel@example.org"
    account = _account(app)
    assert (account.mobile, account.email, account.otp_channel) == ("", "marcel@example.org", "email")


def test_with_both_contacts_step_2_asks_for_the_channel(client, notifier):
    created = create_dossier(client, notifier)
    log_in(client, notifier, created.login_id, created.initial_password)
    _contacts(client, mobile="0612345678", email="marcel@example.org")
    radios = client.get(STEP_2).soup.find_all("input", attrs={"name": "channel"})
    assert [r["value"] for r in radios] == ["sms", "email"]


def test_a_first_connection_without_any_contact_is_refused_plainly(client, notifier, app):
    created = create_dossier(client, notifier)
    log_in(client, notifier, created.login_id, created.initial_password)
    refused = _contacts(client)
    assert refused.status_code == 200
    assert field_error(refused.soup, "mobile") == (
        "Écrivez votre numéro de portable ou votre adresse e-mail. Il en faut au moins 1")
    assert client.get("/mon-dmp").headers["Location"] == STEP_1  # still at step 1
    assert _account(app).mobile == "0612345678"  # nothing saved


# -- the initial password typed in its groups of 4 (issue 17, item 5) ----------------------------

def test_the_initial_password_typed_in_groups_logs_in_and_passes_step_2(client, notifier, app):
    created = create_dossier(client, notifier)
    grouped = group_code(created.initial_password)  # as the letter prints it: «78AZ K2KG SWWF»
    assert grouped.count(" ") == 2
    assert log_in(client, notifier, created.login_id, grouped).headers["Location"] == STEP_1
    _contacts(client, mobile="0612345678")
    assert _password_step(client, f" {grouped} ").headers["Location"] == STEP_3
    assert not _account(app).on_initial_password


def test_a_wrong_password_typed_in_groups_still_counts_as_wrong(client, notifier, app):
    created = create_dossier(client, notifier)
    wrong = group_code(created.initial_password[:-1] + ("2" if created.initial_password[-1] != "2" else "3"))
    refused = client.submit("/connexion", {"login_id": created.login_id, "password": wrong})
    assert refused.status_code == 200 and _account(app).failed_passwords == 1

    log_in(client, notifier, created.login_id, created.initial_password)
    _contacts(client, mobile="0612345678")
    at_step_2 = _password_step(client, wrong)
    assert field_error(at_step_2.soup, "current_password") == "Ce mot de passe n’est pas le bon. Vérifiez votre lettre"
    assert _account(app).failed_passwords == 1  # the right one in between set the count back to 0
    dossier_id = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir).id
    actions = [e.action for e in app.extensions["dmp.repos"].journal.entries(dossier_id)]
    assert actions.count("login_password_wrong") == 2


def test_a_chosen_password_keeps_its_spaces(client, notifier, app):
    created = create_dossier(client, notifier)
    log_in(client, notifier, created.login_id, created.initial_password)
    first_connection(client, created)
    _log_out(client)
    refused = client.submit("/connexion", {"login_id": created.login_id, "password": NEW_PASSWORD.replace(" ", "")})
    assert refused.status_code == 200 and _account(app).failed_passwords == 1


# -- an interrupted first connection (issue 17, item 5) ------------------------------------------

def test_an_interrupted_first_connection_resumes_and_never_asks_for_a_second_password_change(client, notifier, app):
    created = create_dossier(client, notifier)
    log_in(client, notifier, created.login_id, created.initial_password)
    _contacts(client, mobile="0612345678", email="marcel@example.org")
    assert _password_step(client, created.initial_password, channel="email").headers["Location"] == STEP_3
    _log_out(client, STEP_3)

    assert log_in(client, notifier, created.login_id, NEW_PASSWORD).headers["Location"] == STEP_3
    assert notifier.outbox[-1].to == "marcel@example.org"
    assert client.get("/mon-dmp").headers["Location"] == STEP_3
    assert client.get(STEP_2).headers["Location"] == STEP_3  # the password is replaced once
    again = {"csrf_token": client.csrf_token(STEP_3), "current_password": NEW_PASSWORD,
             "new_password": NEW_PASSWORD + " bis", "new_password_confirm": NEW_PASSWORD + " bis", "channel": "sms"}
    assert client.post(STEP_2, data=again).headers["Location"] == STEP_3
    assert client.get(STEP_1).status_code == 200  # the contacts can still be corrected…
    assert _contacts(client, mobile="0612345678").headers["Location"] == STEP_3  # …then on to step 3
    assert _account(app).otp_channel == "sms"  # the e-mail is gone: the codes follow the mobile
    assert answer_emergency(client, STEP_3, EMERGENCY_SWITCHES).headers["Location"] == "/mon-dmp"
    dossier_id = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir).id
    actions = [e.action for e in app.extensions["dmp.repos"].journal.entries(dossier_id)]
    assert actions.count("password_changed") == 1
