"""« Mes aidants », the patient's pages (issue 18, item 1), through the real routes with no
JavaScript, on both stores: what a carer is and each carer in words; an invitation asked one
question per page, checked, then its code sent by SMS, by e-mail, or printed on a letter; every
wrong answer told in French, all of a page at once; 3 carers at most; an invitation cancelled and
an access ended, each through its confirmation page; nothing done without the form's token, on
another patient's carer, or by a professional; the history says it; and the records written
before `sent_by` and `contact` still read."""
from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pdfplumber
import pytest

from dmp_web.demo import DEMO_DOCUMENTS, DEMO_LOGIN
from dmp_web.domain import carers as rules
from dmp_web.domain.access import decide
from dmp_web.domain.actors import Carer, Holder
from dmp_web.notify import DeliveryFailed, Email, Sms
from dmp_web.services import carers
from dmp_web.web.deps import ctx

from ..conftest import CheckedClient, field_error, make_app
from .patient_journey import MARCEL, create_dossier
from .pro_journey import DURAND, log_out, pro_log_in
from .test_patient_documents import patient_log_in

BOTH_STORES = True

DOSSIER = DEMO_LOGIN["dossier_id"]
INDEX = "/mon-dmp/gestion/aidants"
INVITE = "/mon-dmp/gestion/aidants/inviter"
CHECK = "/mon-dmp/gestion/aidants/inviter/verifier"
INVITED = "/mon-dmp/gestion/aidants/invitation"
LETTER = "/mon-dmp/gestion/aidants/invitation/lettre.pdf"
CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{4} [A-HJ-NP-Z2-9]{4} [A-HJ-NP-Z2-9]{4})\b")
# 9:00 UTC on the fake clock is 10:00 in Paris; an invitation works 30 days
UNTIL = "23 décembre 2026 à 10 h 00"


def text_of(response) -> str:
    return " ".join(response.soup.main.get_text(" ", strip=True).split())


def question(slug: str = "") -> str:
    return f"{INVITE}?question={slug}" if slug else INVITE


def answer(client, slug: str, data: dict):
    return client.submit(question(slug), data)


def answer_all(client, *, name=("Paul", "Martin"), purpose="read_and_add", starts="23/11/2026", ends="28/02/2027",
               way="sms", contact="06 98 76 54 32"):
    """Every question of the invitation, each on its page; the answer of the last page."""
    assert answer(client, "", {"first_name": name[0], "last_name": name[1]}).headers["Location"] == question("aide")
    assert answer(client, "aide", {"purpose": purpose}).headers["Location"] == question("dates")
    assert answer(client, "dates", {"starts_on": starts, "ends_on": ends}).headers["Location"] == question("envoi")
    sent = answer(client, "envoi", {"sent_by": way})
    if way == "sms":
        assert sent.headers["Location"] == question("portable")
        sent = answer(client, "portable", {"mobile": contact, "mobile_confirm": contact})
    elif way == "email":
        assert sent.headers["Location"] == question("e-mail")
        sent = answer(client, "e-mail", {"email": contact, "email_confirm": contact})
    assert sent.headers["Location"] == CHECK
    return sent


def invite(client, **answers):
    answer_all(client, **answers)
    made = client.submit(CHECK, {})
    assert made.status_code == 302 and made.headers["Location"] == INVITED, made.get_data(as_text=True)[:2000]
    return client.get(INVITED)


def grants(app):
    return app.extensions["dmp.repos"].dossiers.get(DOSSIER).carers


def history(client) -> str:
    return " ".join(client.get("/mon-dmp/historique?acces=tous").soup.main.get_text(" ").split())


def _context(app):
    with app.test_request_context():
        return ctx()


def invite_by_service(app, name: str, dossier_id: str = DOSSIER):
    context = _context(app)
    dossier = app.extensions["dmp.repos"].dossiers.get(dossier_id)
    made = carers.invite(context, Holder(dossier_id), dossier, name=name, purpose="read",
                         starts_on=context.now().date(), ends_on=None, sent_by="letter")
    assert made.decision.allowed
    return made


def accept(app, grant_id: str):
    """What the carer's side does when the carer accepts (web/carers.py, another branch)."""
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    grant = dossier.carer_grant(grant_id)
    grant.accepted_at, grant.carer_id = app.extensions["dmp.clock"](), "carer-1"
    repos.dossiers.save(dossier)


# -- « Mes aidants » -------------------------------------------------------------------------

def test_gestion_du_dmp_leads_to_mes_aidants_which_says_what_a_carer_is_and_may_never_do(client, notifier):
    patient_log_in(client, notifier)
    management = client.get("/mon-dmp/gestion").soup
    assert management.find("a", string="Mes aidants")["href"] == INDEX
    page = client.get(INDEX)
    assert page.soup.h1.get_text(strip=True) == "Mes aidants"
    said = text_of(page)
    for sentence in ("Un aidant est une personne que vous connaissez bien.", "Il vous aide avec votre DMP.",
                     "Votre aidant a son compte à lui, avec son mot de passe.",
                     "Vous pouvez arrêter son accès à tout moment.",
                     "Changer votre mot de passe, votre portable ou votre e-mail.", "Bloquer ou débloquer un soignant.",
                     "Fermer votre DMP.", "Télécharger tout votre DMP.", "Vous n’avez pas d’aidant."):
        assert sentence in said, sentence
    assert page.soup.main.find("a", string="Inviter un aidant")["href"] == INVITE


# -- inviting, by each way ------------------------------------------------------------------

def test_an_invitation_by_sms_is_asked_one_question_per_page_checked_then_sent_with_its_code(
        client, notifier, app):
    patient_log_in(client, notifier)
    first = client.get(INVITE)
    assert first.soup.h1.get_text(strip=True) == "Qui voulez-vous inviter ?"
    assert "Question 1 sur 5" in text_of(first)
    purposes = client.get(question("aide")).status_code
    assert purposes == 302  # not before the name
    answer(client, "", {"first_name": "  Paul ", "last_name": "Martin"})
    buttons = client.get(question("aide")).soup.main.find_all("button", attrs={"name": "purpose"})
    assert [(b["value"], b.get_text(strip=True)) for b in buttons] == [
        ("read", "Voir mes documents"), ("read_and_add", "Voir et ajouter des documents"),
        ("appointments_and_treatments", "Mes rendez-vous et mes traitements seulement")]
    assert client.get(question("aide")).soup.main.find("input", attrs={"name": "purpose"}) is None  # no default
    answer(client, "aide", {"purpose": "read_and_add"})
    dates = client.get(question("dates")).soup
    assert dates.find(id="starts_on")["value"] == "23/11/2026"  # today, in France
    assert dates.find(id="ends_on").get("value", "") == ""
    answer(client, "dates", {"starts_on": "23/11/2026", "ends_on": "28/02/2027"})
    ways = client.get(question("envoi")).soup.main.find_all("button", attrs={"name": "sent_by"})
    assert [b.get_text(strip=True) for b in ways] == ["Par SMS", "Par e-mail", "Je l’imprime sur une lettre"]
    answer(client, "envoi", {"sent_by": "sms"})
    answer(client, "portable", {"mobile": "06 98 76 54 32", "mobile_confirm": "0698765432"})

    check = client.get(CHECK)
    assert check.soup.find(id="reponse-nom").get_text(strip=True) == "Paul Martin"
    assert check.soup.find(id="reponse-aide").get_text(strip=True) == "Voir et ajouter des documents"
    assert " ".join(check.soup.find(id="reponse-dates").get_text().split()) == \
        "À partir du 23 novembre 2026, jusqu’au 28 février 2027"
    assert " ".join(check.soup.find(id="reponse-envoi").get_text().split()) == "Par SMS au 06 98 76 54 32"
    assert check.soup.main.find("a", href=question("dates")).get_text(" ", strip=True) == "Modifier les dates"
    sent_before = len(notifier.outbox)
    made = client.submit(CHECK, {})
    assert made.headers["Location"] == INVITED

    sms, told = notifier.outbox[sent_before:]  # the code to the carer, then the patient told
    assert isinstance(sms, Sms) and sms.to == "0698765432"
    assert (told.to, told.subject) == (DEMO_LOGIN["email"], "Vous avez invité une personne à vous aider")
    code = CODE.search(sms.body).group(1)
    assert sms.body.startswith("DMP - Fatima ROCHE vous invite à l’aider dans son DMP. ")
    assert "127.0.0.1:5000/aidant/accepter" in sms.body and f"avant le {UNTIL}" in sms.body
    assert not any(title in sms.body for _, _, title, *_ in DEMO_DOCUMENTS)  # never any health content
    [grant] = grants(app)
    assert (grant.name, grant.purpose, grant.starts_on, grant.ends_on) == (
        "Paul Martin", "read_and_add", date(2026, 11, 23), date(2027, 2, 28))
    assert (grant.sent_by, grant.contact) == ("sms", "0698765432")
    assert grant.code_digest == rules.invitation_digest(code.replace(" ", ""), _context(app).otp_pepper)

    done = client.get(INVITED)
    assert done.soup.h1.get_text(strip=True) == "Votre invitation est faite"
    said = text_of(done)
    assert "Nous avons envoyé le code par SMS au 06 98 76 54 32." in said
    assert f"Il faut le taper avant le {UNTIL}." in said
    assert code not in said and code.replace(" ", "") not in said  # sent, never shown
    assert client.get(INVITE).status_code == 200 and client.get(CHECK).headers["Location"] == INVITE  # answers gone

    listed = client.get(INDEX)
    assert ("Paul Martin : voir et ajouter des documents. À partir du 23 novembre 2026, jusqu’au 28 février 2027. "
            "L’invitation attend sa réponse.") in text_of(listed)
    assert listed.soup.main.find("a", href=f"{INDEX}/{grant.id}/arreter").get_text(" ", strip=True) == \
        "Annuler l’invitation : Paul Martin"
    told = history(client)
    assert "Le changement : invitation pour Paul Martin, qui pourra vous aider." in told
    assert "Nous avons envoyé un SMS à votre aidant. C’était le code d’invitation de Paul Martin." in told


def test_an_invitation_by_e_mail_sends_the_code_to_the_address_typed(client, notifier, app):
    patient_log_in(client, notifier)
    sent_before = len(notifier.outbox)
    done = invite(client, name=("Anne", "Durand"), purpose="appointments_and_treatments", ends="",
                  way="email", contact="Anne.Durand@example.org")
    email, told = notifier.outbox[sent_before:]
    assert isinstance(email, Email) and email.to == "anne.durand@example.org"
    assert told.to == DEMO_LOGIN["email"] and "Vous avez invité Anne DURAND" in told.body
    assert email.subject == "Une invitation pour aider un proche dans son DMP"
    assert email.body.startswith("Bonjour Anne Durand,\n\nFatima ROCHE vous invite à l’aider dans son DMP.\n")
    code = CODE.search(email.body).group(1)
    assert "1. Allez sur 127.0.0.1:5000/aidant/accepter." in email.body
    assert f"2. Tapez ce code avant le {UNTIL}." in email.body
    assert "Vous ne connaissez pas Fatima ROCHE ? Ne faites rien." in email.body
    assert not any(title in email.body for _, _, title, *_ in DEMO_DOCUMENTS)
    assert "Nous avons envoyé le code par e-mail à anne.durand@example.org." in text_of(done)
    [grant] = grants(app)
    assert (grant.sent_by, grant.contact, grant.ends_on) == ("email", "anne.durand@example.org", None)
    assert grant.code_digest == rules.invitation_digest(code.replace(" ", ""), _context(app).otp_pepper)
    assert "mes rendez-vous et mes traitements seulement. À partir du 23 novembre 2026." in text_of(client.get(INDEX))
    assert "Nous avons envoyé un e-mail à votre aidant. C’était le code d’invitation d’Anne Durand." in \
        history(client)


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    with pdfplumber.open(io.BytesIO(response.data)) as pdf:
        return " ".join(" ".join((page.extract_text() or "") for page in pdf.pages).split()).replace("\xa0", " ")


def test_an_invitation_by_letter_sends_the_carer_nothing_and_its_letter_holds_the_code_once(client, notifier, app):
    patient_log_in(client, notifier)
    sent_before = len(notifier.outbox)
    answer_all(client, way="letter", ends="")
    assert "Je l’imprime sur une lettre" in client.get(CHECK).soup.find(id="reponse-envoi").get_text()
    assert client.get(question("portable")).headers["Location"] == CHECK  # no contact for a letter
    assert client.submit(CHECK, {}).headers["Location"] == INVITED
    done = client.get(INVITED)
    assert [m.to for m in notifier.outbox[sent_before:]] == [DEMO_LOGIN["email"]]  # the patient told, no one else
    assert done.soup.main.find("a", string="Télécharger la lettre (PDF)")["href"] == LETTER
    assert "Imprimez-la tout de suite : nous ne gardons pas le code." in text_of(done)

    letter = pdf_text(client.get(LETTER))
    code = CODE.search(letter).group(1)
    [grant] = grants(app)
    assert grant.code_digest == rules.invitation_digest(code.replace(" ", ""), _context(app).otp_pepper)
    assert (grant.sent_by, grant.contact) == ("letter", "")
    for said in ("Paul Martin", "Fatima ROCHE vous invite à l’aider dans son dossier médical partagé.",
                 "Vous pourrez voir ses documents et en ajouter.", "Cet accès commence le 23 novembre 2026.",
                 "Il n’a pas de date de fin.", f"Ce code marche jusqu’au {UNTIL}.",
                 "Allez sur le site internet 127.0.0.1:5000/aidant/accepter.", "Besoin d’aide ?"):
        assert said in letter, said
    assert not any(title in letter for _, _, title, *_ in DEMO_DOCUMENTS)
    assert code not in text_of(done)

    # cancelled: the letter of that invitation is no more
    assert client.submit(f"{INDEX}/{grant.id}/arreter", {}).status_code == 302
    assert client.get(LETTER).status_code == 404
    assert "Paul Martin : voir et ajouter des documents" in client.get(INDEX).soup.find(
        "h2", string="Les accès finis").find_next("ul").get_text()


def test_a_message_that_did_not_go_says_so_and_the_invitation_stays(client, notifier, app, monkeypatch):
    patient_log_in(client, notifier)

    def broken(_message):
        raise DeliveryFailed("the SMS gateway is down")

    monkeypatch.setattr(notifier.sms, "send", broken)
    done = invite(client)
    assert done.soup.h1.get_text(strip=True) == "Votre invitation n’est pas partie"
    said = text_of(done)
    assert "Nous n’avons pas pu envoyer le code par SMS au 06 98 76 54 32." in said
    assert "Votre invitation pour Paul Martin est quand même enregistrée." in said
    [grant] = grants(app)
    assert grant.ended_at is None
    assert done.soup.main.find("a", string="Annuler l’invitation")["href"] == f"{INDEX}/{grant.id}/arreter"
    assert "L’invitation attend sa réponse." in text_of(client.get(INDEX))
    assert "Nous n’avons pas pu envoyer de SMS à votre aidant. C’était le code d’invitation de Paul Martin." in \
        history(client)


# -- every wrong answer, all of a page at once ----------------------------------------------

def errors(response) -> list[str]:
    summary = response.soup.find(class_="error-summary")
    return [a.get_text(strip=True) for a in summary.find_all("a")] if summary else []


def test_each_question_tells_every_wrong_answer_at_once_in_french(client, notifier):
    patient_log_in(client, notifier)
    empty = answer(client, "", {"first_name": " ", "last_name": ""})
    assert empty.status_code == 200 and empty.soup.title.get_text().startswith("Erreur : ")
    assert errors(empty) == ["Écrivez le prénom de la personne", "Écrivez le nom de famille de la personne"]
    assert field_error(empty.soup, "last_name") == "Écrivez le nom de famille de la personne"
    long = answer(client, "", {"first_name": "P" * 61, "last_name": "Martin"})
    assert errors(long) == ["Écrivez le prénom en 60 caractères au plus"]
    answer(client, "", {"first_name": "Paul", "last_name": "Martin"})

    for sent in ({}, {"purpose": "everything"}):  # no button pressed, or a value not offered
        assert errors(answer(client, "aide", sent)) == ["Appuyez sur l’un des 3 boutons pour choisir"]
    answer(client, "aide", {"purpose": "read"})

    cases = [
        ({"starts_on": "", "ends_on": ""}, ["Écrivez la date de début"]),
        ({"starts_on": "demain", "ends_on": "31/02/2027"},
         ["Écrivez la date comme ceci : 05/03/2027", "Cette date n’existe pas. Vérifiez le jour et le mois"]),
        ({"starts_on": "22/11/2026", "ends_on": ""}, ["La date de début ne peut pas être avant aujourd’hui"]),
        ({"starts_on": "01/12/2026", "ends_on": "30/11/2026"},
         ["La date de fin ne peut pas être avant la date de début"]),
    ]
    for sent, expected in cases:
        shown = answer(client, "dates", sent)
        assert errors(shown) == expected, sent
        assert shown.soup.find(id="starts_on")["value"] == sent["starts_on"]  # nothing typed is lost
    assert answer(client, "dates", {"starts_on": "01/12/2026", "ends_on": "01/12/2026"}).status_code == 302

    assert errors(answer(client, "envoi", {})) == [
        "Appuyez sur l’un des 3 boutons pour choisir"]
    answer(client, "envoi", {"sent_by": "sms"})
    assert errors(answer(client, "portable", {"mobile": "", "mobile_confirm": ""})) == [
        "Écrivez le numéro de portable de la personne", "Écrivez encore une fois ce numéro"]
    assert errors(answer(client, "portable", {"mobile": "01 23 45 67 89", "mobile_confirm": "06 12"})) == [
        "Le numéro de portable commence par 06 ou 07", "Le numéro de portable a 10 chiffres. Vous en avez écrit 4"]
    assert errors(answer(client, "portable", {"mobile": "0612345678", "mobile_confirm": "0612345679"})) == [
        "Les 2 numéros ne sont pas les mêmes. Écrivez 2 fois le même numéro"]

    # another way: its own question, and the mobile typed before is asked no more
    assert answer(client, "envoi", {"sent_by": "email"}).headers["Location"] == question("e-mail")
    assert errors(answer(client, "e-mail", {"email": "anne@", "email_confirm": "anne@example.org"})) == [
        "Cette adresse n’est pas complète. Par exemple : prenom.nom@exemple.fr"]
    assert errors(answer(client, "e-mail", {"email": "anne@example.org", "email_confirm": "anna@example.org"})) == [
        "Les 2 adresses ne sont pas les mêmes. Écrivez 2 fois la même adresse"]
    assert client.get(question("nowhere")).status_code == 404


def test_a_start_that_became_past_before_the_check_is_told_and_nothing_is_invited(client, notifier, app, clock):
    clock.current = datetime(2026, 11, 23, 22, 50, tzinfo=UTC)  # 23:50 in Paris
    patient_log_in(client, notifier)
    answer_all(client, ends="")
    clock.advance(minutes=11)  # the next day in Paris, the session still open
    refused = client.submit(CHECK, {})
    assert refused.status_code == 200 and errors(refused) == [
        "La date de début ne peut pas être avant aujourd’hui. Changez les dates"]
    assert grants(app) == []


# -- 3 carers at most -------------------------------------------------------------------------

def test_three_carers_at_most_and_the_page_says_it(client, notifier, app):
    patient_log_in(client, notifier)
    invite_by_service(app, "Anne Durand")
    invite_by_service(app, "Marc Petit")
    answer_all(client)  # a third one, asked while a third comes in another window
    invite_by_service(app, "Léa Roux")
    refused = client.submit(CHECK, {})
    assert errors(refused) == ["Vous avez déjà 3 aidants. Arrêtez un accès avant d’inviter une autre personne"]
    assert len(grants(app)) == 3
    page = client.get(INDEX)
    said = text_of(page)
    assert "Vous avez déjà 3 aidants. C’est le plus possible." in said
    assert page.soup.main.find("a", string="Inviter un aidant") is None
    assert client.get(INVITE).headers["Location"] == INDEX
    assert client.get(question("dates")).headers["Location"] == INDEX


# -- ending an access, cancelling an invitation ----------------------------------------------

def test_an_invitation_is_cancelled_and_an_access_ended_each_through_its_confirmation_page(
        client, notifier, app):
    patient_log_in(client, notifier)
    waiting = invite_by_service(app, "Anne Durand").grant
    accepted = invite_by_service(app, "Paul Martin").grant
    accept(app, accepted.id)
    page = client.get(INDEX).soup.main
    assert page.find("a", href=f"{INDEX}/{waiting.id}/arreter").get_text(" ", strip=True) == \
        "Annuler l’invitation : Anne Durand"
    assert page.find("a", href=f"{INDEX}/{accepted.id}/arreter").get_text(" ", strip=True) == \
        "Arrêter cet accès : Paul Martin"

    confirm = client.get(f"{INDEX}/{waiting.id}/arreter")
    assert confirm.soup.h1.get_text(strip=True) == "Annuler l’invitation"
    assert "Si vous annulez, le code de cette invitation ne marche plus." in text_of(confirm)
    assert grants(app)[0].ended_at is None  # the page alone changes nothing
    done = client.submit(f"{INDEX}/{waiting.id}/arreter", {}, follow_redirects=True)
    assert "L’invitation d’Anne Durand est annulée. Son code ne marche plus." in text_of(done)
    repos = app.extensions["dmp.repos"]
    cancelled = repos.dossiers.get(DOSSIER).carer_grant(waiting.id)
    assert cancelled.ended_at is not None
    assert repos.sharing_codes.find(cancelled.code_digest, app.extensions["dmp.clock"]()) is None

    confirm = client.get(f"{INDEX}/{accepted.id}/arreter")
    assert confirm.soup.h1.get_text(strip=True) == "Arrêter cet accès"
    assert "Si vous arrêtez cet accès, Paul Martin ne peut plus ouvrir votre DMP." in text_of(confirm)
    done = client.submit(f"{INDEX}/{accepted.id}/arreter", {}, follow_redirects=True)
    assert "Paul Martin ne peut plus ouvrir votre DMP." in text_of(done)
    dossier = repos.dossiers.get(DOSSIER)
    assert dossier.carer_grant(accepted.id).ended_at is not None
    carer = Carer("carer-1", "Paul Martin", DOSSIER, accepted.id)
    assert decide(carer, "read_dossier", dossier, now=app.extensions["dmp.clock"]()).reason_code == \
        "carer_not_in_force"
    assert "Vous n’avez pas d’aidant." in text_of(done)
    told = history(client)
    assert "Le changement : invitation pour Anne Durand annulée." in told
    assert "Le changement : fin de l’accès de Paul Martin, qui vous aidait." in told

    for gone in (accepted.id, "0123456789abcdef", "not-an-id"):  # ended already, unknown, malformed
        assert client.get(f"{INDEX}/{gone}/arreter").status_code == 404
        assert client.submit(INDEX, {}, action=f"{INDEX}/{gone}/arreter").status_code == 404


def test_nothing_is_done_without_the_form_s_token(client, notifier, app):
    patient_log_in(client, notifier)
    grant = invite_by_service(app, "Anne Durand").grant
    assert client.post(f"{INDEX}/{grant.id}/arreter", data={}).status_code == 400
    assert grants(app)[0].ended_at is None
    answer_all(client, name=("Marc", "Petit"))
    assert client.post(CHECK, data={}).status_code == 400
    assert len(grants(app)) == 1


def test_a_patient_cannot_end_the_carer_of_another_dmp(client, notifier, app):
    created = create_dossier(client, notifier, MARCEL)  # Marcel Dupuis has a DMP too, and a carer
    marcel_id = app.extensions["dmp.repos"].dossiers.find_by_nir(MARCEL.nir).id
    assert created.login_id
    theirs = invite_by_service(app, "Julie Dupuis", marcel_id).grant
    patient_log_in(client, notifier)
    assert client.get(f"{INDEX}/{theirs.id}/arreter").status_code == 404
    assert client.submit(INDEX, {}, action=f"{INDEX}/{theirs.id}/arreter").status_code == 404
    assert app.extensions["dmp.repos"].dossiers.get(marcel_id).carer_grant(theirs.id).ended_at is None
    assert "Julie Dupuis" not in text_of(client.get(INDEX))


def test_a_professional_or_a_visitor_never_reaches_these_pages(client, notifier, app):
    grant = invite_by_service(app, "Anne Durand").grant
    for path in (INDEX, INVITE, CHECK, INVITED, LETTER, f"{INDEX}/{grant.id}/arreter"):
        assert client.get(path).headers["Location"].startswith("/connexion"), path
    pro_log_in(client, notifier, DURAND)
    for path in (INDEX, INVITE, CHECK, f"{INDEX}/{grant.id}/arreter"):
        assert client.get(path).headers["Location"].startswith("/connexion"), path
    token = client.csrf_token("/pro")
    assert client.post(f"{INDEX}/{grant.id}/arreter", data={"csrf_token": token}).status_code == 302
    assert grants(app)[0].ended_at is None
    log_out(client, "/pro")


def test_the_invitations_that_send_a_message_are_limited_by_account(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    app.test_client_class = CheckedClient
    client = app.test_client()
    patient_log_in(client, app.extensions["dmp.notifier"])
    token = client.csrf_token(INDEX)
    statuses = [client.post(CHECK, data={"csrf_token": token}).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


# -- the records written before `sent_by` and `contact` -------------------------------------

def _strip_new_fields(app, tmp_path, store_kind):
    """The dossier's record as it was written before the 2 fields: without them."""
    if store_kind == "files":
        path = tmp_path / "data" / "dossiers" / DOSSIER[:2] / DOSSIER / "dossier.json"
        stored = json.loads(path.read_text(encoding="utf-8"))
        for grant in stored["_default"]["1"]["carers"]:
            grant.pop("sent_by"), grant.pop("contact")
        path.write_text(json.dumps(stored), encoding="utf-8")
        return
    db = app.extensions["dmp.repos"].db
    with db.using(None) as c:
        c.execute("UPDATE dossiers SET record = jsonb_set(record, '{carers}', (SELECT jsonb_agg(g - 'sent_by' - "
                  "'contact') FROM jsonb_array_elements(record->'carers') g)) WHERE dossier_id = %s", (DOSSIER,))


def test_a_dossier_written_before_the_way_and_the_contact_still_reads(client, notifier, app, tmp_path, store_kind):
    invite_by_service(app, "Anne Durand")
    _strip_new_fields(app, tmp_path, store_kind)
    [grant] = grants(app)
    assert (grant.name, grant.sent_by, grant.contact) == ("Anne Durand", "", "")
    patient_log_in(client, notifier)
    assert "Anne Durand : voir mes documents. À partir du 23 novembre 2026. L’invitation attend sa réponse." in \
        text_of(client.get(INDEX))
    assert client.submit(f"{INDEX}/{grant.id}/arreter", {}).status_code == 302
    assert grants(app)[0].ended_at is not None


@pytest.mark.parametrize("way", ["sms", "email", "letter"])
def test_the_way_chosen_is_kept_with_its_contact_and_a_letter_has_none(app, way):
    context = _context(app)
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    contact = {"sms": "0698765432", "email": "anne@example.org", "letter": ""}[way]
    for wrong in ({"sms": "", "email": "", "letter": "0698765432"}[way],):
        refused = carers.invite(context, Holder(DOSSIER), dossier, name="Anne", purpose="read",
                                starts_on=context.now().date(), ends_on=None, sent_by=way, contact=wrong)
        assert (refused.decision, refused.refused) == (None, "contact")
    made = carers.invite(context, Holder(DOSSIER), dossier, name="Anne", purpose="read",
                         starts_on=context.now().date(), ends_on=context.now().date() + timedelta(days=1),
                         sent_by=way, contact=contact)
    assert made.decision.allowed and made.delivered is (None if way == "letter" else True)
    assert (grants(app)[0].sent_by, grants(app)[0].contact) == (way, contact)
