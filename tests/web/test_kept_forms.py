"""Nothing typed is lost when a session ends (WCAG 2.2.1): a form posted after the end is kept,
sealed, for one hour and for that account only, and comes back filled in after the new login."""
from __future__ import annotations

from .pro_journey import DURAND, log_out, pro_log_in
from .test_patient_documents import patient_log_in

DIRECTIVES = "/mon-dmp/volontes/directives-anticipees"
TEXT = "Je ne veux pas d’acharnement. Je veux rester chez moi le plus longtemps possible."


def write_directives_after_the_end(client, notifier, clock):
    patient_log_in(client, notifier)
    token = client.csrf_token(DIRECTIVES)
    clock.advance(minutes=16)  # the patient took her time
    return client.post(DIRECTIVES, data={"csrf_token": token, "text": TEXT}, follow_redirects=True)


def test_directives_written_after_the_session_ended_come_back_after_login(client, notifier, clock, app):
    ended = write_directives_after_the_end(client, notifier, clock)
    flashes = ended.soup.select_one("[aria-live]").get_text(" ")
    assert "Nous avons gardé ce que vous avez écrit, pendant 1 heure." in flashes
    assert ended.soup.h1.get_text(strip=True) == "Me connecter à mon DMP"
    store = app.extensions["dmp.store"].root
    assert TEXT.encode() not in b"".join(p.read_bytes() for p in store.rglob("*.json"))  # sealed

    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    back = client.submit("/connexion/code", {"code": notifier.last_otp()}, follow_redirects=True)
    assert back.request.path == DIRECTIVES
    assert back.soup.find("textarea", attrs={"name": "text"}).get_text().strip() == TEXT
    assert "Voici ce que vous aviez écrit." in back.soup.select_one("[aria-live]").get_text(" ")
    assert app.extensions["dmp.repos"].wishes.get(app.extensions["dmp.repos"].accounts.find_by_login(
        "fro7510").dossier_id).advance_directives == ""  # kept, not saved: she sends it herself
    again = client.get(DIRECTIVES)
    assert again.soup.find("textarea", attrs={"name": "text"}).get_text().strip() == ""  # given back once


def test_a_kept_form_is_for_its_account_only_and_for_one_hour(client, notifier, clock):
    write_directives_after_the_end(client, notifier, clock)
    pro_log_in(client, notifier, DURAND)  # someone else logs in on this computer
    assert client.get("/pro").status_code == 200
    log_out(client, "/pro")
    clock.advance(hours=1, minutes=1)
    client.submit("/connexion", {"login_id": "fro7510", "password": "demo-dmp-2026"})
    late = client.submit("/connexion/code", {"code": notifier.last_otp()})
    assert late.headers["Location"] == "/mon-dmp"  # too late: the usual home page
    assert client.get(DIRECTIVES).soup.find("textarea", attrs={"name": "text"}).get_text().strip() == ""
