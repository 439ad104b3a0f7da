"""«Gestion du DMP»: block and unblock, the médecin traitant who cannot be blocked, rights given
and taken back, the emergency choice, the e-mail alert — each through the policy, journaled."""
from ..conftest import field_error
from .patient_journey import EMERGENCY_SWITCHES, MANAGE_EMERGENCY, answer_emergency
from .pro_journey import BERNARD, DOSSIER, DURAND, LEFEVRE, journal, log_out, pro_log_in
from .test_patient_documents import patient_log_in

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

CONSULTATION = "d0c0000000000001"


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": client.csrf_token("/mon-dmp/gestion"), **data},
                       follow_redirects=True)


def test_a_professional_found_by_name_is_blocked_then_unblocked(client, notifier, app):
    patient_log_in(client, notifier)
    search = client.get("/mon-dmp/gestion/bloquer?q=lefevre").soup
    result = search.find(id="resultats")
    assert "Dr Paul Lefèvre" in result.get_text() and result.find("button").get_text(strip=True).startswith("Bloquer")
    blocked = _post(client, "/mon-dmp/gestion/bloquer", rpps=LEFEVRE)
    assert "Ce professionnel est bloqué." in blocked.soup.select_one("[aria-live]").get_text()
    assert "Dr Paul Lefèvre" in blocked.soup.main.get_text()
    assert (journal(app)[-1].action, journal(app)[-1].allowed) == ("manage", True)
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 403  # blocked: not even the dossier
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    unblocked = _post(client, "/mon-dmp/gestion/debloquer", rpps=LEFEVRE)
    assert "n’est plus bloqué" in unblocked.soup.select_one("[aria-live]").get_text()
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    # no longer blocked, and no longer in the care team the block took him out of: he asks again
    assert client.get(f"/pro/dmp/{DOSSIER}").headers["Location"] == f"/pro/dmp/{DOSSIER}/accord"


def test_the_medecin_traitant_cannot_be_blocked_and_the_page_says_why(client, notifier, app):
    patient_log_in(client, notifier)
    search = client.get("/mon-dmp/gestion/bloquer?q=durand").soup.find(id="resultats")
    assert "C’est votre médecin traitant. Elle ne peut pas être bloquée." in search.get_text()
    assert search.find("button") is None
    forced = _post(client, "/mon-dmp/gestion/bloquer", rpps=DURAND)
    assert "Le médecin traitant ne peut pas être bloqué." in forced.soup.select_one("[aria-live]").get_text()
    assert DURAND not in app.extensions["dmp.repos"].dossiers.get(DOSSIER).blocked_rpps
    last = journal(app)[-1]
    assert (last.action, last.allowed) == ("manage", False)


def test_the_live_search_answers_a_fragment_to_htmx_and_a_page_otherwise(client, notifier):
    patient_log_in(client, notifier)
    fragment = client.get("/mon-dmp/gestion/bloquer?q=petit", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "Claire Petit" in body
    page = client.get("/mon-dmp/gestion/bloquer?q=petit")
    assert page.soup.h1.get_text(strip=True) == "Bloquer un professionnel de santé"
    form = page.soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["data-hx-get"] == "/mon-dmp/gestion/bloquer"
    empty = client.get("/mon-dmp/gestion/bloquer?q=")
    assert field_error(empty.soup, "q") == "Écrivez le nom ou le numéro du professionnel"
    nobody = client.get("/mon-dmp/gestion/bloquer?q=zzzz").soup.find(id="resultats")
    assert "Aucun professionnel ne correspond." in nobody.get_text()


def test_the_attending_doctors_rights_are_given_and_taken_back(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    document = repos.documents.get(DOSSIER, CONSULTATION)
    document.hidden = True
    repos.documents.save(document)
    patient_log_in(client, notifier)
    wrong = client.submit("/mon-dmp/gestion/droits", {"rpps": "10001000032"})  # a pharmacist
    assert field_error(wrong.soup, "rpps") == "Aucun médecin n’a ce numéro RPPS. Vérifiez-le avec votre médecin"
    given = client.submit("/mon-dmp/gestion/droits", {"rpps": LEFEVRE}, follow_redirects=True)
    assert "a maintenant les droits du médecin traitant" in given.soup.select_one("[aria-live]").get_text()
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 200  # hidden, yet readable
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    _post(client, "/mon-dmp/gestion/droits/retirer", rpps=LEFEVRE)
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403


def test_the_emergency_choices_can_be_changed_at_any_time(client, notifier, app):
    patient_log_in(client, notifier)
    # the demo patient allowed the regulator and bris de glace: the first question says so
    assert "Votre choix actuel : oui." in client.get(MANAGE_EMERGENCY).soup.main.get_text(" ", strip=True)
    blank = client.submit(MANAGE_EMERGENCY, {}).soup
    assert field_error(blank, "regulator_access") == "Appuyez sur Oui ou sur Non"
    answer_emergency(client, MANAGE_EMERGENCY, {**EMERGENCY_SWITCHES, "break_glass_access": "no"})
    saved = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    assert (saved.regulator_access, saved.break_glass_access, saved.hidden_in_emergency) == (True, False, False)
    assert "Un soignant ne peut pas ouvrir votre DMP en urgence." in client.get("/mon-dmp/gestion").text
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, BERNARD)
    refused = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Patiente inconsciente à domicile"})
    assert refused.status_code == 403
    assert "Le patient ne permet pas d’ouvrir son DMP en urgence." in refused.text


NO_LETTERS = {"notices_by_post": "no", "history_by_post": "no"}  # « Mes alertes »: the letters asked


def test_the_email_alert_is_turned_on_and_off(client, notifier, app):
    patient_log_in(client, notifier)
    client.submit("/mon-dmp/gestion/alertes", {"choice": "yes", "openings": "no", **NO_LETTERS})
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).alert_new_documents is True
    page = client.get("/mon-dmp/gestion").soup.main.get_text(" ")
    assert "Vous recevez un message à chaque nouveau document." in page
    client.submit("/mon-dmp/gestion/alertes", {"choice": "no", "openings": "no", **NO_LETTERS})
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).alert_new_documents is False
    assert [e.detail["change"] for e in journal(app) if e.action == "manage"][-2:] == [
        {"what": "alerts_on"}, {"what": "alerts_off"}]


def test_the_page_is_easy_to_read_without_a_medecin_traitant_too(client, notifier, app):
    """The browser tests see the demo DMP, which has a médecin traitant: this is the other state."""
    from dataclasses import replace

    from dmp_web.texts.page_text import check_page

    repos = app.extensions["dmp.repos"]
    repos.dossiers.save(replace(repos.dossiers.get(DOSSIER), attending_doctor_rpps=None))
    patient_log_in(client, notifier)
    page = client.get("/mon-dmp/gestion")
    assert "Vous n’avez pas encore de médecin traitant dans votre DMP." in page.soup.main.get_text(" ")
    assert check_page(page.get_data(as_text=True)).findings == ()


def test_a_forged_choice_gets_a_french_message_not_wtforms_english(client, notifier, app):
    patient_log_in(client, notifier)
    forged = client.submit(MANAGE_EMERGENCY, {"regulator_access": "peut-être"})
    message = field_error(forged.soup, "regulator_access")
    assert message == "Appuyez sur Oui ou sur Non"
    assert "Not a valid" not in forged.get_data(as_text=True)
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).regulator_access is True  # nothing changed
