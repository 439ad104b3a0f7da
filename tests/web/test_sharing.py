"""Sharing codes through the test client, on both stores: the patient makes a code, sees it once
and may cancel it; a professional outside the care team types it with the birth date and reads
within her rights for 24 hours, once; every wrong try says nothing and journals nothing; each step
the patient's history tells; the professional's form is rate limited."""
from __future__ import annotations

import re

import pytest

from dmp_web.domain.access import REASONS

from ..conftest import CheckedClient, field_error, make_app
from .pro_journey import BERNARD, DOSSIER, FATIMA_BIRTH, HADDAD, journal, log_out, pro_log_in
from .test_patient_documents import patient_log_in
from .test_professionals import GARCIA

BOTH_STORES = True

PAGE = "/mon-dmp/gestion/partage"
FORM = "/pro/code-de-partage"
CONSULTATION = "d0c0000000000001"  # a consultation report: a sage-femme reads it
HOSPITAL = "d0c0000000000004"  # a hospital report, hidden by the patient in the first test
NOT_FOUND = "Ce code ne marche pas avec cette date de naissance. Vérifiez les 2 avec le patient"


def made_code(client, notifier) -> str:
    """The patient logs in and makes a code: the code the page shows, once."""
    patient_log_in(client, notifier)
    shown = client.submit(PAGE, {}, follow_redirects=True)
    code = shown.soup.find(id="code-de-partage").get_text(strip=True)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4} [A-HJ-NP-Z2-9]{4}", code), code
    log_out(client, "/mon-dmp")
    return code


def use(client, code: str, birth_date: str = FATIMA_BIRTH):
    return client.submit(FORM, {"code": code, "birth_date": birth_date})


def sentences(client) -> str:
    return " ".join(client.get("/mon-dmp/historique?acces=tous").soup.main.get_text(" ").split())


def test_a_code_shown_once_lets_a_professional_outside_the_team_read_her_rights_for_24_hours(
        client, notifier, app, clock):
    patient_log_in(client, notifier)
    management = client.get("/mon-dmp/gestion").soup
    assert management.find("a", string="Donner un code de partage")["href"] == PAGE
    page = client.get(PAGE).soup
    assert page.h1.get_text(strip=True) == "Donner un code de partage"
    assert "Vous n’avez pas de code en cours." in page.main.get_text(" ")
    made = client.submit(PAGE, {})
    assert made.status_code == 302 and made.headers["Location"] == PAGE
    shown = client.get(PAGE).soup
    code = shown.find(id="code-de-partage").get_text(strip=True)
    assert shown.find(id="code-de-partage")["translate"] == "no"
    assert "Ce code marche jusqu’au 24 novembre 2026 à 10 h 00." in shown.main.get_text(" ")  # 9:00 UTC is 10:00
    again = client.get(PAGE).soup
    assert again.find(id="code-de-partage") is None  # shown once
    assert "Code créé le 23 novembre 2026 à 10 h 00." in again.main.get_text(" ")
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    digest = dossier.sharing_codes[0].digest
    assert code.replace(" ", "") not in str(dossier) and len(digest) == 64  # only its digest is kept
    log_out(client, "/mon-dmp")

    repos = app.extensions["dmp.repos"]
    hidden = repos.documents.get(DOSSIER, HOSPITAL)
    hidden.hidden = True
    repos.documents.save(hidden)
    pro_log_in(client, notifier, GARCIA)  # a sage-femme, outside the care team
    assert client.get(f"/pro/dmp/{DOSSIER}").headers["Location"] == f"/pro/dmp/{DOSSIER}/accord"
    consent = client.get(f"/pro/dmp/{DOSSIER}/accord").soup
    assert consent.find("a", string="J’ai un code de partage")["href"] == FORM
    assert client.get("/pro").soup.find("a", string="J’ai un code de partage")["href"] == FORM
    opened = use(client, code.lower())  # as typed: case and spaces do not matter
    assert opened.headers["Location"] == f"/pro/dmp/{DOSSIER}"
    dossier_page = client.get(f"/pro/dmp/{DOSSIER}", follow_redirects=True)
    assert "Vous pouvez lire ce DMP jusqu’au 24 novembre 2026 à 10 h 00." in dossier_page.text
    # her rights, no more: a consultation report yes, a hidden document no
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 200
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{HOSPITAL}").status_code == 403
    assert journal(app)[-1].reason == REASONS["hidden"]
    entries = [e for e in journal(app) if e.actor_id == GARCIA and e.allowed]
    assert (entries[0].action, entries[0].allowed) == ("sharing_code_used", True)  # before any read
    assert entries[0].detail["code"] == "sharing_code"
    assert GARCIA not in app.extensions["dmp.repos"].dossiers.get(DOSSIER).care_team_rpps  # a share, not the team
    assert app.extensions["dmp.repos"].sharing_codes.find(digest, clock()) is None  # the index entry went

    clock.advance(hours=23, minutes=59)
    assert client.get("/pro").headers["Location"] == "/pro/connexion"  # the session ended long before
    pro_log_in(client, notifier, GARCIA)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
    clock.advance(minutes=1)  # 24 hours after the use: the share has ended
    log_out(client, "/pro")
    pro_log_in(client, notifier, GARCIA)
    assert client.get(f"/pro/dmp/{DOSSIER}").headers["Location"] == f"/pro/dmp/{DOSSIER}/accord"
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 302
    log_out(client, "/pro")

    patient_log_in(client, notifier)
    told = sentences(client)
    assert ("Inès Garcia (sage-femme) a utilisé votre code de partage. "
            "Ce soignant peut lire votre DMP jusqu’au 24 novembre 2026 à 10 h 00.") in told
    assert "Le changement : code de partage créé, valable 24 heures." in told


def test_a_code_works_once_for_one_professional(client, notifier, app):
    code = made_code(client, notifier)
    pro_log_in(client, notifier, GARCIA)
    assert use(client, code).status_code == 302
    again = use(client, code)  # the same professional, a second time
    assert again.status_code == 200 and field_error(again.soup, "code") == NOT_FOUND
    log_out(client, "/pro")
    pro_log_in(client, notifier, HADDAD)
    before = len(journal(app))
    other = use(client, code)  # another professional
    assert field_error(other.soup, "code") == NOT_FOUND
    assert other.soup.title.get_text().startswith("Erreur : ")
    assert len(journal(app)) == before
    assert client.get(f"/pro/dmp/{DOSSIER}").headers["Location"] == f"/pro/dmp/{DOSSIER}/accord"


def test_a_wrong_birth_date_or_code_says_nothing_of_which_and_journals_nothing(client, notifier, app):
    code = made_code(client, notifier)
    pro_log_in(client, notifier, GARCIA)
    before = len(journal(app))
    wrong_date = use(client, code, "22/05/1975")
    wrong_code = use(client, "KD4R 7TMP")
    assert field_error(wrong_date.soup, "code") == field_error(wrong_code.soup, "code") == NOT_FOUND
    assert len(journal(app)) == before
    assert field_error(use(client, "KD4R").soup, "code") == "Le code a 8 caractères. Vous en avez écrit 4"
    looks_alike = use(client, "KD4R 0TMP")  # a 0 is never in a code: it is an O or a D misread
    assert field_error(looks_alike.soup, "code").startswith("Ce code a des caractères")
    empty = use(client, "", "")
    assert field_error(empty.soup, "code") == "Écrivez le code de partage donné par le patient"
    assert field_error(empty.soup, "birth_date") == "Écrivez la date de naissance du patient"
    assert use(client, code).status_code == 302  # the right pair still works after the wrong tries


def test_a_cancelled_or_expired_code_no_longer_works(client, notifier, app, clock):
    patient_log_in(client, notifier)
    client.submit(PAGE, {})
    cancelled = client.get(PAGE).soup.find(id="code-de-partage").get_text(strip=True)
    client.submit(PAGE, {})
    expiring = client.get(PAGE).soup.find(id="code-de-partage").get_text(strip=True)
    page = client.get(PAGE).soup
    assert len(page.select("button[id^=annuler-]")) == 2
    first_id = app.extensions["dmp.repos"].dossiers.get(DOSSIER).sharing_codes[0].id
    done = client.submit(PAGE, {"code": first_id}, action=f"{PAGE}/annuler", follow_redirects=True)
    assert "Ce code est annulé. Il ne marche plus." in done.text
    assert [b.get_text(" ", strip=True).split(" :")[0] for b in done.soup.select("button[id^=annuler-]")] == [
        "Annuler ce code"]
    assert client.submit(PAGE, {"code": first_id}, action=f"{PAGE}/annuler").status_code == 404  # once
    assert "Le changement : code de partage annulé." in sentences(client)
    log_out(client, "/mon-dmp")

    pro_log_in(client, notifier, GARCIA)
    assert field_error(use(client, cancelled).soup, "code") == NOT_FOUND
    clock.advance(hours=24)  # the other code was not used in time
    client.get("/pro")
    pro_log_in(client, notifier, GARCIA)
    assert field_error(use(client, expiring).soup, "code") == NOT_FOUND
    assert app.extensions["dmp.repos"].sharing_codes.purge(clock()) == 0  # the lookup dropped or ignored it


def test_the_patient_keeps_at_most_3_live_codes(client, notifier, app):
    patient_log_in(client, notifier)
    for _ in range(3):
        client.submit(PAGE, {})
    page = client.get(PAGE).soup
    assert page.find("button", string="Créer un code de partage") is None
    assert "Vous avez déjà 3 codes en cours." in page.main.get_text(" ")
    forced = client.post(PAGE, data={"csrf_token": client.csrf_token("/mon-dmp/gestion")}, follow_redirects=True)
    assert REASONS["too_many_sharing_codes"] in forced.text
    assert len(app.extensions["dmp.repos"].dossiers.get(DOSSIER).sharing_codes) == 3
    last = journal(app)[-1]
    assert (last.action, last.allowed, last.detail["code"]) == ("manage", False, "too_many_sharing_codes")


def test_a_blocked_professional_is_refused_and_the_patient_is_told(client, notifier, app):
    code = made_code(client, notifier)
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.blocked_rpps.append(GARCIA)
    repos.dossiers.save(dossier)
    pro_log_in(client, notifier, GARCIA)
    refused = use(client, code)
    assert refused.status_code == 403 and REASONS["blocked"] in refused.text
    last = journal(app)[-1]
    assert (last.action, last.allowed, last.actor_id) == ("use_sharing_code", False, GARCIA)
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    assert "Inès Garcia (sage-femme) a essayé d’utiliser votre code de partage" in sentences(client)


def test_only_a_professional_types_a_code(client, notifier):
    pro_log_in(client, notifier, "cpam0001")  # a desk agent
    assert client.get(FORM).status_code == 403
    log_out(client, "/pro")
    pro_log_in(client, notifier, BERNARD)
    assert client.get(FORM).soup.h1.get_text(strip=True) == "J’ai un code de partage"


@pytest.fixture
def limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    app.test_client_class = CheckedClient
    return app


def test_the_code_form_answers_429_after_10_tries_an_hour(limited):
    client = limited.test_client()
    notifier = limited.extensions["dmp.notifier"]
    pro_log_in(client, notifier, GARCIA)
    token = client.csrf_token(FORM)
    statuses = [client.post(FORM, data={"csrf_token": token, "code": f"KD4R 7TM{c}", "birth_date": FATIMA_BIRTH}
                            ).status_code for c in "ABCDEFGHJKM"]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert client.get(FORM).status_code == 200  # the page itself is not counted


def test_the_pages_are_easy_to_read(client, notifier, app):
    from dmp_web.texts.page_text import check_page

    def easy(response):
        findings = check_page(response.get_data(as_text=True)).findings
        assert findings == (), [(f.code, f.text) for f in findings]

    patient_log_in(client, notifier)
    easy(client.get(PAGE))  # no code yet
    easy(client.submit(PAGE, {}, follow_redirects=True))  # the code shown, and listed
    easy(client.get("/mon-dmp/gestion"))
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, GARCIA)
    easy(client.get(FORM))
    easy(use(client, "", ""))
    easy(use(client, "KD4R 7TMP"))
    easy(client.get(f"/pro/dmp/{DOSSIER}/accord"))
    easy(client.get("/pro"))
    assert client.get(PAGE).status_code == 302  # a professional is not the patient
    log_out(client, "/pro")
    code = made_code(client, notifier)
    pro_log_in(client, notifier, GARCIA)
    use(client, code)
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    with_share = client.get(PAGE)
    assert "Inès Garcia peut lire votre DMP jusqu’au 24 novembre 2026 à 10 h 00." in with_share.soup.main.get_text(" ")
    easy(with_share)
