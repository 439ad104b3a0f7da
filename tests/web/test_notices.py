"""Who is told when a professional opens a DMP (services/notices.py), through the real senders:
e-mail over the loopback SMTP server, SMS through the outbox gateway of «testing», letters in
the mail-room queue. After every emergency access: the patient, the médecin traitant, the
trusted person when the patient ticked the box. When the patient asked it: one message an hour
at most, listing who opened the DMP. Each sending is journaled, in words the patient reads;
no message ever holds a document's title or content."""
from __future__ import annotations

import io
import logging
from pathlib import Path

import pdfplumber
import pytest

from dmp_web.demo import DEMO_DOCUMENTS, DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.falc import check_text
from dmp_web.notify import Email, Sms, notifier_from_settings
from dmp_web.services import history, notices
from dmp_web.worker import Worker

from ..conftest import field_error
from .pro_journey import BERNARD, DOSSIER, DURAND, HADDAD, LEFEVRE, PETIT, journal, log_out, pro_log_in

BOTH_STORES = True  # the emergency notices and the hourly message run on files and on PostgreSQL

REASON = "Patiente inconsciente à domicile, allergies à vérifier"
WHEN = "le 23 novembre 2026 à 10 h 00"  # the test clock (9 h 00 UTC), in France
DURAND_MAIL = "pro01@example.org"  # the médecin traitant's directory account
TRUSTED_MOBILE = "0699887766"
NO_LETTERS = {"notices_by_post": "no", "history_by_post": "no"}  # « Mes alertes »: the letters asked
SECRETS = [words for row in DEMO_DOCUMENTS for words in (row[2], *row[5].splitlines())]  # titles, contents


def patient_log_in(client, notifier):
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    client.submit("/connexion/code", {"code": notifier.last_otp()})


def real_senders(app, tmp_path: Path, smtp_server):
    """The notifier of «testing» on the loopback SMTP server: e-mail by SMTP, SMS to the outbox
    gateway's files, letters in the app's own mail-room queue (files or PostgreSQL)."""
    made = notifier_from_settings(
        "testing", tmp_path / "exports", {"host": smtp_server.host, "port": smtp_server.port,
                                          "sender": "dmp@dmp.example"},
        letter_sealer=app.extensions["dmp.notifier"].letters.sealer)
    made.letters = app.extensions["dmp.notifier"].letters
    app.extensions["dmp.notifier"] = made
    return made


def sms_sent(tmp_path: Path) -> list[tuple[str, str]]:
    """(number, text) of every SMS the outbox gateway wrote, oldest first."""
    found = []
    for path in sorted((tmp_path / "exports" / "outbox" / "sms").glob("*.txt")):
        head, _, body = path.read_text("utf-8").partition("\n\n")
        found.append((head.removeprefix("To: ").strip(), body.strip()))
    return found


def mails(smtp_server) -> list[tuple[str, str, str]]:
    return [(m["To"], m["Subject"], m.get_content().replace("\r\n", "\n")) for m in smtp_server.messages]


def assert_no_document_in(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def told_sentences(app) -> list[str]:
    """The history's sentences of the notices' entries, oldest first."""
    return [history.describe(e, titles={}, professionals={}).text.replace("\xa0", " ") for e in journal(app)
            if e.action in ("emergency_notice", "openings_notice")]


def set_trusted_person(client, tell: bool, phone=TRUSTED_MOBILE, email=""):
    data = {"name": "Paul Roche", "link": "mon mari", "phone": phone, "email": email}
    if tell:
        data["tell"] = "y"
    return client.submit("/mon-dmp/volontes/personne-de-confiance", data)


def set_contacts(app, mobile: str, email: str, channel: str = "email"):
    with app.extensions["dmp.repos"].accounts.updating(DOSSIER) as account:
        account.mobile, account.email, account.otp_channel = mobile, email, channel


def open_emergency(client, notifier, login_id=LEFEVRE, reason=REASON):
    pro_log_in(client, notifier, login_id)
    return client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": reason})


# -- after an emergency access ------------------------------------------------------------------

def test_break_glass_tells_the_patient_the_attending_doctor_and_the_trusted_person(
        client, notifier, app, tmp_path, smtp_server):
    patient_log_in(client, notifier)
    assert set_trusted_person(client, tell=True).status_code == 302
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    real_senders(app, tmp_path, smtp_server)

    opened = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON})
    assert opened.headers["Location"] == f"/pro/dmp/{DOSSIER}"

    (to_patient, to_doctor) = mails(smtp_server)
    assert to_patient[:2] == (DEMO_LOGIN["email"], "Votre DMP a été ouvert en urgence")  # her chosen way
    for said in (f"Votre DMP a été ouvert en urgence {WHEN}.", "Par : le docteur Paul Lefèvre (médecin, cardiologie).",
                 "C’était un accès « bris de glace ».", f"Sa raison : « {REASON} ».", "/connexion"):
        assert said in to_patient[2]
    assert to_doctor[:2] == (DURAND_MAIL, "Le DMP de Fatima ROCHE a été ouvert en urgence")
    assert (f"Le DMP de votre patiente Fatima ROCHE a été ouvert en urgence.\n"
            f"Le DMP est le carnet de santé sur internet.\nC’était {WHEN}.") in to_doctor[2]
    assert "le docteur Paul Lefèvre (médecin, cardiologie)" in to_doctor[2] and REASON in to_doctor[2]
    ((number, text),) = sms_sent(tmp_path)
    assert number == TRUSTED_MOBILE
    assert text.startswith(f"DMP - Le DMP de Fatima ROCHE a été ouvert en urgence. C’était {WHEN}.")
    assert "le docteur Paul Lefèvre (médecin, cardiologie)" in text and REASON in text
    assert_no_document_in(to_patient[2], to_doctor[2], text)
    assert told_sentences(app) == [
        f"Nous vous avons envoyé un e-mail {WHEN}. C’était pour un accès en urgence à votre DMP.",
        f"Nous avons envoyé un e-mail à votre médecin {WHEN}. C’était pour un accès en urgence à votre DMP.",
        f"Nous avons envoyé un message à la personne à qui vous faites confiance {WHEN}. "
        "C’était pour un accès en urgence à votre DMP.",
    ]


def test_the_regulator_tells_the_patient_by_sms_and_the_trusted_person_only_if_the_box_is_ticked(
        client, notifier, app, tmp_path, smtp_server):
    patient_log_in(client, notifier)
    set_trusted_person(client, tell=False)
    log_out(client, "/mon-dmp")
    set_contacts(app, DEMO_LOGIN["mobile"], "")  # a mobile only: the SMS, whatever way she chose
    pro_log_in(client, notifier, HADDAD)
    real_senders(app, tmp_path, smtp_server)

    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Appel au 15 : douleur dans la poitrine"})

    ((number, text),) = sms_sent(tmp_path)  # the patient's; none to the trusted person
    assert number == DEMO_LOGIN["mobile"]
    assert text.startswith(f"DMP - Votre DMP a été ouvert en urgence {WHEN}.")
    assert "le docteur Karim Haddad (médecin, médecine d’urgence)" in text
    assert "C’était pendant un appel au 15." in text and "« Appel au 15 : douleur dans la poitrine »" in text
    assert [m[0] for m in mails(smtp_server)] == [DURAND_MAIL]
    assert "pendant un appel au 15" in mails(smtp_server)[0][2]
    assert [line.split(" le ")[0] for line in told_sentences(app)] == [
        "Nous vous avons envoyé un message sur votre portable", "Nous avons envoyé un e-mail à votre médecin"]


def test_without_mobile_or_email_the_patient_gets_a_letter_in_the_mail_room_queue(
        client, notifier, app, tmp_path, smtp_server):
    set_contacts(app, "", "")
    pro_log_in(client, notifier, LEFEVRE)
    senders = real_senders(app, tmp_path, smtp_server)
    queued_before = {letter["letter_id"] for letter in senders.letters.list()}

    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON})

    (letter,) = [x for x in senders.letters.list() if x["letter_id"] not in queued_before]
    assert letter["kind"] == "emergency_notice"
    assert letter["address"] == ["Fatima ROCHE", "40 boulevard National", "13003 Marseille"]  # from the register
    with pdfplumber.open(io.BytesIO(senders.letters.pdf(letter["letter_id"]))) as pdf:
        text = " ".join(" ".join((page.extract_text() or "") for page in pdf.pages).split())
    assert "Votre dossier médical partagé a été ouvert en urgence" in text
    assert "Par : le docteur Paul Lefèvre (médecin, cardiologie)." in text and REASON in text
    assert_no_document_in(text)
    assert sms_sent(tmp_path) == [] and [m[0] for m in mails(smtp_server)] == [DURAND_MAIL]
    assert told_sentences(app)[0] == (f"Nous vous avons envoyé une lettre {WHEN}. "
                                      "C’était pour un accès en urgence à votre DMP.")


def test_a_failed_delivery_is_journaled_and_logged_and_the_access_stays_open(
        client, notifier, app, tmp_path, smtp_server, caplog):
    smtp_server.refuse_recipients = "550 mailbox unavailable"
    pro_log_in(client, notifier, LEFEVRE)
    real_senders(app, tmp_path, smtp_server)

    with caplog.at_level(logging.WARNING, logger="dmp_web.services.notices"):
        opened = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON})

    assert opened.headers["Location"] == f"/pro/dmp/{DOSSIER}"
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/d0c0000000000001").status_code == 200
    failed = [e for e in journal(app) if e.action == "emergency_notice"]
    assert [(e.allowed, e.detail["note"]) for e in failed] == [
        (False, "to_holder_by_email"), (False, "to_attending_doctor_by_email")]
    assert told_sentences(app)[0] == (f"Nous n’avons pas pu vous envoyer d’e-mail {WHEN}. C’était pour un accès "
                                      "en urgence à votre DMP. Raison : le message n’est pas parti.")
    logged = [r.getMessage() for r in caplog.records if r.name == "dmp_web.services.notices"]
    assert len(logged) == 2 and all("DeliveryFailed" in line for line in logged)
    assert all("example.org" not in line and REASON not in line for line in logged)


def test_no_notice_when_the_emergency_is_refused_and_the_attending_doctor_is_not_told_of_her_own(
        client, notifier, app):
    pro_log_in(client, notifier, DURAND)  # the médecin traitant herself opens an emergency access
    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON})
    assert [e.detail["note"] for e in journal(app) if e.action == "emergency_notice"] == ["to_holder_by_email"]
    log_out(client, "/pro")
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.break_glass_access = False
    repos.dossiers.save(dossier)
    sent_before = len(notifier.outbox)
    assert open_emergency(client, notifier, BERNARD).status_code == 403
    assert len([e for e in journal(app) if e.action == "emergency_notice"]) == 1
    assert len(notifier.outbox) == sent_before + 1  # the login code only


def test_every_emergency_message_is_easy_to_read(client, notifier, app, tmp_path, smtp_server):
    patient_log_in(client, notifier)
    set_trusted_person(client, tell=True, phone="0123456789", email="paul.roche@example.org")
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    real_senders(app, tmp_path, smtp_server)
    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON})
    bodies = [m[2] for m in mails(smtp_server)]
    assert [m[0] for m in mails(smtp_server)] == [DEMO_LOGIN["email"], DURAND_MAIL, "paul.roche@example.org"]
    for body in bodies:
        # the reason is the professional's own words (not ours to check); the rest is ours
        report = check_text(body.replace(f"« {REASON} »", "« sa raison »"))  # with the glossary
        assert report.findings == (), (body, report.findings)


# -- the trusted person's box ---------------------------------------------------------------------

def test_the_box_needs_a_mobile_or_an_email_and_is_journaled(client, notifier, app):
    patient_log_in(client, notifier)
    page = set_trusted_person(client, tell=True, phone="0123456789")
    assert page.status_code == 200
    assert field_error(page.soup, "tell") == "Pour la prévenir, écrivez son numéro de portable ou son adresse e-mail"
    assert set_trusted_person(client, tell=True, phone="0123456789", email="Paul.Roche@example.org").status_code == 302
    wishes = app.extensions["dmp.repos"].wishes.get(DOSSIER)
    assert wishes.tell_trusted_person_of_emergencies and wishes.trusted_person.email == "paul.roche@example.org"
    summary = client.get("/mon-dmp/volontes").soup
    assert summary.find(id="confiance-prevenue").get_text() == "Nous la prévenons si on ouvre votre DMP en urgence."
    assert "paul.roche@example.org" in summary.main.get_text(" ")
    form = client.get("/mon-dmp/volontes/personne-de-confiance").soup
    assert form.find(id="tell").has_attr("checked") and form.find(id="email")["value"] == "paul.roche@example.org"
    set_trusted_person(client, tell=False)
    assert not app.extensions["dmp.repos"].wishes.get(DOSSIER).tell_trusted_person_of_emergencies
    assert client.get("/mon-dmp/volontes").soup.find(id="confiance-prevenue") is None
    assert [e.detail["change"]["what"] for e in journal(app) if e.action == "manage"][-2:] == [
        "trusted_person_set_told_of_emergencies", "trusted_person_set"]
    history_page = client.get("/mon-dmp/historique", query_string={"acces": "tous"}).soup.main.get_text(" ")
    assert "personne de confiance enregistrée, à prévenir des accès en urgence" in " ".join(history_page.split())


# -- the hourly message ---------------------------------------------------------------------------

def ask_openings(client, notifier, on: bool = True):
    patient_log_in(client, notifier)
    response = client.submit("/mon-dmp/gestion/alertes",
                             {"choice": "no", "openings": "yes" if on else "no", **NO_LETTERS})
    log_out(client, "/mon-dmp")
    return response


def opens(client, notifier, login_id: str):
    pro_log_in(client, notifier, login_id)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
    log_out(client, "/pro")


def test_the_alerts_page_stores_and_journals_the_second_choice(client, notifier, app, clock):
    patient_log_in(client, notifier)
    page = client.get("/mon-dmp/gestion/alertes").soup
    assert page.find(id="openings-1").has_attr("checked")  # «Non» until asked
    assert "Nous n’envoyons pas ce message par courrier." in page.main.get_text(" ")
    missing = client.submit("/mon-dmp/gestion/alertes", {"choice": "no", **NO_LETTERS})
    assert field_error(missing.soup, "openings") == "Choisissez oui ou non"
    client.submit("/mon-dmp/gestion/alertes", {"choice": "no", "openings": "yes", **NO_LETTERS})
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    assert dossier.alert_openings and dossier.alert_openings_since == clock()
    assert client.get("/mon-dmp/gestion/alertes").soup.find(id="openings-0").has_attr("checked")
    client.submit("/mon-dmp/gestion/alertes", {"choice": "no", "openings": "no", **NO_LETTERS})
    assert not app.extensions["dmp.repos"].dossiers.get(DOSSIER).alert_openings
    assert [e.detail["change"]["what"] for e in journal(app) if e.action == "manage"][-4:] == [
        "alerts_off", "opening_alerts_on", "alerts_off", "opening_alerts_off"]
    set_contacts(app, "", "")
    assert client.get("/mon-dmp/gestion/alertes").soup.find(id="sans-contact") is not None


def test_several_openings_within_an_hour_make_one_message_and_the_next_hour_another(
        client, notifier, app, clock, tmp_path, smtp_server):
    ask_openings(client, notifier)
    senders = real_senders(app, tmp_path, smtp_server)
    # the logins' codes go by e-mail too: the professionals' messages are told apart by address

    def to_patient():
        return [m for m in mails(smtp_server) if m[0] == DEMO_LOGIN["email"]]
    worker = Worker(app)

    def pro_opens(login_id):
        app.extensions["dmp.notifier"] = notifier
        pro_log_in(client, notifier, login_id)
        app.extensions["dmp.notifier"] = senders
        assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
        log_out(client, "/pro")

    pro_opens(DURAND)  # 10 h 00 in France: nothing sent in the last hour, told at once
    ((_, subject, first),) = to_patient()
    assert subject == "Un soignant a ouvert votre DMP"
    assert f"- La docteure Marie Durand (médecin) : {WHEN}." in first
    clock.advance(minutes=10)
    pro_opens(BERNARD)
    clock.advance(minutes=10)
    pro_opens(PETIT)
    pro_opens(PETIT)  # twice in the same minute: said once
    clock.advance(minutes=20)
    assert worker.flush_notices() == 0 and len(to_patient()) == 1  # 10 h 40: the hour is not over
    clock.advance(minutes=20)
    assert worker.flush_notices() == 1  # 11 h 00
    assert worker.flush_notices() == 0  # sent once
    second = to_patient()[1][2]
    assert "Des soignants ont ouvert votre DMP." in second
    assert "- Hugo Bernard (infirmier) : le 23 novembre 2026 à 10 h 10." in second
    assert "- Claire Petit (pharmacienne) : le 23 novembre 2026 à 10 h 20." in second
    assert "Marie Durand" not in second  # told already
    clock.advance(minutes=5)
    pro_opens(DURAND)  # 11 h 05: within the hour of the last message, it waits
    assert len(to_patient()) == 2
    clock.advance(minutes=55)
    assert worker.flush_notices() == 1 and "La docteure Marie Durand (médecin) : le 23 novembre 2026 à 11 h 05." in \
        to_patient()[2][2]
    assert_no_document_in(*(m[2] for m in to_patient()))
    assert told_sentences(app) == [
        f"Nous vous avons envoyé un e-mail {at}. C’était pour dire qui a ouvert votre DMP."
        for at in (WHEN, "le 23 novembre 2026 à 11 h 00", "le 23 novembre 2026 à 12 h 00")]


def test_the_hourly_message_goes_by_sms_with_a_mobile_only_and_never_by_post(client, notifier, app, clock):
    ask_openings(client, notifier)
    set_contacts(app, DEMO_LOGIN["mobile"], "")
    sent_before = len(notifier.outbox)
    opens(client, notifier, BERNARD)
    sms = [m for m in notifier.outbox[sent_before:] if getattr(m, "to", "") == DEMO_LOGIN["mobile"]]
    assert [m.body for m in sms] == [
        "DMP - Votre DMP a été ouvert. Hugo Bernard (infirmier) : le 23 novembre 2026 à 10 h 00. "
        "Tout est dans l’historique de votre DMP."]
    set_contacts(app, "", "")
    letters = app.extensions["dmp.notifier"].letters
    queued = len(letters.list())
    clock.advance(hours=2)
    opens(client, notifier, PETIT)
    assert len(letters.list()) == queued  # no letter an hour
    assert [e.detail["note"] for e in journal(app) if e.action == "openings_notice"] == ["to_holder_by_sms"]


def test_no_hourly_message_unless_asked_nor_for_openings_before_it_was_asked(client, notifier, app, clock):
    opens(client, notifier, BERNARD)  # not asked yet
    assert [e for e in journal(app) if e.action == "openings_notice"] == []
    clock.advance(minutes=1)
    ask_openings(client, notifier)
    clock.advance(minutes=1)
    opens(client, notifier, PETIT)
    (message,) = [m for m in notifier.outbox if getattr(m, "subject", "") == "Un soignant a ouvert votre DMP"]
    assert "Claire Petit" in message.body and "Hugo Bernard" not in message.body
    clock.advance(hours=2)
    ask_openings(client, notifier, on=False)
    opens(client, notifier, PETIT)
    clock.advance(hours=2)
    assert notices.flush_due(app_ctx(app)) == 0
    assert len([e for e in journal(app) if e.action == "openings_notice"]) == 1


def app_ctx(app):
    from dmp_web.web.deps import ctx

    with app.app_context():
        return ctx()


@pytest.mark.parametrize("phone, email, channel", [(TRUSTED_MOBILE, "paul.roche@example.org", "sms"),
                                                   ("0123456789", "paul.roche@example.org", "email")])
def test_the_trusted_person_gets_an_sms_on_a_mobile_else_an_email(client, notifier, app, phone, email, channel):
    patient_log_in(client, notifier)
    set_trusted_person(client, tell=True, phone=phone, email=email)
    log_out(client, "/mon-dmp")
    open_emergency(client, notifier)
    trusted = [m for m in notifier.outbox if getattr(m, "to", "") in (phone, email)]
    assert len(trusted) == 1 and isinstance(trusted[0], Email if channel == "email" else Sms)


@pytest.mark.parametrize("path, reachable", [("/mon-dmp/gestion/alertes", False),
                                             ("/mon-dmp/gestion/alertes", True),
                                             ("/mon-dmp/volontes/personne-de-confiance", True)])
def test_the_pages_are_easy_to_read_with_and_without_contacts(client, notifier, app, path, reachable):
    """The browser tests see the demo DMP, which has a mobile and an e-mail: this is the other state."""
    from dmp_web.texts.page_text import check_page

    patient_log_in(client, notifier)
    if not reachable:
        set_contacts(app, "", "")
    page = client.get(path)
    assert (page.soup.find(id="sans-contact") is None) == reachable
    assert check_page(page.get_data(as_text=True)).findings == ()


def test_the_history_tells_each_notice_in_easy_french(client, notifier, app, tmp_path, smtp_server):
    from dmp_web.texts.page_text import check_page

    from dmp_web.domain.wishes import Person, Wishes

    # saved straight in the store: the history line of the wishes' change is not this test's
    app.extensions["dmp.repos"].wishes.save(DOSSIER, Wishes(
        trusted_person=Person("Paul Roche", "mon mari", "0123456789", "paul.roche@example.org"),
        tell_trusted_person_of_emergencies=True))
    smtp_server.refuse_recipients = "550 mailbox unavailable"
    pro_log_in(client, notifier, HADDAD)
    real_senders(app, tmp_path, smtp_server)
    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Appel au 15 : douleur dans la poitrine"})
    log_out(client, "/pro")
    app.extensions["dmp.notifier"] = notifier
    patient_log_in(client, notifier)
    page = client.get("/mon-dmp/historique")
    text = " ".join(page.soup.main.get_text(" ").split())
    assert "Nous n’avons pas pu écrire à la personne à qui vous faites confiance." in text
    assert "Raison : le message n’est pas parti." in text
    assert check_page(page.get_data(as_text=True)).findings == ()
