"""«Gestion du DMP» in Chromium: the live search fills as the patient types; axe passes on every
page and error state."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from ..pages import journey_steps_of
from .harness import click_and_wait
from ..web.patient_journey import EMERGENCY_SWITCHES


def test_managing_access_passes_axe_and_the_live_search_works(walker):
    w = walker
    w.go("/connexion", "connexion")
    w.submit({"login_id": "fro7510", "password": "demo-dmp-2026"}, "code")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    w.follow("Gestion du DMP", "gestion du DMP")
    w.follow("Bloquer un professionnel de santé", "bloquer : recherche")
    html = w.browser.find_element(By.TAG_NAME, "html")
    w.browser.find_element(By.ID, "q").send_keys("lefev")
    WebDriverWait(w.browser, 10).until(
        lambda d: "Lefèvre" in d.execute_script("return document.getElementById('resultats').textContent"))
    assert html == w.browser.find_element(By.TAG_NAME, "html")  # filled in place, as the patient typed
    w.check("bloquer : résultats en direct")
    w.submit({}, "gestion : bloqué", button="Bloquer : Dr Paul Lefèvre")
    w.submit({}, "gestion : débloqué", button="Débloquer : Dr Paul Lefèvre")
    w.go("/mon-dmp/gestion/bloquer?q=", "bloquer : recherche vide")
    w.go("/mon-dmp/gestion/droits", "donner les droits")
    w.submit({"rpps": "123"}, "donner les droits : RPPS trop court")
    w.go("/mon-dmp/gestion/urgence", "urgence")
    w.submit_without_button("urgence : sans réponse")
    assert w.title().startswith("Erreur : ")
    w.press_answers({**EMERGENCY_SWITCHES, "break_glass_access": "no"}, "gestion : urgence refusée")
    w.go("/mon-dmp/gestion/urgence", "urgence, de nouveau")
    w.press_answers({**EMERGENCY_SWITCHES, "hidden_in_emergency": "yes"}, "gestion : urgence permise")
    w.go("/mon-dmp/gestion/alertes", "alertes")
    w.submit({"choice": "yes", "openings": "yes"}, "gestion : alertes")
    w.follow("Donner un code de partage", "code de partage")  # sharing codes: made, shown once, cancelled
    w.submit({}, "code de partage : créé", button="Créer un code de partage")
    click_and_wait(w.browser, lambda: w.browser.find_element(By.CSS_SELECTOR, "main button[id^=annuler-]"))
    w.check("code de partage : annulé")
    w.go("/mon-dmp", "mon DMP")
    w.follow("Fermer mon DMP", "fermer mon DMP")
    w.submit({}, "mon DMP fermé", button="Fermer mon DMP")
    assert "Votre DMP est fermé" in w.browser.find_element(By.TAG_NAME, "main").text
    w.submit({}, "mon DMP rouvert", button="Rouvrir mon DMP")
    assert w.problems == [], "\n".join(w.problems)
    mine = {"/mon-dmp/gestion", "/mon-dmp/gestion/bloquer", "/mon-dmp/gestion/droits",
            "/mon-dmp/gestion/urgence", "/mon-dmp/gestion/alertes", "/mon-dmp/fermer", "/mon-dmp/gestion/partage"}
    areas = {"patient.management", "patient.block_search", "patient.grant_rights", "patient.emergency_choice",
             "patient.alerts", "patient.close", "sharing.patient_page", "sharing.cancel"}
    assert mine == journey_steps_of(w.server.app, areas) and mine <= w.visited
