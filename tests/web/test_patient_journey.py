"""The whole patient journey with no JavaScript: ask a code, create, letter, log in, first
connection, log out, log in again; and every step is in the dossier's journal."""
import io

import pdfplumber

from .patient_journey import MARCEL, NEW_PASSWORD, create_dossier, first_connection, log_in

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
    assert "Vous êtes déconnecté" in out.soup.select_one("[aria-live]").get_text()
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
