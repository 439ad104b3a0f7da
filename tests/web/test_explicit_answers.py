"""Issue 17, item 5: a yes/no question with consequences is never answered by default. Each is
alone on its page and answered by a press on « Oui » or « Non » (the button's name and value):
a POST without one, or with a value not offered, is refused in French and changes nothing."""
from __future__ import annotations

import pytest

from dmp_web.texts.page_text import check_page

from ..conftest import field_error
from .patient_journey import (EMERGENCY_SWITCHES, MANAGE_EMERGENCY, STEP_3, answer_emergency, create_dossier,
                              log_in)
from .pro_journey import DOSSIER, journal
from .test_desk_creation import (CONSENT, DECLINED, DESK_AGENT, LUCAS, MARCEL, PHARMACIEN, REPRESENTATIVE,
                                 REPRESENTATIVE_PAGE, dossier_of, pro_log_in, show_card)
from .test_patient_documents import patient_log_in

QUESTIONS = list(EMERGENCY_SWITCHES)


def _answer_buttons(page, name: str) -> list[tuple[str, str]]:
    return [(b["value"], b.get_text(strip=True)) for b in page.soup.main.select(f"button[name={name}]")]


def _at_step_3(client, notifier):
    created = create_dossier(client, notifier)
    log_in(client, notifier, created.login_id, created.initial_password)
    client.submit("/mon-dmp/premiere-connexion/coordonnees", {
        "mobile": "0612345678", "mobile_confirm": "0612345678", "email": "", "email_confirm": ""})
    client.submit("/mon-dmp/premiere-connexion/mot-de-passe", {
        "current_password": created.initial_password, "new_password": "un jardin de roses en hiver",
        "new_password_confirm": "un jardin de roses en hiver"})
    return created


def _holder_dossier(app):
    from .patient_journey import MARCEL as PERSON

    return app.extensions["dmp.repos"].dossiers.find_by_nir(PERSON.nir)


def test_the_first_connection_asks_each_emergency_question_alone_with_2_buttons(client, notifier, app):
    _at_step_3(client, notifier)
    for number, name in enumerate(QUESTIONS, 1):
        path = STEP_3 if number == 1 else f"{STEP_3}?question={number}"
        page = client.get(path)
        assert page.soup.main.select("input[type=radio]") == []  # nothing a browser could pre-select
        assert [n for n in QUESTIONS if page.soup.main.select(f"button[name={n}]")] == [name]
        assert _answer_buttons(page, name) == [("yes", "Oui"), ("no", "Non")]
        assert f"Question {number} sur 3" in page.soup.main.get_text(" ", strip=True)
        report = check_page(page.get_data(as_text=True))
        assert report.ok, (path, report.findings)
        assert client.submit(path, {name: EMERGENCY_SWITCHES[name]}).status_code == 302
    dossier = _holder_dossier(app)
    assert (dossier.regulator_access, dossier.break_glass_access, dossier.hidden_in_emergency) == (True, True, False)


def test_step_3_sent_with_no_button_pressed_is_refused_and_saves_nothing(client, notifier, app):
    _at_step_3(client, notifier)
    before = len(app.extensions["dmp.repos"].journal.entries(_holder_dossier(app).id))
    for data in ({}, {"regulator_access": "oui"}, {"regulator_access": ""}):
        page = client.submit(STEP_3, data)
        assert page.status_code == 200 and page.soup.title.get_text().startswith("Erreur : ")
        assert field_error(page.soup, "regulator_access") == "Appuyez sur Oui ou sur Non"
        assert page.soup.select_one(".error-summary a")["href"] == "#regulator_access-yes"
    dossier = _holder_dossier(app)
    assert not dossier.emergency_chosen
    assert len(app.extensions["dmp.repos"].journal.entries(dossier.id)) == before
    assert client.get("/mon-dmp").headers["Location"] == STEP_3  # the first connection is not done


def test_a_later_question_cannot_be_answered_before_the_earlier_ones(client, notifier, app):
    _at_step_3(client, notifier)
    assert client.get(f"{STEP_3}?question=3").headers["Location"] == STEP_3
    assert client.submit(STEP_3, {"regulator_access": "no"}).headers["Location"] == f"{STEP_3}?question=2"
    assert client.get(f"{STEP_3}?question=3").headers["Location"] == f"{STEP_3}?question=2"
    assert client.get(f"{STEP_3}?question=4").status_code == 404
    assert client.submit(f"{STEP_3}?question=2", {"break_glass_access": "no"}).headers["Location"] == (
        f"{STEP_3}?question=3")
    assert client.submit(f"{STEP_3}?question=3", {"hidden_in_emergency": "no"}).headers["Location"] == "/mon-dmp"
    dossier = _holder_dossier(app)
    assert (dossier.regulator_access, dossier.break_glass_access, dossier.hidden_in_emergency) == (False, False, False)
    entries = app.extensions["dmp.repos"].journal.entries(dossier.id)
    # the journal is the one-page form's: one entry per switch, then the first connection done
    assert [e.action for e in entries[-4:]] == ["emergency_access_set"] * 3 + ["first_connection_done"]


def test_gestion_du_dmp_asks_the_same_questions_and_says_the_current_choice(client, notifier, app):
    patient_log_in(client, notifier)
    page = client.get(MANAGE_EMERGENCY)
    assert page.soup.main.select("input[type=radio]") == []
    assert "Votre choix actuel : oui." in page.soup.main.get_text(" ", strip=True)
    blank = client.submit(MANAGE_EMERGENCY, {})
    assert field_error(blank.soup, "regulator_access") == "Appuyez sur Oui ou sur Non"
    before = len(journal(app))
    answer_emergency(client, MANAGE_EMERGENCY, {**EMERGENCY_SWITCHES, "break_glass_access": "no"})
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    assert dossier.break_glass_access is False
    changed = journal(app)[before:]
    assert [e.action for e in changed if e.actor_kind == "holder"] == ["manage"]  # only the switch that changed
    done = client.get("/mon-dmp/gestion").soup.select_one("[aria-live]").get_text(" ", strip=True)
    assert done == "Vos choix pour l’accès en urgence sont enregistrés."


def test_the_answers_of_the_first_connection_are_not_those_of_gestion_du_dmp(client, notifier, app):
    """The answers wait in the session for one page only: question 2 of « Gestion du DMP » does
    not take the first answer of another page."""
    patient_log_in(client, notifier)
    assert client.get(f"{MANAGE_EMERGENCY}?question=2").headers["Location"] == MANAGE_EMERGENCY


def test_the_desk_consent_has_no_default_and_refuses_a_post_without_an_answer(client, notifier, app):
    pro_log_in(client, notifier, DESK_AGENT)
    show_card(client, MARCEL)
    page = client.get(CONSENT)
    assert page.soup.main.select("input[type=radio]") == []
    assert _answer_buttons(page, "consent") == [("yes", "Oui"), ("no", "Non")]
    for data in ({}, {"consent": "peut-être"}):
        refused = client.submit(CONSENT, data)
        assert refused.status_code == 200
        assert field_error(refused.soup, "consent") == "Appuyez sur Oui ou sur Non : la personne accepte-t-elle ?"
    assert client.submit(CONSENT, {"consent": "no"}).headers["Location"] == DECLINED
    assert dossier_of(app, MARCEL) is None


def test_a_minor_s_representative_link_starts_on_no_choice(client, notifier, app):
    pro_log_in(client, notifier, PHARMACIEN)
    show_card(client, LUCAS)
    page = client.get(REPRESENTATIVE_PAGE)
    select = page.soup.main.find("select", attrs={"name": "representative_link"})
    assert [o["value"] for o in select.find_all("option")] == ["", "mother", "father", "tutrice", "tuteur"]
    assert select.find("option", selected=True) is None  # the first option, empty, is what a browser shows
    assert page.soup.main.select("button[name=consent]") == []  # the consent is asked alone, next
    untouched = client.submit(REPRESENTATIVE_PAGE, {"representative_name": REPRESENTATIVE, "representative_link": ""})
    assert field_error(untouched.soup, "representative_link") == (
        "Choisissez le lien avec l’enfant : mère, père, tutrice ou tuteur")


@pytest.mark.parametrize("path", [CONSENT, REPRESENTATIVE_PAGE])
def test_the_consent_pages_are_easy_to_read(client, notifier, path):
    pro_log_in(client, notifier, PHARMACIEN)
    show_card(client, LUCAS)
    client.submit(REPRESENTATIVE_PAGE, {"representative_name": REPRESENTATIVE, "representative_link": "mother"})
    report = check_page(client.get(path).get_data(as_text=True))
    assert report.ok, report.findings
