"""The patient journey in Chromium: zero axe violations and our layout rules on every step and
every error state, and every journey step of the app visited."""
from __future__ import annotations

import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ..pages import journey_steps_of
from ..web.patient_journey import EMERGENCY_SWITCHES, MARCEL, NEW_PASSWORD
from .harness import click_and_wait


def second_session(app, login_id: str, password: str):
    """A session of the same account in another browser (the test client), logged in."""
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/connexion", data={"csrf_token": token, "login_id": login_id, "password": password})
    page = client.get("/connexion/code").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    code = app.extensions["dmp.notifier"].last_otp()
    assert client.post("/connexion/code", data={"csrf_token": token, "code": code}).status_code == 302
    assert client.get("/mon-dmp").status_code == 200
    return client


def test_the_patient_journey_passes_axe_on_every_step_and_error(walker):
    w = walker
    w.go("/", "accueil")
    w.follow("Créer mon DMP", "créer votre DMP")
    w.follow("Je n’ai pas de code : le demander", "demander un code")
    w.submit({"nir": "1480869123", "nir_confirm": MARCEL.nir}, "demander un code : NIR trop court")
    assert w.title().startswith("Erreur : ")
    w.submit({"nir": MARCEL.nir, "nir_confirm": MARCEL.nir}, "code envoyé")
    assert "Si ce numéro peut avoir un DMP, nous envoyons un code" in w.browser.find_element(By.TAG_NAME, "main").text

    w.follow("J’ai mon code", "créer le DMP : le code")
    w.submit({}, "créer le DMP : code vide")  # one question per page, then « Vérifiez vos réponses »
    assert w.title().startswith("Erreur : ")
    w.submit({"code": "AAAABBBBCCCC"}, "créer le DMP : le numéro")
    w.submit({"nir": MARCEL.nir}, "créer le DMP : la carte")
    assert w.browser.find_elements(By.CSS_SELECTOR, "main input[type=radio]") == []  # nothing chosen by default
    w.submit_without_button("créer le DMP : carte sans réponse")
    assert w.title().startswith("Erreur : ")
    w.submit({}, "créer le DMP : le numéro de série",
             button="Avec photo" if MARCEL.vitale_type == "with_photo" else "Sans photo")
    w.submit({"vitale_serial": MARCEL.vitale_serial}, "créer le DMP : le contact")
    w.submit({"mobile": "0612345678", "email": "marcel@"}, "créer le DMP : contact faux")
    assert w.title().startswith("Erreur : ")
    w.submit({"email": ""}, "créer le DMP : l’accord")
    w.submit({"accept_terms": "y"}, "vérifiez vos réponses")
    w.submit({}, "vérifiez vos réponses : code faux", button="Créer mon DMP")
    assert w.title().startswith("Erreur : ")
    click_and_wait(w.browser, lambda: w.browser.find_element(By.CSS_SELECTOR, "#reponses a[href='/creer/dossier']"))
    w.check("créer le DMP : modifier le code")
    w.submit({"code": w.notifier.last_creation_code()}, "vérifiez vos réponses, code modifié")
    w.submit({}, "DMP créé", button="Créer mon DMP")
    login_id = w.text("identifiant")
    grouped = w.text("mot-de-passe")  # in groups of 4, as printed: typed so, it logs in
    password = grouped.replace(" ", "")
    pdf = w.browser.execute_async_script(
        "const done = arguments[0]; fetch('/creer/lettre.pdf').then(async (r) =>"
        " done([r.headers.get('content-type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5))]));"
    )
    assert pdf == ["application/pdf", "%PDF-"]

    w.follow("Me connecter", "connexion")
    w.submit({"login_id": login_id, "password": "mauvais"}, "connexion : mot de passe faux")
    w.submit({"login_id": login_id, "password": grouped}, "code de connexion")
    w.submit({"code": "12"}, "code de connexion : trop court")
    w.submit({"code": w.notifier.last_otp()}, "première connexion, étape 1")
    w.submit({"mobile": "", "mobile_confirm": "", "email": "", "email_confirm": ""}, "étape 1 : aucun contact")
    assert "Il en faut au moins 1" in w.text("mobile-error")
    w.submit({"mobile": "06", "mobile_confirm": "", "email": "x", "email_confirm": ""}, "étape 1 : erreurs")
    w.submit({"mobile": "0612345678", "mobile_confirm": "0612345678",
              "email": "marcel@example.org", "email_confirm": "marcel@example.org"}, "étape 2")
    w.submit({"current_password": password, "new_password": "court", "new_password_confirm": "court"},
             "étape 2 : mot de passe trop court")
    w.submit({"current_password": password, "new_password": NEW_PASSWORD,
              "new_password_confirm": NEW_PASSWORD, "channel": "email"}, "étape 3")
    assert w.browser.find_elements(By.CSS_SELECTOR, "main input[type=radio]") == []  # nothing chosen by default
    w.submit_without_button("étape 3 : sans choix")
    assert w.title().startswith("Erreur : ")
    w.press_answers(EMERGENCY_SWITCHES, "étape 3")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Mon DMP"
    w.follow("Mon médecin traitant", "mon médecin traitant")
    w.submit({"rpps": "123"}, "mon médecin traitant : RPPS trop court")
    w.submit({"rpps": "10001000016"}, "mon DMP, avec un médecin traitant")

    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, "//button[normalize-space()='Me déconnecter']"))
    w.check("déconnecté")
    w.go("/connexion", "connexion de nouveau")
    w.submit({"login_id": login_id, "password": NEW_PASSWORD}, "code de connexion, de nouveau")
    w.submit({}, "code vide", button="Recevoir un nouveau code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP, de nouveau")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Mon DMP"
    w.go("/session/avis", "avis de fin de session")
    w.browser.find_element(By.XPATH, "//button[normalize-space()='Rester connecté']").click()
    WebDriverWait(w.browser, 10).until(lambda b: "La connexion reste ouverte." in b.find_element(By.ID, "contenu").text)
    assert w.browser.current_url.endswith("/session/avis")  # htmx swapped the notice: no new page
    w.check("avis de fin de session : rester connecté (htmx)")
    w.go("/mon-dmp", "mon DMP, après l’avis")
    other = second_session(w.server.app, login_id, NEW_PASSWORD)  # the same person, on another computer
    w.follow("Mon compte", "mon compte")
    main = w.browser.find_element(By.TAG_NAME, "main").text
    assert "Votre DMP est ouvert sur 2 appareils." in main and "Chrome, Linux : cet appareil." in main
    w.submit({}, "mon compte : autres sessions fermées", button="Fermer toutes les autres sessions")
    assert "Vos autres sessions sont fermées." in w.browser.find_element(By.ID, "flash-area").text
    assert "Votre DMP est ouvert sur 1 appareil." in w.browser.find_element(By.TAG_NAME, "main").text
    assert other.get("/mon-dmp").status_code == 302  # that session is closed
    w.follow("Changer mon mot de passe", "changer mon mot de passe")
    w.submit({"current_password": "mauvais", "new_password": "court", "new_password_confirm": "autre"},
             "changer mon mot de passe : erreurs")
    assert w.title().startswith("Erreur : ")
    w.submit({"current_password": NEW_PASSWORD, "new_password": NEW_PASSWORD + " vert",
              "new_password_confirm": NEW_PASSWORD + " vert"}, "mon compte : mot de passe changé")
    assert "Votre mot de passe est changé." in w.browser.find_element(By.ID, "flash-area").text
    w.follow("Recevoir mes codes par SMS ou par e-mail", "mes codes")
    w.submit({"channel": "sms"}, "mon compte : codes par SMS")
    accounts = w.server.app.extensions["dmp.repos"].accounts
    dossier_id = accounts.find_by_login(login_id).dossier_id
    with accounts.updating(dossier_id) as account:
        email, account.email = account.email, ""
    w.go("/mon-dmp/compte/codes", "mes codes : sans e-mail")
    w.submit({"channel": "email"}, "mes codes : e-mail refusé")
    assert w.title().startswith("Erreur : ")
    with accounts.updating(dossier_id) as account:
        account.email = email

    # forgotten password and identifier, with their steps
    w.go("/mot-de-passe-oublie", "mot de passe oublié")
    w.submit({"login_id": login_id, "nir": MARCEL.nir}, "mot de passe oublié : code")
    w.submit({"code": "00000000" if w.notifier.last_otp() != "00000000" else "11111111"}, "code faux")
    w.submit({"code": w.notifier.last_otp()}, "nouveau mot de passe")
    w.submit({"new_password": "a", "new_password_confirm": "b"}, "nouveau mot de passe : erreurs")
    w.submit({"new_password": NEW_PASSWORD + " bleu", "new_password_confirm": NEW_PASSWORD + " bleu"},
             "mot de passe changé")
    w.go("/identifiant-oublie", "identifiant oublié")
    w.submit({"nir": MARCEL.nir, "vitale_serial": MARCEL.vitale_serial, "channel": "email"}, "identifiant envoyé")

    assert w.problems == [], "\n".join(w.problems)
    expected = journey_steps_of(w.server.app, {"creation", "auth", "patient"})
    assert len(expected) >= 10 and expected - w.visited == set()
