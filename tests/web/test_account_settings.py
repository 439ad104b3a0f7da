"""« Mon compte » through the test client: the password changes with the current one (wrong ones
count and lock like the login), the other sessions end and the contacts are told; the login
codes go by the channel chosen, only one the account has a contact for; each change journaled."""
from __future__ import annotations

import pytest

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.accounts import session_owner

from ..conftest import field_error
from .pro_journey import DOSSIER, journal, log_out

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

ACCOUNT = "/mon-dmp/compte"
PASSWORD = "/mon-dmp/compte/mot-de-passe"
CHANNEL = "/mon-dmp/compte/codes"
HISTORY = "/mon-dmp/historique"
NEW_PASSWORD = "un jardin de roses en hiver"
MOBILE, EMAIL = DEMO_LOGIN["mobile"], DEMO_LOGIN["email"]
NOTICE = "Le mot de passe de votre DMP a changé. Ce n’est pas vous ? Appelez votre caisse."


def log_in(client, notifier, password: str = DEMO_PASSWORD):
    started = client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": password})
    if started.headers.get("Location") != "/connexion/code":
        return started
    return client.submit("/connexion/code", {"code": notifier.last_otp()})


@pytest.fixture
def patient(client, notifier):
    assert log_in(client, notifier).headers["Location"] == "/mon-dmp"
    return client


def account(app):
    return app.extensions["dmp.repos"].accounts.get(DOSSIER)


def set_account(app, **values):
    with app.extensions["dmp.repos"].accounts.updating(DOSSIER) as acc:
        for name, value in values.items():
            setattr(acc, name, value)


def flash(response) -> str:
    return response.soup.select_one("[aria-live]").get_text(" ", strip=True)


def summary_links(soup) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup.select("main .error-summary a")]


def history_lines(client) -> list[str]:
    soup = client.get(HISTORY, query_string={"acces": "tous"}).soup
    return [" ".join(li.get_text(" ", strip=True).split()) for li in soup.select("#historique-liste li.history-entry")]


def change(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None, **kw):
    return client.submit(PASSWORD, {"current_password": current, "new_password": new,
                                    "new_password_confirm": new if confirm is None else confirm}, **kw)


# -- the page and the menu -----------------------------------------------------------------------

def test_every_page_of_the_patients_space_links_to_my_account(patient):
    for path in ("/mon-dmp", "/mon-dmp/documents", "/mon-dmp/informations", HISTORY, "/mon-dmp/gestion"):
        menu = patient.get(path).soup.select_one("nav[aria-label='Menu principal']")
        assert [a["href"] for a in menu.find_all("a") if a.get_text(strip=True) == "Mon compte"] == [ACCOUNT], path


def test_my_account_links_to_each_change(patient):
    main = patient.get(ACCOUNT).soup.main
    links = {a.get_text(" ", strip=True): a["href"] for a in main.find_all("a")}
    assert links["Changer mon mot de passe"] == PASSWORD
    assert links["Recevoir mes codes par SMS ou par e-mail"] == CHANNEL
    assert links["Changer mon numéro de portable"] == "/mon-dmp/informations/telephone"
    assert links["Changer mon adresse e-mail"] == "/mon-dmp/informations/e-mail"
    assert f"Vous recevez vos codes par e-mail à {EMAIL}." in main.get_text(" ", strip=True)


# -- the password --------------------------------------------------------------------------------

def test_the_password_changes_the_other_sessions_end_and_this_one_stays(patient, notifier, app):
    other = app.test_client()  # the same holder, on another computer
    assert log_in(other, notifier).headers["Location"] == "/mon-dmp"
    before = len(notifier.outbox)
    done = change(patient, DEMO_PASSWORD, follow_redirects=True)
    assert flash(done) == "Votre mot de passe est changé. Vos autres sessions sont fermées."
    assert patient.get("/mon-dmp").status_code == 200
    assert other.get("/mon-dmp").status_code == 302
    assert len(app.extensions["dmp.repos"].sessions.of_account(session_owner("patient", DOSSIER))) == 1
    told = [(type(m).__name__, m.to) for m in notifier.outbox[before:]]
    assert told == [("Sms", MOBILE), ("Email", EMAIL)]
    assert all(NOTICE in " ".join(m.body.split()) for m in notifier.outbox[before:])
    assert NEW_PASSWORD not in "".join(m.body for m in notifier.outbox[before:])
    (changed,) = [e for e in journal(app) if e.action == "password_changed"]
    assert changed.detail == {"note": "password_changed_in_account"}
    assert [(e.action, e.detail) for e in journal(app)[-2:]] == [  # each sending journaled (services/notices.py)
        ("password_notice", {"note": "to_holder_by_sms"}), ("password_notice", {"note": "to_holder_by_email"})]
    assert any("Vous avez changé votre mot de passe" in line for line in history_lines(patient))

    log_out(patient, "/mon-dmp")
    refused = log_in(patient, notifier, DEMO_PASSWORD)
    assert refused.status_code == 200 and field_error(refused.soup, "password")
    assert log_in(patient, notifier, NEW_PASSWORD).headers["Location"] == "/mon-dmp"


def test_the_change_stands_when_the_notice_cannot_be_sent(patient, notifier, app, monkeypatch):
    from dmp_web.notify import DeliveryFailed

    def gateway_down(message):
        raise DeliveryFailed("gateway down")

    monkeypatch.setattr(notifier.sms, "send", gateway_down)
    done = change(patient, DEMO_PASSWORD, follow_redirects=True)
    assert flash(done) == "Votre mot de passe est changé. Vos autres sessions sont fermées."
    assert notifier.outbox[-1].to == EMAIL  # the e-mail still goes
    assert [(e.action, e.allowed, e.reason) for e in journal(app)[-3:]] == [
        ("password_changed", True, ""), ("password_notice", False, "le message n’est pas parti"),
        ("password_notice", True, "")]


def test_a_wrong_current_password_is_refused_counted_and_journaled(patient, app):
    hash_before = account(app).password_hash
    refused = change(patient, "pas le bon mot de passe")
    assert refused.status_code == 200 and refused.soup.title.get_text().startswith("Erreur : ")
    assert field_error(refused.soup, "current_password").startswith("Ce mot de passe n’est pas le bon.")
    assert account(app).password_hash == hash_before and account(app).failed_passwords == 1
    assert journal(app)[-1].action == "login_password_wrong" and not journal(app)[-1].allowed


def test_after_3_wrong_current_passwords_even_the_right_one_waits(patient, app, clock):
    for _ in range(3):
        change(patient, "pas le bon mot de passe")
    locked = change(patient, DEMO_PASSWORD)
    assert field_error(locked.soup, "current_password") == "Après des erreurs, attendez 30 secondes entre 2 essais"
    assert journal(app)[-1].action == "login_locked"
    assert all(e.action != "password_changed" for e in journal(app))
    clock.advance(seconds=31)
    assert change(patient, DEMO_PASSWORD).headers["Location"] == ACCOUNT
    assert account(app).failed_passwords == 0


def test_5_wrong_current_passwords_warn_the_holder_like_the_login(patient, notifier, clock):
    for _ in range(5):
        change(patient, "pas le bon mot de passe")
        clock.advance(seconds=31)
    assert "plusieurs mots de passe faux" in notifier.outbox[-1].body


def test_every_error_shows_at_once(patient, app):
    empty = change(patient, "", "", "")
    assert summary_links(empty.soup) == ["Écrivez votre mot de passe actuel", "Écrivez votre nouveau mot de passe",
                                         "Écrivez encore une fois votre nouveau mot de passe"]
    both = change(patient, "pas le bon mot de passe", "court")
    assert field_error(both.soup, "current_password").startswith("Ce mot de passe n’est pas le bon.")
    assert field_error(both.soup, "new_password") == "Le mot de passe doit avoir au moins 12 caractères"
    assert len(summary_links(both.soup)) == 2


@pytest.mark.parametrize(("new", "expected"), [
    (DEMO_PASSWORD, "Le nouveau mot de passe doit être différent de l’ancien"),
    ("fro7510 et mon chat roux", "Le mot de passe ne doit pas contenir votre identifiant"),
    ("azertyuiop123456", "Ce mot de passe est parmi les plus utilisés. Choisissez-en un autre"),
])
def test_the_new_password_follows_the_rules_of_the_first_connection(patient, app, new, expected):
    refused = change(patient, DEMO_PASSWORD, new)
    assert field_error(refused.soup, "new_password") == expected
    assert not field_error(refused.soup, "current_password")
    assert journal(app)[-1].action != "password_changed"


def test_the_2_new_passwords_must_be_the_same(patient, app):
    refused = change(patient, DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert field_error(refused.soup, "new_password_confirm").startswith("Les 2 mots de passe ne sont pas les mêmes")
    assert account(app).failed_passwords == 0  # the current one was not even tried


# -- the channel of the codes --------------------------------------------------------------------

def test_the_next_login_code_goes_by_the_channel_chosen(patient, notifier, app):
    done = patient.submit(CHANNEL, {"channel": "sms"}, follow_redirects=True)
    assert flash(done) == "Vos prochains codes arrivent par SMS."
    assert account(app).otp_channel == "sms"
    assert journal(app)[-1].action == "otp_channel_changed" and journal(app)[-1].detail == {"note": "by_sms"}
    assert any("Vous avez choisi comment recevoir vos codes de connexion" in line for line in history_lines(patient))
    log_out(patient, "/mon-dmp")
    before = len(notifier.outbox)
    patient.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    assert [(type(m).__name__, m.to) for m in notifier.outbox[before:]] == [("Sms", MOBILE)]


def test_the_same_channel_again_changes_nothing(patient, app):
    entries = len(journal(app))
    done = patient.submit(CHANNEL, {"channel": "email"}, follow_redirects=True)
    assert flash(done) == "Rien n’a changé."
    assert all(e.action != "otp_channel_changed" for e in journal(app)[entries:])


def test_without_a_mobile_the_page_says_so_and_sms_is_refused(patient, app):
    set_account(app, mobile="")
    page = patient.get(CHANNEL).soup
    assert "Vous n’avez pas de numéro de portable." in page.main.get_text(" ", strip=True)
    assert page.main.find("a", string="Ajouter mon numéro de portable")["href"] == "/mon-dmp/informations/telephone"
    refused = patient.submit(CHANNEL, {"channel": "sms"})
    assert field_error(refused.soup, "channel") == ("Vous n’avez pas de numéro de portable. "
                                                   "Ajoutez-le dans Mes informations")
    assert account(app).otp_channel == "email"
    assert all(e.action != "otp_channel_changed" for e in journal(app))


def test_without_an_email_the_page_says_so_and_email_is_refused(client, notifier, app):
    set_account(app, otp_channel="sms")
    assert log_in(client, notifier).headers["Location"] == "/mon-dmp"
    set_account(app, email="")
    page = client.get(CHANNEL).soup
    assert page.main.find("a", string="Ajouter mon adresse e-mail")["href"] == "/mon-dmp/informations/e-mail"
    refused = client.submit(CHANNEL, {"channel": "email"})
    assert field_error(refused.soup, "channel") == "Vous n’avez pas d’adresse e-mail. Ajoutez-la dans Mes informations"
    assert account(app).otp_channel == "sms"


def test_an_empty_choice_says_what_to_do(patient):
    refused = patient.submit(CHANNEL, {})
    assert field_error(refused.soup, "channel") == "Choisissez comment recevoir vos codes : par SMS ou par e-mail"


def test_the_pages_are_for_the_logged_in_holder_only(client):
    for path in (PASSWORD, CHANNEL):
        assert client.get(path).headers["Location"].startswith("/connexion")
