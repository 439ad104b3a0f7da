"""Professionals in Chromium: log in, find, read, deposit, release, bris de glace, the refusals;
and the patient reading a released document. Zero axe violations on every step and error."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD

from ..pages import JOURNEY_PAGES, journey_steps_of
from ..web.pro_journey import BERNARD, DOSSIER, DURAND, FATIMA_BIRTH, FATIMA_NIR, HADDAD, PETIT
from ..web.test_professionals import GARCIA, state_every_wish
from .harness import click_and_wait
from .walker import Walker


def click(w: Walker, text: str, state: str) -> None:
    xpath = f"//main//*[self::a or self::button][normalize-space()='{text}']"
    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, xpath))
    w.check(state)


def log_out(w: Walker) -> None:
    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, "//button[normalize-space()='Me déconnecter']"))


def pro_login(w: Walker, login_id: str, state: str) -> None:
    w.go("/pro/connexion", f"{state} : connexion")
    w.submit({"login_id": login_id, "password": DEMO_PASSWORD}, f"{state} : code")
    w.submit({"code": w.notifier.last_otp()}, f"{state} : espace")


def sharing_code(w: Walker) -> str:
    """A code the patient made (her own page is walked by test_management.py)."""
    from dmp_web.domain.actors import Holder
    from dmp_web.services import sharing
    from dmp_web.web.deps import ctx

    with w.server.app.app_context():
        return sharing.make_code(ctx(), Holder(DOSSIER), ctx().repos.dossiers.get(DOSSIER)).code


def test_the_professional_journeys_pass_axe_on_every_step_and_error(walker):
    w = walker
    w.go("/pro/connexion", "connexion des professionnels")
    w.submit({}, "connexion : vide")
    w.submit({"login_id": DURAND, "password": DEMO_PASSWORD}, "code")
    w.submit({"code": "1"}, "code : trop court")
    w.submit({"code": w.notifier.last_otp()}, "espace des professionnels")
    click(w, "Trouver le DMP d’un patient", "trouver")
    w.submit({}, "trouver : vide")
    w.submit({"identifier": FATIMA_NIR, "birth_date": "01/01/1975"}, "trouver : pas de DMP")
    w.submit({"identifier": FATIMA_NIR, "birth_date": FATIMA_BIRTH}, "le DMP")
    click(w, "Consultation du 12 octobre 2026", "un document")
    click(w, "Retour au DMP", "le DMP, de nouveau")
    click(w, "Résultats d’examens", "le DMP : une sorte de documents")  # the filter by category
    click(w, "Tous les documents", "le DMP : tous les documents")
    click(w, "Ajouter un document", "déposer")
    w.submit({}, "déposer : vide")
    w.submit({"type_code": "consultation_report", "title": "Consultation du 23 novembre 2026",
              "document_date": "23/11/2026", "text": "Bilan à expliquer.", "pending_explanation": "y"},
             "document ajouté")
    click(w, "Consultation du 23 novembre 2026", "document à expliquer")
    click(w, "Montrer au patient", "document montré")
    log_out(w)

    state_every_wish(w.server.app)  # the wishes block of the professional's page, in its fullest state
    pro_login(w, BERNARD, "infirmier")
    w.go(f"/pro/dmp/{DOSSIER}/documents/d0c0000000000001", "infirmier : document refusé")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Accès refusé"
    w.go(f"/pro/dmp/{DOSSIER}", "infirmier : le DMP")
    click(w, "Accès en urgence (bris de glace)", "bris de glace")
    w.submit({"reason": "court"}, "bris de glace : raison trop courte")
    w.submit({"reason": "Patiente inconsciente à domicile"}, "bris de glace : ouvert")
    log_out(w)

    pro_login(w, PETIT, "pharmacienne")
    w.go(f"/pro/dmp/{DOSSIER}", "pharmacienne : le DMP, sans bris de glace")
    w.go(f"/pro/dmp/{DOSSIER}/urgence", "pharmacienne : bris de glace pas pour son métier")
    log_out(w)

    pro_login(w, GARCIA, "sage-femme")  # outside the care team: the consent step first
    w.go(f"/pro/dmp/{DOSSIER}", "sage-femme : l’accord du patient")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "L’accord du patient"
    w.submit({}, "sage-femme : accord pas coché", button="Noter l’accord et ouvrir le DMP")
    w.submit({"agreed": "y"}, "sage-femme : le DMP", button="Noter l’accord et ouvrir le DMP")
    log_out(w)

    pro_login(w, HADDAD, "régulateur")  # outside the care team too: the patient gave him a sharing code
    click(w, "J’ai un code de partage", "code de partage")
    w.submit({}, "code de partage : vide")
    w.submit({"code": sharing_code(w), "birth_date": FATIMA_BIRTH}, "régulateur : le DMP, avec un code")
    log_out(w)

    pro_login(w, "mutuelle01", "mutuelle")
    assert w.browser.find_element(By.TAG_NAME, "h1").text == "Accès interdit"
    w.go(f"/pro/dmp/{DOSSIER}", "mutuelle : DMP refusé")
    log_out(w)

    w.go("/connexion", "patiente : connexion")
    w.submit({"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD}, "patiente : code")
    w.submit({"code": w.notifier.last_otp()}, "patiente : mon DMP")
    click(w, "Consultation du 23 novembre 2026", "patiente : le document montré")

    assert w.problems == [], "\n".join(w.problems)
    patterns = {
        "pro.dossier": rf"^/pro/dmp/{DOSSIER}$",
        "pro.document": rf"^/pro/dmp/{DOSSIER}/documents/[0-9a-f]{{16}}$",
        "pro.deposit": rf"^/pro/dmp/{DOSSIER}/deposer$",
        "pro.emergency": rf"^/pro/dmp/{DOSSIER}/urgence$",
        "pro.consent": rf"^/pro/dmp/{DOSSIER}/accord$",
        "patient.document": r"^/mon-dmp/documents/[0-9a-f]{16}$",
    }
    mine = {e for e, owner in JOURNEY_PAGES.items() if owner.endswith("test_professional_journey.py")}
    assert set(patterns) == mine
    for endpoint, pattern in patterns.items():
        assert any(re.match(pattern, path) for path in w.visited), endpoint
    assert urlparse(w.browser.current_url).path.startswith("/mon-dmp/documents/")
    assert journey_steps_of(w.server.app, {"pro", "sharing.use"}) - w.visited == set()
