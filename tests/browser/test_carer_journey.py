"""The carer's side in Chromium (issue 18): an invitation accepted with the code of an e-mail,
an account of one's own, acting within the purpose and refused outside it; a second invitation,
on a letter, accepted by the same carer logged in; the patient ends an access; the carer's login
and forgotten password. Zero axe violations, our layout rules and the easy-to-read check on every
page and error state."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from selenium.webdriver.common.by import By

from dmp_web.demo import DEMO_LOGIN, INSURED
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.identity import compute_ins_c
from dmp_web.services import carers
from dmp_web.services.holder import patient_actor
from dmp_web.web.deps import ctx

from ..pages import JOURNEY_PAGES, journey_steps_of
from .harness import click_and_wait
from .walker import Walker

DOSSIER = DEMO_LOGIN["dossier_id"]
CARER_MOBILE = "0699887766"
PASSWORD = "un jardin de roses en hiver"
OTHER = "0ther0d0551e500000000002"


def _invite(app, dossier_id: str, purpose: str, sent_by: str, contact: str = ""):
    with app.test_request_context():
        context = ctx()
        dossier = context.repos.dossiers.get(dossier_id)
        made = carers.invite(context, patient_actor(context, dossier_id), dossier, name="Paul Martin", purpose=purpose,
                             starts_on=context.now().date(), ends_on=None, sent_by=sent_by, contact=contact)
    assert made.decision.allowed
    return made


def _second_dmp(app) -> None:
    person = next(p for p in INSURED if p.nir != DEMO_LOGIN["nir"] and p.birth_date.year < 2000)
    created = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    app.extensions["dmp.repos"].dossiers.add(Dossier(
        id=OTHER, holder_nir=person.nir, ins_c=compute_ins_c(person.nir, person.first_names, person.birth_date),
        created_at=created, consent=Consent(given_by="holder", recorded_by="test", at=created, channel="pharmacy")))


def _log_out(w: Walker, state: str) -> None:
    click_and_wait(w.browser, lambda: w.browser.find_element(By.XPATH, "//button[normalize-space()='Me déconnecter']"))
    w.check(state)


def _code_in_email(w: Walker) -> str:
    body = next(m.body for m in reversed(w.notifier.outbox) if getattr(m, "to", "") == "paul@example.org")
    return re.search(r"Votre code d’invitation : ([A-Z0-9 ]+)\n", body).group(1)


def test_a_carer_accepts_acts_within_the_purpose_and_is_refused_outside_it(walker):
    w = walker
    app = w.server.app
    by_email = _invite(app, DOSSIER, "appointments_and_treatments", "email", "paul@example.org")
    w.go("/aidant/accepter", "accepter une invitation")
    w.submit({"code": "ZZZZ 2222 ZZZZ"}, "accepter : code faux")
    assert w.title().startswith("Erreur : ")
    w.submit({"code": _code_in_email(w)}, "l’invitation")
    w.follow("Créer mon compte d’aidant", "votre portable ou votre e-mail")
    w.submit({}, "portable ou e-mail : vide")
    w.submit({"mobile": CARER_MOBILE}, "choisir le mot de passe")
    w.submit({"new_password": "court", "new_password_confirm": "court"}, "mot de passe : trop court")
    w.submit({"new_password": PASSWORD, "new_password_confirm": PASSWORD}, "code du nouveau compte")
    w.submit({"code": "00000000"}, "code du nouveau compte : faux")
    w.submit({"code": w.notifier.last_otp()}, "compte prêt")
    login_id = w.browser.find_element(By.CSS_SELECTOR, "main strong.code").text
    w.follow("Voir les DMP que j’aide", "les DMP que j’aide")
    w.follow("Le DMP de Fatima ROCHE", "les documents de Fatima")
    banner = w.browser.find_element(By.CSS_SELECTOR, ".acting-for").text
    assert banner == "Vous agissez pour Fatima ROCHE. Vous l’aidez avec son DMP."
    assert "Prise de sang" not in w.browser.find_element(By.TAG_NAME, "main").text  # not in the purpose
    w.follow("Consultation du 12 octobre 2026", "un document")
    w.go(f"/aidant/dmp/{DOSSIER}/ajouter", "ajouter : pas permis")  # outside the purpose: said, before typing
    assert "Vous ne pouvez pas ajouter de document" in w.browser.find_element(By.TAG_NAME, "h1").text

    # a second DMP, its code on a letter: accepted by the carer logged in
    _second_dmp(app)
    by_letter = _invite(app, OTHER, "read_and_add", "letter")
    w.go("/aidant", "les DMP que j’aide, encore")
    w.follow("Accepter une invitation", "accepter une invitation, connecté")
    w.submit({"code": by_letter.code}, "l’invitation, connecté")
    w.submit({}, "les DMP que j’aide : 2", button="Accepter l’invitation")
    assert len(w.browser.find_elements(By.CSS_SELECTOR, "main a[href^='/aidant/dmp/']")) == 2
    # the same patient invites them again: they help already, and read so
    again = _invite(app, DOSSIER, "read", "letter")
    w.go("/aidant/accepter", "accepter une invitation, encore")
    w.submit({"code": again.code}, "l’invitation, déjà aidant")
    w.submit({}, "déjà aidant", button="Accepter l’invitation")
    assert "Vous aidez déjà cette personne" in w.browser.find_element(By.TAG_NAME, "main").text
    w.go(f"/aidant/dmp/{OTHER}", "les documents du 2e DMP")
    w.follow("Ajouter un document", "ajouter un document")
    w.submit({}, "ajouter un document : vide")
    assert w.title().startswith("Erreur : ")
    w.submit({"title": "Rendez-vous chez le kiné", "text": "Le 5 mai à 10 h."}, "document ajouté")

    # the patient ends the first access at once: the carer reads why
    with app.test_request_context():
        context = ctx()
        assert carers.end(context, patient_actor(context, DOSSIER), context.repos.dossiers.get(DOSSIER),
                          by_email.grant.id).allowed
    w.go(f"/aidant/dmp/{DOSSIER}", "accès fini")
    assert "Accès refusé" in w.browser.find_element(By.TAG_NAME, "h1").text

    # logging in again, and a forgotten password
    _log_out(w, "déconnecté")
    w.go("/aidant/connexion", "connexion des aidants")
    w.submit({}, "connexion des aidants : vide")
    w.submit({"login_id": login_id, "password": PASSWORD}, "code de connexion de l’aidant")
    w.submit({"code": w.notifier.last_otp()}, "les DMP que j’aide, après connexion")
    _log_out(w, "déconnecté, encore")
    w.go("/aidant/mot-de-passe-oublie", "aidants : mot de passe oublié")
    w.submit({}, "mot de passe oublié : vide")
    w.submit({"login_id": login_id}, "mot de passe oublié : code")
    w.submit({"code": "0000"}, "mot de passe oublié : code mal écrit")
    w.submit({"code": w.notifier.last_otp()}, "mot de passe oublié : nouveau")
    w.submit({"new_password": "court", "new_password_confirm": "court"}, "nouveau mot de passe : trop court")
    new = "une maison au bord de la mer"
    w.submit({"new_password": new, "new_password_confirm": new}, "mot de passe changé")
    assert w.problems == [], "\n".join(w.problems)
    steps = journey_steps_of(app, {"carer"})
    assert steps <= w.visited, steps - w.visited
    assert {f"/aidant/dmp/{DOSSIER}", f"/aidant/dmp/{OTHER}/ajouter",
            f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000001"} <= w.visited
    assert {e for e, owner in JOURNEY_PAGES.items() if owner.endswith("test_carer_journey.py")} == {
        "carer.dossier", "carer.document", "carer.add_document"}
