"""Every notice to the patient goes through one rule (domain/notices.py `holder_channels`,
services/notices.py `tell_holder`): the channel of the login codes, the other one when it is
missing, a letter in the mail-room queue when there is neither or when the patient chose
« Recevoir mes messages par courrier ». Through the real routes: a new document, a report
handled, a new password, a new contact at the desk; each sending journaled, never a document's
title or content, and the desk's change told to the contact of before."""
from __future__ import annotations

import io

import pdfplumber

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.notify import Sms
from dmp_web.services import history

from .pro_journey import DOSSIER, LEFEVRE, PETIT, journal, log_out, pro_log_in
from .test_account_settings import change
from .test_desk_existing import CONTACT, helping
from .test_notices import NO_LETTERS, SECRETS, assert_no_document_in, patient_log_in, set_contacts

ALERTS = "/mon-dmp/gestion/alertes"
TITLE = "Échographie cardiaque"
ADDRESS = ["Fatima ROCHE", "40 boulevard National", "13003 Marseille"]  # the register's
WHEN = "le 23 novembre 2026 à 10 h 00"


def choose(client, *, documents="yes", by_post="no", history_by_post="no"):
    answer = client.submit(ALERTS, {**NO_LETTERS, "choice": documents, "openings": "no",
                                    "notices_by_post": by_post, "history_by_post": history_by_post})
    assert answer.headers["Location"] == "/mon-dmp/gestion"


def deposit(client, notifier):
    pro_log_in(client, notifier, LEFEVRE)
    done = client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": TITLE, "document_date": "20/11/2026", "text": "Tout va bien."})
    assert done.status_code == 302
    log_out(client, "/pro")


def new_letters(app, before: set[str]) -> list[dict]:
    return [x for x in app.extensions["dmp.notifier"].letters.list() if x["letter_id"] not in before]


def letter_ids(app) -> set[str]:
    return {x["letter_id"] for x in app.extensions["dmp.notifier"].letters.list()}


def letter_text(app, letter_id: str) -> str:
    with pdfplumber.open(io.BytesIO(app.extensions["dmp.notifier"].letters.pdf(letter_id))) as pdf:
        return " ".join(" ".join((page.extract_text() or "") for page in pdf.pages).split())


def notices_of(app, action: str) -> list[tuple[str, bool]]:
    return [(e.detail.get("note"), e.allowed) for e in journal(app) if e.action == action]


def told(app, action: str) -> list[str]:
    return [history.describe(e, titles={}, professionals={}).text.replace("\xa0", " ") for e in journal(app)
            if e.action == action]


# -- a new document -----------------------------------------------------------------------------

def test_without_mobile_or_email_a_new_document_is_told_by_a_letter_that_never_names_it(client, notifier, app):
    patient_log_in(client, notifier)
    choose(client)
    log_out(client, "/mon-dmp")
    set_contacts(app, "", "")
    before, sent = letter_ids(app), len(notifier.outbox)
    deposit(client, notifier)

    (letter,) = new_letters(app, before)
    assert (letter["kind"], letter["address"]) == ("document_notice", ADDRESS)
    text = letter_text(app, letter["letter_id"])
    assert "Un nouveau document est dans votre DMP" in text
    assert "Cette lettre ne dit pas ce qu’il y a dans le document." in text
    assert TITLE not in text and "Tout va bien" not in text
    assert_no_document_in(text)
    assert len(notifier.outbox) == sent + 1  # the professional's login code only
    assert notices_of(app, "document_notice") == [("to_holder_by_post", True)]
    assert told(app, "document_notice") == [
        f"Nous vous avons envoyé une lettre {WHEN}. C’était pour dire qu’un document est arrivé."]


def test_a_patient_who_chose_letters_gets_a_letter_and_no_sms(client, notifier, app):
    patient_log_in(client, notifier)
    choose(client, by_post="yes")
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).notices_by_post
    log_out(client, "/mon-dmp")
    before = letter_ids(app)
    pro_log_in(client, notifier, LEFEVRE)
    sent = len(notifier.outbox)
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": TITLE, "document_date": "20/11/2026", "text": "Tout va bien."})

    assert notifier.outbox[sent:] == []  # she has a mobile and an e-mail, and chose letters
    assert [x["kind"] for x in new_letters(app, before)] == ["document_notice"]
    assert notices_of(app, "document_notice") == [("to_holder_by_post", True)]


def test_a_patient_with_a_mobile_only_gets_an_sms_that_never_names_the_document(client, notifier, app):
    patient_log_in(client, notifier)
    choose(client)
    log_out(client, "/mon-dmp")
    set_contacts(app, DEMO_LOGIN["mobile"], "", channel="email")  # the codes' way is missing: the other one
    before = letter_ids(app)
    pro_log_in(client, notifier, LEFEVRE)
    sent = len(notifier.outbox)
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": TITLE, "document_date": "20/11/2026", "text": "Tout va bien."})

    (message,) = notifier.outbox[sent:]
    assert isinstance(message, Sms) and message.to == DEMO_LOGIN["mobile"]
    assert message.body == "DMP - Un nouveau document est dans votre DMP. Connectez-vous pour le lire."
    assert TITLE not in message.body and new_letters(app, before) == []
    assert notices_of(app, "document_notice") == [("to_holder_by_sms", True)]


def test_no_notice_unless_asked(client, notifier, app):
    patient_log_in(client, notifier)
    choose(client, documents="no", by_post="yes")
    log_out(client, "/mon-dmp")
    before = letter_ids(app)
    deposit(client, notifier)
    assert new_letters(app, before) == [] and notices_of(app, "document_notice") == []


def test_a_letter_that_cannot_be_made_is_journaled_and_the_document_stays(client, notifier, app, monkeypatch):
    patient_log_in(client, notifier)
    choose(client, by_post="yes")
    log_out(client, "/mon-dmp")
    queue = app.extensions["dmp.notifier"].letters

    def queue_down(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(queue, "enqueue", queue_down)
    deposit(client, notifier)
    assert any(d.title == TITLE for d in app.extensions["dmp.repos"].documents.list(DOSSIER))
    assert notices_of(app, "document_notice") == [("to_holder_by_post", False)]
    assert told(app, "document_notice") == [
        f"Nous n’avons pas pu vous envoyer de lettre {WHEN}. C’était pour dire qu’un document est arrivé. "
        "Raison : le message n’est pas parti."]


# -- a report handled ---------------------------------------------------------------------------

def test_a_report_handled_is_told_by_letter_without_contact(client, notifier, app):
    pro_log_in(client, notifier, PETIT)
    client.get(f"/pro/dmp/{DOSSIER}")
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    seq = next(e.seq for e in reversed(journal(app)) if e.actor_id == PETIT)
    client.submit(f"/mon-dmp/historique/signaler/{seq}", {"sentence": "Je ne connais pas cette pharmacie."})
    log_out(client, "/mon-dmp")
    set_contacts(app, "", "")
    before = letter_ids(app)
    pro_log_in(client, notifier, "cpam0001")
    (report,) = app.extensions["dmp.repos"].reports.open_reports()
    client.submit(f"/pro/signalements/{report.id}", {"note": "Nous avons appelé la pharmacie."})

    (letter,) = new_letters(app, before)
    assert letter["kind"] == "report_notice"
    assert "Votre caisse d’assurance maladie a traité votre signalement." in letter_text(app, letter["letter_id"])
    assert notices_of(app, "report_notice") == [("to_holder_by_post", True)]


# -- a new password -------------------------------------------------------------------------------

def test_a_new_password_without_contact_is_told_by_letter(client, notifier, app):
    patient_log_in(client, notifier)
    set_contacts(app, "", "")
    before = letter_ids(app)
    changed = change(client, DEMO_PASSWORD)
    assert changed.status_code == 302

    (letter,) = new_letters(app, before)
    assert letter["kind"] == "password_notice"
    assert "Le mot de passe de votre DMP a changé." in letter_text(app, letter["letter_id"])
    assert notices_of(app, "password_notice") == [("to_holder_by_post", True)]


# -- a new contact at the desk --------------------------------------------------------------------

def test_the_desk_tells_the_old_mobile_that_it_changed(client, notifier, app):
    helping(client, notifier)
    sent = len(notifier.outbox)
    assert client.submit(CONTACT, {"mobile": "07 11 22 33 44", "email": ""}).status_code == 302

    to_old = [(type(m).__name__, m.to) for m in notifier.outbox[sent:]]
    assert to_old == [("Sms", DEMO_LOGIN["mobile"]), ("Email", DEMO_LOGIN["email"])]  # both contacts of before
    sms = notifier.outbox[sent]
    assert sms.body.startswith("DMP - Le portable de votre DMP a changé. C’était à l’accueil de votre caisse.")
    assert notices_of(app, "contact_notice") == [("to_old_mobile_by_sms", True), ("to_holder_by_email", True)]
    assert told(app, "contact_notice")[0] == (
        f"Nous avons envoyé un message sur votre ancien portable {WHEN}. "
        "C’était pour dire que votre portable ou votre e-mail a changé.")


def test_the_desk_adds_a_contact_to_a_dmp_without_any_and_a_letter_tells_it(client, notifier, app):
    set_contacts(app, "", "")
    helping(client, notifier)
    before, sent = letter_ids(app), len(notifier.outbox)
    client.submit(CONTACT, {"mobile": "", "email": "f.roche@example.org"})

    assert notifier.outbox[sent:] == []  # not to the new e-mail: to what she had before, the post
    (letter,) = new_letters(app, before)
    assert letter["kind"] == "contact_notice"
    assert "L’e-mail de votre DMP a changé." in letter_text(app, letter["letter_id"])


def test_every_message_and_letter_is_easy_to_read():
    from dmp_web.domain.falc import check_text
    from dmp_web.services import notice_texts as texts

    for notice in (texts.new_document_notice("https://dmp.example"), texts.report_handled_notice("https://dmp.example"),
                   texts.password_notice(), texts.contact_notice(True, False), texts.contact_notice(True, True)):
        letter = "\n\n".join(("Votre dossier médical partagé est appelé aussi DMP.", *notice.letter_lines))
        for text in (notice.email, letter):  # the letter's template says what the DMP is first
            assert check_text(text).findings == (), (notice.action, text)
        assert len(notice.sms) <= 160 and notice.subject.isprintable()
        assert not any(secret in text for secret in SECRETS for text in (notice.sms, notice.email, letter))
