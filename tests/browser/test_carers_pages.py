"""« Mes aidants » in Chromium: every page of the invitation and its error states, the check
page, the page after the invitation, and the confirmation that cancels it; axe, our layout rules
and the easy-to-read check pass on each, and their HTML is kept for the HTML check."""
from selenium.webdriver.common.by import By

from ..pages import JOURNEY_PAGES, journey_steps_of
from .harness import click_and_wait


def test_inviting_a_carer_then_cancelling_passes_every_check(walker):
    w = walker
    w.go("/connexion", "connexion")
    w.submit({"login_id": "fro7510", "password": "demo-dmp-2026"}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.go("/mon-dmp/gestion", "gestion du DMP")
    w.follow("Mes aidants", "mes aidants, vide")
    w.follow("Inviter un aidant", "aidant : nom")
    w.submit({"first_name": "", "last_name": ""}, "aidant : nom, erreurs")
    w.submit({"first_name": "Paul", "last_name": "Martin"}, "aidant : ce qu’il pourra faire")
    w.submit_without_button("aidant : ce qu’il pourra faire, sans réponse")
    w.submit({}, "aidant : dates", button="Voir et ajouter des documents")
    w.submit({"starts_on": "22/11/2026", "ends_on": "31/02/2027"}, "aidant : dates, erreurs")
    w.submit({"starts_on": "23/11/2026", "ends_on": "28/02/2027"}, "aidant : envoi du code")
    w.submit_without_button("aidant : envoi du code, sans réponse")
    w.submit({}, "aidant : portable", button="Par SMS")
    w.submit({"mobile": "01 23", "mobile_confirm": "06 98 76 54 33"}, "aidant : portable, erreurs")
    w.submit({"mobile": "06 98 76 54 32", "mobile_confirm": "06 98 76 54 32"}, "aidant : vérifiez vos réponses")
    click_and_wait(w.browser, lambda: w.browser.find_element(By.CSS_SELECTOR, "main a[href$='question=envoi']"))
    w.check("aidant : envoi du code, de nouveau")
    w.submit({}, "aidant : e-mail", button="Par e-mail")
    w.submit({"email": "paul@", "email_confirm": "paul@example.org"}, "aidant : e-mail, erreurs")
    w.submit({"email": "paul@example.org", "email_confirm": "paul@example.org"}, "aidant : vérifiez, par e-mail")
    w.submit({}, "aidant : invitation faite", button="Inviter cette personne")
    assert "Nous avons envoyé le code par e-mail à paul@example.org." in w.browser.find_element(By.ID, "envoi").text
    w.follow("Revenir à Mes aidants", "mes aidants, 1 invitation")
    click_and_wait(w.browser, lambda: w.browser.find_element(By.CSS_SELECTOR, "main a[href$='/arreter']"))
    w.check("aidant : annuler l’invitation")
    w.submit({}, "mes aidants, invitation annulée", button="Annuler l’invitation")
    assert "est annulée" in w.browser.find_element(By.TAG_NAME, "main").text

    w.follow("Inviter un aidant", "aidant : nom, par lettre")  # a letter: its page offers the PDF
    w.submit({"first_name": "Anne", "last_name": "Durand"}, "aidant : ce qu’elle pourra faire")
    w.submit({}, "aidant : dates, par lettre", button="Voir mes documents")
    w.submit({"starts_on": "23/11/2026", "ends_on": ""}, "aidant : envoi, par lettre")
    w.submit({}, "aidant : vérifiez, par lettre", button="Je l’imprime sur une lettre")
    w.submit({}, "aidant : invitation faite, par lettre", button="Inviter cette personne")
    assert w.browser.find_element(By.LINK_TEXT, "Télécharger la lettre (PDF)")
    assert w.problems == [], "\n".join(w.problems)
    mine = {"/mon-dmp/gestion/aidants", "/mon-dmp/gestion/aidants/inviter", "/mon-dmp/gestion/aidants/inviter/verifier",
            "/mon-dmp/gestion/aidants/invitation"}
    assert mine == journey_steps_of(w.server.app, {"carers_patient"}) and mine <= w.visited
    assert any(path.endswith("/arreter") for path in w.visited)
    assert JOURNEY_PAGES["carers_patient.end"] == "tests/browser/test_carers_pages.py"
