"""« Je me fais aider » (issue 18, item 5) through the real routes: the patient names who sits
beside them; until « Finir l’aide », a logout, the session's end or 2 hours, a banner on every
page says so and every entry of the patient's side names the helper in the history; the start
and the end are told in sentences; the helper is sealed at rest and gets nothing afterwards."""
from __future__ import annotations

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.actors import Profession, Professional
from dmp_web.domain.helped_visit import Helper
from dmp_web.services import dossier_access
from dmp_web.web.deps import ctx

from ..conftest import field_error
from ..stored import everything_stored, journal_stored
from .pro_journey import DOSSIER, journal, log_out
from .test_history import EVERYTHING, HISTORY, lines
from .test_management import NO_LETTERS

BOTH_STORES = True  # the sessions and the journal on the file store and on PostgreSQL

PAGE = "/mon-dmp/je-me-fais-aider"
FINISH = "/mon-dmp/je-me-fais-aider/finir"
LAB = "d0c0000000000002"  # «Prise de sang du 3 novembre 2026», which the patient may read
NAME, FROM = "Marie DUPONT", "France Services"
HELPER = {"name": NAME, "organisation": FROM}
WITH_HER = "C’était avec l’aide de Marie DUPONT (France Services)."
BANNER = "En ce moment, Marie DUPONT (France Services) vous aide."


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    assert client.submit("/connexion/code", {"code": notifier.last_otp()}).status_code == 302


def banner(client, path="/mon-dmp") -> str:
    """The helped visit's banner of that page, in one line; "" without one."""
    found = client.get(path).soup.find(id="aide-en-cours")
    return " ".join(found.get_text(" ", strip=True).split()) if found else ""


def start(client, helper=HELPER):
    return client.submit(PAGE, helper)


def history_lines(client) -> list[str]:
    return lines(client.get(HISTORY, query_string=EVERYTHING).soup)


def helpers_of(app, since: int) -> list[tuple[str, dict | None]]:
    """Each entry after the first `since`: its action and the helper its detail names."""
    return [(e.action, e.detail.get("helper") if isinstance(e.detail, dict) else None)
            for e in journal(app)[since:]]


def test_the_home_and_gestion_du_dmp_link_to_the_page(client, notifier):
    patient_log_in(client, notifier)
    for path in ("/mon-dmp", "/mon-dmp/gestion"):
        links = client.get(path).soup.main.find_all("a", string="Je me fais aider")
        assert [a["href"] for a in links] == [PAGE], path
    page = client.get(PAGE).soup.main.get_text(" ", strip=True)
    for said in ("Ne donnez jamais votre mot de passe à cette personne.", "au plus tard après 2 heures",
                 "L’aide finit quand vous vous déconnectez.", "Votre historique dira"):
        assert said in page


def test_an_empty_or_too_long_helper_is_refused_in_french_and_starts_nothing(client, notifier, app):
    patient_log_in(client, notifier)
    before = len(journal(app))
    empty = client.submit(PAGE, {"name": "  ", "organisation": ""})
    assert empty.status_code == 200 and empty.soup.title.get_text().startswith("Erreur : ")
    assert field_error(empty.soup, "name") == "Écrivez le prénom et le nom de la personne qui vous aide"
    assert field_error(empty.soup, "organisation") == "Écrivez d’où vient la personne qui vous aide"
    long = client.submit(PAGE, {"name": "Marie " + "D" * 60, "organisation": FROM})
    assert field_error(long.soup, "name") == "Écrivez son prénom et son nom en 60 caractères au plus"
    assert long.soup.find(id="name")["value"].startswith("Marie DDD")  # nothing typed is lost
    assert banner(client) == ""
    assert "helped_visit_started" not in [e.action for e in journal(app)[before:]]


def test_the_banner_is_on_every_page_and_each_act_names_the_helper_in_the_history(client, notifier, app):
    patient_log_in(client, notifier)
    before = len(journal(app))
    started = start(client, {"name": "  Marie   DUPONT ", "organisation": FROM})  # typed spaces tidied
    assert started.headers["Location"] == "/mon-dmp"
    for path in ("/mon-dmp", "/mon-dmp/documents", HISTORY, "/mon-dmp/compte", "/mon-dmp/volontes",
                 "/mon-dmp/copie", PAGE):
        assert banner(client, path) == f"{BANNER} Finir l’aide", path
    assert client.get(f"/mon-dmp/documents/{LAB}").status_code == 200  # a document read
    alerts = {"choice": "yes", "openings": "yes", **NO_LETTERS}
    assert client.submit("/mon-dmp/gestion/alertes", alerts).status_code == 302  # a setting changed
    shown = history_lines(client)
    read = next(line for line in shown if "Vous avez lu « Prise de sang" in line)
    assert read.endswith(WITH_HER)
    changed = next(line for line in shown if "changé les réglages de votre DMP" in line)
    assert changed.endswith(WITH_HER)
    assert any(line.endswith("Vous avez commencé une visite avec l’aide de Marie DUPONT (France Services). "
                             "Elle dure 2 heures au plus.") for line in shown)
    named = {"name": NAME, "from": FROM}
    entries = helpers_of(app, before)
    assert entries[0] == ("helped_visit_started", named)
    assert ("read_document", named) in entries and ("manage", named) in entries
    assert all(helper == named for _action, helper in entries)  # every entry of the visit, none left out


def test_after_2_hours_the_banner_is_gone_and_new_entries_name_nobody(client, notifier, app, clock):
    patient_log_in(client, notifier)
    start(client)
    for _ in range(11):  # the patient keeps using the site: 1 h 50 min, never idle 15 minutes
        clock.advance(minutes=10)
        assert banner(client) != ""
    clock.advance(minutes=10)  # 2 hours since the start
    assert banner(client) == ""
    since = len(journal(app))
    assert client.get(f"/mon-dmp/documents/{LAB}").status_code == 200
    assert helpers_of(app, since) == [("read_document", None)]
    ended = [e for e in journal(app) if e.action == "helped_visit_ended"]
    assert len(ended) == 1 and ended[0].detail["note"] == "help_ended_after_2_hours"
    assert any(line.endswith("La visite avec l’aide de Marie DUPONT (France Services) est finie. "
                             "Les 2 heures étaient passées.") for line in history_lines(client))
    assert client.get(PAGE).soup.find(id="name") is not None  # another can start now


def test_finir_l_aide_ends_it_at_once_from_the_banner_of_any_page(client, notifier, app):
    patient_log_in(client, notifier)
    start(client)
    ended = client.submit("/mon-dmp/documents", {}, action=FINISH, follow_redirects=True)
    assert "L’aide est finie." in ended.soup.select_one("[aria-live]").get_text()
    assert banner(client) == "" and banner(client, "/mon-dmp/documents") == ""
    since = len(journal(app))
    assert client.get(f"/mon-dmp/documents/{LAB}").status_code == 200
    assert helpers_of(app, since) == [("read_document", None)]
    ends = [e for e in journal(app) if e.action == "helped_visit_ended"]
    assert [e.detail["note"] for e in ends] == ["help_ended_by_patient"]
    assert any(line.endswith("La visite avec l’aide de Marie DUPONT (France Services) est finie. "
                             "Vous avez appuyé sur « Finir l’aide ».") for line in history_lines(client))
    # ended already: the button does nothing more
    client.submit("/mon-dmp", {}, action=FINISH)
    assert [e.action for e in journal(app)].count("helped_visit_ended") == 1


def test_one_at_a_time_the_page_says_who_helps_and_offers_to_end_it(client, notifier, app):
    patient_log_in(client, notifier)
    start(client)
    page = client.get(PAGE).soup.main
    assert page.find(id="name") is None  # no second start while one runs
    text = " ".join(page.get_text(" ", strip=True).split())
    assert "En ce moment, Marie DUPONT (France Services) vous aide." in text
    assert "L’aide a commencé à 10 h 00. Elle finit au plus tard à 12 h 00." in text
    forms = [f["action"] for f in page.find_all("form")]
    assert forms.count(FINISH) == 2  # the banner's and the page's
    again = client.post(PAGE, data={"csrf_token": client.csrf_token(PAGE), "name": "Paul MARTIN",
                                    "organisation": "Association Lire"})
    assert again.status_code == 200
    assert [e.action for e in journal(app)].count("helped_visit_started") == 1
    assert banner(client) == f"{BANNER} Finir l’aide"


def test_logging_out_ends_it_and_a_new_login_has_none(client, notifier, app):
    patient_log_in(client, notifier)
    start(client)
    since = len(journal(app))
    log_out(client, "/mon-dmp")
    ended, logout = journal(app)[since:]
    assert (ended.action, ended.detail["note"]) == ("helped_visit_ended", "help_ended_at_logout")
    assert logout.action == "logout" and "helper" not in (logout.detail or {})  # after the end: alone
    patient_log_in(client, notifier)
    assert banner(client) == ""
    since = len(journal(app))
    assert client.get(f"/mon-dmp/documents/{LAB}").status_code == 200
    assert helpers_of(app, since) == [("read_document", None)]
    assert any(line.endswith("La visite avec l’aide de Marie DUPONT (France Services) est finie. "
                             "Vous vous êtes déconnectée.") for line in history_lines(client))


def test_the_session_s_end_ends_it_too(client, notifier, app, clock):
    patient_log_in(client, notifier)
    start(client)
    clock.advance(minutes=16)  # idle longer than the session allows
    assert client.get("/mon-dmp").headers["Location"] == "/connexion"
    ended = [e for e in journal(app) if e.action == "helped_visit_ended"]
    assert [e.detail["note"] for e in ended] == ["help_ended_with_session"]
    assert journal(app)[-1].action == "session_expired" and "helper" not in (journal(app)[-1].detail or {})


def test_without_its_csrf_token_neither_the_start_nor_the_end_is_done(client, notifier, app):
    patient_log_in(client, notifier)
    assert client.post(PAGE, data=HELPER).status_code == 400
    assert banner(client) == ""
    start(client)
    assert client.post(FINISH).status_code == 400
    assert banner(client) == f"{BANNER} Finir l’aide"
    assert [e.action for e in journal(app)].count("helped_visit_ended") == 0


def test_the_helper_is_sealed_in_the_journal_and_in_the_session(client, notifier, app):
    helper = {"name": "Odile FERRANDIER", "organisation": "Maison des Tilleuls"}
    patient_log_in(client, notifier)
    start(client, helper)
    assert client.get(f"/mon-dmp/documents/{LAB}").status_code == 200
    stored = everything_stored(app)  # the journal, the sessions, every file or row
    for clear in (helper["name"], helper["organisation"]):
        assert clear.encode() not in stored, clear
        assert clear.encode() not in journal_stored(app, DOSSIER)
    assert journal(app)[-1].detail["helper"] == {"name": "Odile FERRANDIER", "from": "Maison des Tilleuls"}


def test_the_helper_is_never_set_on_a_professional_s_entry(app):
    """ctx().helper reaches `act` for the patient's side only (a Holder or a LegalRepresentative)."""
    with app.test_request_context():
        context = ctx()
    context.helper = Helper(NAME, FROM)
    doctor = Professional("10001000016", "Dr Marie Durand", Profession.MEDECIN, "medecine_generale")
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    assert dossier_access.decide_and_journal(context, doctor, "read_dossier", dossier).allowed
    assert "helper" not in journal(app)[-1].detail


def test_a_minor_s_legal_representative_is_helped_the_same_way(client, notifier, app):
    from .test_representatives import lucas_with_his_mother

    lucas_with_his_mother(client, notifier, app)
    dossier_id = app.extensions["dmp.repos"].accounts.find_by_login(
        client.get("/mon-dmp").soup.find("dt", string="Identifiant").find_next("dd").get_text(strip=True)).dossier_id
    start(client)
    home = client.get("/mon-dmp")
    assert home.soup.select_one(".acting-for") is not None and banner(client) == f"{BANNER} Finir l’aide"
    alerts = {"choice": "yes", "openings": "no", **NO_LETTERS}
    assert client.submit("/mon-dmp/gestion/alertes", alerts).status_code == 302
    entries = app.extensions["dmp.repos"].journal.entries(dossier_id)
    started = next(e for e in entries if e.action == "helped_visit_started")
    managed = entries[-1]
    assert started.actor_kind == managed.actor_kind == "legal_representative"
    assert managed.action == "manage" and managed.detail["helper"] == {"name": NAME, "from": FROM}
