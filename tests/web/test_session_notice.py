"""Two minutes before the idle end, htmx asks for a notice with «Rester connecté»; asking does
not keep the session open, the button does; the same URLs answer whole pages without htmx."""
from __future__ import annotations

from .test_patient_documents import patient_log_in

HX = {"HX-Request": "true"}


def test_every_page_of_a_logged_in_person_asks_for_the_notice_2_minutes_before_the_end(client, notifier):
    patient_log_in(client, notifier)
    asker = client.get("/mon-dmp").soup.find(id="session-notice")
    assert asker["data-hx-get"] == "/session/avis" and asker["data-hx-trigger"] == "load delay:780s"  # 15 min - 2
    assert asker.parent["aria-live"] == "polite"
    assert client.get("/").soup.find(id="session-notice") is not None
    client.post("/deconnexion", data={"csrf_token": client.csrf_token("/mon-dmp")})
    assert client.get("/").soup.find(id="session-notice") is None  # logged out: nothing to ask


def test_asking_for_the_notice_does_not_keep_the_session_open_but_the_button_does(client, notifier, clock):
    patient_log_in(client, notifier)
    clock.advance(minutes=13)
    notice = client.get("/session/avis", headers=HX)
    assert "votre session se ferme dans 2 minutes" in notice.get_data(as_text=True)
    clock.advance(minutes=2, seconds=1)  # 15 minutes and 1 second since the last real request
    ended = client.get("/session/avis", headers=HX)
    assert ended.headers["HX-Redirect"] == "/connexion"

    patient_log_in(client, notifier)
    clock.advance(minutes=13)
    token = client.csrf_token("/session/avis")
    kept = client.post("/session/rester-connecte", data={"csrf_token": token}, headers=HX)
    assert "La connexion reste ouverte." in kept.get_data(as_text=True)
    clock.advance(minutes=14)  # 27 minutes after the login, 14 after the button
    assert client.get("/mon-dmp").status_code == 200


def test_without_htmx_the_notice_and_the_button_are_whole_pages(client, notifier):
    patient_log_in(client, notifier)
    page = client.get("/session/avis")
    assert page.soup.h1.get_text(strip=True) == "Votre session"
    assert page.soup.find("button", string="Rester connecté") is not None
    stayed = client.submit("/session/avis", {}, action="/session/rester-connecte", follow_redirects=True)
    assert "La connexion reste ouverte." in stayed.soup.select_one("[aria-live]").get_text()
