"""Sessions live on the server: the cookie is a random id, and a copied cookie opens nothing
after a logout, a password change, a reset or an idle expiry."""
from __future__ import annotations

import dataclasses
import re

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.accounts import session_owner

from ..conftest import CheckedClient, make_app
from ..stored import everything_stored
from .pro_journey import log_out

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

COOKIE = "dmp_session"
DOSSIER = DEMO_LOGIN["dossier_id"]
NEW_PASSWORD = "un jardin de roses en hiver"


def log_in(client, notifier):
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    response = client.submit("/connexion/code", {"code": notifier.last_otp()})
    assert response.headers["Location"] == "/mon-dmp"


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """Another browser, holding a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief.get("/mon-dmp")


def opens_the_dossier(response) -> bool:
    return response.status_code == 200


def test_the_cookie_holds_only_a_random_id_and_the_store_no_usable_id(client, notifier, app):
    log_in(client, notifier)
    cookie = cookie_of(client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", cookie)
    stored = everything_stored(app)
    assert cookie.encode() not in stored and b"_user_id" not in stored  # hashed ids, sealed data
    assert opens_the_dossier(replay(app, cookie))  # a copied cookie works while the session lives


def test_a_copied_cookie_opens_nothing_after_logout(client, notifier, app):
    log_in(client, notifier)
    cookie = cookie_of(client)
    log_out(client, "/mon-dmp")
    after = replay(app, cookie)
    assert after.status_code == 302 and after.headers["Location"].startswith("/connexion")
    assert app.extensions["dmp.repos"].sessions.of_account(session_owner("patient", DOSSIER)) == []


def test_logging_in_gives_a_new_id_so_an_id_known_before_opens_nothing(client, notifier, app):
    client.get("/connexion")  # a session exists already (the form's CSRF token)
    before = cookie_of(client)
    log_in(client, notifier)
    assert cookie_of(client) != before
    assert replay(app, before).status_code == 302


def test_a_password_reset_ends_every_session_of_the_account(client, notifier, app):
    log_in(client, notifier)
    stolen = cookie_of(client)
    helper = app.test_client()  # the holder, on another computer, after forgetting the password
    assert helper.submit("/mot-de-passe-oublie", {"login_id": DEMO_LOGIN["login_id"],
                                                  "nir": DEMO_LOGIN["nir"]}).status_code == 302
    assert helper.submit("/mot-de-passe-oublie/code", {"code": notifier.last_otp()}).status_code == 302
    done = helper.submit("/mot-de-passe-oublie/nouveau", {"new_password": NEW_PASSWORD,
                                                          "new_password_confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/connexion"
    assert replay(app, stolen).status_code == 302
    assert app.extensions["dmp.repos"].sessions.of_account(session_owner("patient", DOSSIER)) == []


def test_an_idle_session_ends_is_journaled_and_says_after_how_long(tmp_path):
    app = make_app(tmp_path)
    app.config["DMP_SETTINGS"] = dataclasses.replace(app.config["DMP_SETTINGS"], session_idle_minutes=5)
    app.test_client_class = CheckedClient
    client, notifier, clock = app.test_client(), app.extensions["dmp.notifier"], app.extensions["dmp.clock"]
    log_in(client, notifier)
    cookie = cookie_of(client)
    clock.advance(minutes=4)
    assert client.get("/mon-dmp").status_code == 200  # 4 minutes: still open, and the clock restarts
    clock.advance(minutes=5, seconds=1)
    ended = client.get("/mon-dmp", follow_redirects=True)
    assert "Vous n’avez rien fait pendant 5 minutes." in ended.soup.select_one("[aria-live]").get_text()
    assert app.extensions["dmp.repos"].journal.entries(DOSSIER)[-1].action == "session_expired"
    assert replay(app, cookie).status_code == 302


def test_a_session_ends_12_hours_after_login_however_busy(client, notifier, app, clock):
    log_in(client, notifier)
    for _ in range(12 * 6):  # a request every 10 minutes: never idle
        clock.advance(minutes=10)
        assert client.get("/mon-dmp").status_code == 200
    clock.advance(minutes=10)
    assert client.get("/mon-dmp").status_code == 302  # 12 hours and 10 minutes after the login


def test_mon_compte_lists_the_sessions_and_closes_the_others_without_javascript(client, notifier, app):
    app.test_client_class = CheckedClient
    other = app.test_client()
    log_in(other, notifier)  # on another computer
    log_in(client, notifier)
    page = client.get("/mon-dmp/compte").soup
    items = [li.get_text(" ", strip=True) for li in page.main.select(".session-list li")]
    assert len(items) == 2 and sum("cet appareil" in item for item in items) == 1
    assert "Votre DMP est ouvert sur 2 appareils." in page.main.get_text(" ")  # nothing to agree with the person
    closed = client.submit("/mon-dmp/compte", {}, action="/mon-dmp/compte/fermer-les-autres-sessions",
                           follow_redirects=True)
    assert "Vos autres sessions sont fermées." in closed.soup.select_one("[aria-live]").get_text()
    assert len(closed.soup.main.select(".session-list li")) == 1
    assert other.get("/mon-dmp").status_code == 302
    assert client.get("/mon-dmp").status_code == 200
    assert app.extensions["dmp.repos"].journal.entries(DOSSIER)[-1].action == "other_sessions_ended"


def test_a_device_is_named_in_a_few_words_never_by_its_whole_header():
    from dmp_web.web.sessions import device_of

    assert device_of("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:130.0) Gecko/20100101 Firefox/130.0") == (
        "Firefox, Windows")
    assert device_of("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1") == (
        "Safari, iPhone")
    assert device_of("Lynx/2.9.0dev.12 libwww-FM/2.14") == "Lynx"
    assert device_of("") == "Navigateur"


def test_purge_sessions_deletes_the_ended_ones_only(client, notifier, app, clock):
    log_in(client, notifier)
    old = cookie_of(client)
    clock.advance(minutes=20)
    app.test_client_class = CheckedClient
    fresh = app.test_client()
    log_in(fresh, notifier)
    result = app.test_cli_runner().invoke(args=["purge-sessions"])
    assert result.exit_code == 0 and "1 session(s) terminée(s) effacée(s)." in result.output
    assert replay(app, old).status_code == 302
    assert fresh.get("/mon-dmp").status_code == 200
    assert [s[1].account for s in app.extensions["dmp.repos"].sessions.of_account(
        session_owner("patient", DOSSIER))] == [session_owner("patient", DOSSIER)]
    assert app.extensions["dmp.repos"].operators.entries()[-1].action == "sessions_purged"


def test_a_request_in_flight_never_brings_back_a_session_ended_meanwhile(client, notifier, app, clock):
    from flask import request

    log_in(client, notifier)
    cookie = cookie_of(client)
    repos = app.extensions["dmp.repos"]
    owner = session_owner("patient", DOSSIER)

    def ended_by_another_request():  # a password reset on another computer, while this one runs
        if request.path == "/mon-dmp":
            repos.sessions.end_all(owner)

    app.before_request_funcs.setdefault(None, []).insert(0, ended_by_another_request)
    clock.advance(seconds=40)  # the session is saved at the end of this request (its last use)
    client.get("/mon-dmp")
    assert repos.sessions.of_account(owner) == []  # not saved back
    app.before_request_funcs[None].remove(ended_by_another_request)
    assert replay(app, cookie).status_code == 302


def test_a_session_is_read_in_the_stores_of_the_app_that_serves_it(client, notifier, tmp_path):
    """One LoginManager serves every app of a process: an app made later, with stores of its own
    (here empty), must not become the one every session is read from."""
    from dmp_web import create_app

    from ..conftest import make_settings

    log_in(client, notifier)
    create_app(make_settings(tmp_path / "another"))  # no demo data: the holder is unknown there
    assert opens_the_dossier(client.get("/mon-dmp"))
