"""«Mes informations / Volontés et droits» in Chromium: every page and every error state of the
area passes axe and our layout rules, and every journey step of the area is visited."""
from __future__ import annotations

import tempfile
from pathlib import Path

from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..pages import journey_steps_of
from .test_professional_journey import click
from .walker import Walker

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def h1(w: Walker) -> str:
    return w.browser.find_element(By.TAG_NAME, "h1").text


def flash(w: Walker) -> str:
    return w.text("flash-area")


def uncheck_radios(w: Walker) -> None:
    """A radio group always sends a choice once one is checked: clear it to see the error state."""
    w.browser.execute_script("document.querySelectorAll('main input[type=radio]')"
                             ".forEach((r) => { r.checked = false; });")


def test_my_information_and_wishes_pass_axe_on_every_page_and_error(walker):
    w = walker
    walk(w)
    assert w.problems == [], "\n".join(w.problems)
    assert journey_steps_of(w.server.app, {"wishes"}) - w.visited == set()


def walk(w: Walker) -> None:
    w.go("/connexion", "connexion")
    w.submit({"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD}, "code de connexion")
    w.submit({"code": w.notifier.last_otp()}, "mon DMP")
    click(w, "Mes informations", "mes informations")
    assert h1(w) == "Mes informations"

    # a new mobile: typed twice, then the code sent to it
    click(w, "Changer mon numéro de portable", "nouveau portable")
    w.submit({}, "nouveau portable : vide")
    assert w.title().startswith("Erreur : ")
    w.submit({"mobile": "0799887766", "mobile_confirm": "0799887767"}, "nouveau portable : 2 numéros différents")
    w.submit({"mobile": DEMO_LOGIN["mobile"], "mobile_confirm": DEMO_LOGIN["mobile"]}, "nouveau portable : le même")
    w.submit({"mobile": "0799887766", "mobile_confirm": "0799887766"}, "code du nouveau portable")
    assert "07 99 88 77 66" in w.browser.find_element(By.TAG_NAME, "main").text
    w.submit({"code": "12"}, "code du nouveau portable : trop court")
    w.submit({"code": "00000000"}, "code du nouveau portable : faux")
    w.submit({}, "code du nouveau portable : trop tôt pour un nouveau", button="Recevoir un nouveau code")
    assert "Attendez encore" in flash(w)
    w.submit({"code": w.notifier.last_otp()}, "mes informations : portable changé")
    assert flash(w) == "Votre numéro de portable est changé."

    # a new e-mail, the same way
    click(w, "Changer mon adresse e-mail", "nouvelle adresse")
    w.submit({}, "nouvelle adresse : vide")
    w.submit({"email": "fatima", "email_confirm": "autre"}, "nouvelle adresse : incomplète")
    w.submit({"email": "fatima.nouvelle@example.org", "email_confirm": "fatima.nouvelle@example.org"},
             "code de la nouvelle adresse")
    w.submit({"code": "00000000"}, "code de la nouvelle adresse : faux")
    w.submit({"code": w.notifier.last_otp()}, "mes informations : adresse changée")
    assert w.text("email-actuel") == "fatima.nouvelle@example.org"

    click(w, "Volontés et droits", "volontés et droits, vide")
    assert h1(w) == "Volontés et droits"

    # the person to call, before there is a trusted person: no choice, name and phone needed
    click(w, "Définir une personne en cas d’urgence", "personne à prévenir, sans personne de confiance")
    w.submit({}, "personne à prévenir : vide")
    w.go("/mon-dmp/volontes", "volontés et droits")

    click(w, "Définir une personne de confiance", "personne de confiance")
    w.submit({}, "personne de confiance : vide")
    w.submit({"name": "Paul Roche", "link": "mon mari", "phone": "01 23"}, "personne de confiance : téléphone court")
    w.submit({"phone": "01 23 45 67 89", "tell": "y"}, "personne de confiance : à prévenir, sans portable ni e-mail")
    w.submit({"email": "paul.roche@example.org"}, "volontés et droits : personne de confiance")
    assert flash(w) == "Votre personne de confiance est enregistrée."

    click(w, "Définir une personne en cas d’urgence", "personne à prévenir, avec le choix")
    w.submit({}, "personne à prévenir : ni choix ni nom")
    w.submit({"same_person": "same"}, "volontés et droits : la même personne")
    assert "C’est votre personne de confiance : Paul Roche." in w.browser.find_element(By.TAG_NAME, "main").text

    click(w, "Écrire ou joindre mes directives anticipées", "directives anticipées")
    w.submit({}, "directives anticipées : vide")
    w.submit({"text": "Je ne veux pas être branchée à une machine."}, "volontés et droits : directives écrites")
    click(w, "Écrire ou joindre mes directives anticipées", "directives anticipées, avec un texte")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directives.pdf"
        path.write_bytes(PDF)
        w.browser.find_element(By.CSS_SELECTOR, "main input[type=file]").send_keys(str(path))
        w.submit({}, "volontés et droits : fichier des directives")
    click(w, next(a.text for a in w.browser.find_elements(By.CSS_SELECTOR, "main a")
                  if a.text.startswith("Mes directives anticipées, ajouté le")), "le fichier des directives")
    w.go("/mon-dmp/volontes", "volontés et droits, de nouveau")

    click(w, "Dire mon choix sur le don d’organes", "don d’organes")
    uncheck_radios(w)
    w.submit({}, "don d’organes : sans choix")
    w.submit({"choice": "yes"}, "volontés et droits : don d’organes")

    click(w, "Écrire mon groupe sanguin et mes allergies", "groupe sanguin et allergies")
    uncheck_radios(w)
    w.submit({"allergies": "a" * 2001}, "groupe sanguin et allergies : erreurs")
    w.submit({"blood_group": "O-", "allergies": "Pénicilline"}, "volontés et droits : tout rempli")
    assert flash(w) == "Votre groupe sanguin et vos allergies sont enregistrés."

    # « Ma carte d’urgence »: nothing ticked, a treatments text too long, then saved
    click(w, "Faire ma carte d’urgence", "carte d’urgence")
    w.submit({}, "carte d’urgence : rien coché")
    assert w.title().startswith("Erreur : ")
    w.fill({"facts": "treatments"})
    w.submit({"treatments": "x" * 201}, "carte d’urgence : traitements trop longs")
    for fact in ("blood_group", "emergency_contact"):
        w.fill({"facts": fact})
    w.submit({"treatments": "Insuline le matin"}, "carte d’urgence : enregistrée")
    assert flash(w) == "Les choix de votre carte d’urgence sont enregistrés."
    assert "Groupe sanguin : O− (négatif)" in w.text("carte-lignes")
    w.go("/mon-dmp/volontes", "volontés et droits, après la carte")

    # the second form of the pages: remove
    click(w, "Définir une personne de confiance", "personne de confiance, à retirer")
    w.submit({}, "volontés et droits : personne de confiance retirée", button="Retirer ma personne de confiance")
    click(w, "Définir une personne en cas d’urgence", "personne à prévenir, à retirer")
    w.submit({}, "volontés et droits : personne à prévenir retirée", button="Retirer la personne à prévenir")
    click(w, "Écrire ou joindre mes directives anticipées", "directives, à effacer")
    w.submit({}, "volontés et droits : directives effacées", button="Effacer mes directives écrites")
