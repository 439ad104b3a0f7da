"""The carer's side (issue 18, items 2–4): accepting an invitation with its code, an account of
one's own confirmed by a code sent to one's own contact, logging in with one's own codes, choosing
whose DMP, acting within the grant, refused outside it, the banner, and the patient's history
telling each act. Through the real routes, without JavaScript; both stores."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from dmp_web.demo import DEMO_LOGIN, INSURED
from dmp_web.domain.dossier import Consent, Dossier
from dmp_web.domain.identity import compute_ins_c
from dmp_web.domain import carers as rules
from dmp_web.domain.carers import is_carer_id
from dmp_web.services import carers, history
from dmp_web.services.holder import patient_actor
from dmp_web.web.deps import ctx
from tests.conftest import field_error

BOTH_STORES = True

DOSSIER = DEMO_LOGIN["dossier_id"]
CARER_MOBILE = "0699887766"
PASSWORD = "un jardin de roses en hiver"


def _context(app):
    with app.test_request_context():
        return ctx()


def _invite(app, purpose="appointments_and_treatments", name="Paul Martin", starts_in=0, lasts=None,
            dossier_id=DOSSIER):
    context = _context(app)
    today = context.now().date()
    dossier = context.repos.dossiers.get(dossier_id)
    made = carers.invite(context, patient_actor(context, dossier_id), dossier, name=name, purpose=purpose,
                         starts_on=today + timedelta(days=starts_in),
                         ends_on=today + timedelta(days=lasts) if lasts else None)
    assert made.decision.allowed, made
    return made


def _accept_with_new_account(client, notifier, code: str) -> str:
    """The whole acceptance of a carer without an account; returns their identifier."""
    assert client.submit("/aidant/accepter", {"code": code}).headers["Location"] == "/aidant/accepter/invitation"
    assert client.submit("/aidant/accepter/contact", {"mobile": CARER_MOBILE, "email": ""}).status_code == 302
    response = client.submit("/aidant/accepter/mot-de-passe", {"new_password": PASSWORD,
                                                                "new_password_confirm": PASSWORD})
    assert response.headers["Location"] == "/aidant/accepter/code"
    sent = notifier.outbox[-1]
    assert sent.to == CARER_MOBILE  # the carer's own code, never to the patient's mobile
    response = client.submit("/aidant/accepter/code", {"code": notifier.last_otp()})
    assert response.headers["Location"] == "/aidant/bienvenue", response.get_data(as_text=True)[:2000]
    page = client.get("/aidant/bienvenue").soup
    login_id = page.find("strong", class_="code").get_text(strip=True)
    assert is_carer_id(login_id)
    kept = [m for m in notifier.outbox if login_id in m.body]
    assert [m.to for m in kept] == [CARER_MOBILE]  # to keep, and only to the carer
    return login_id


def _history_text(app) -> str:
    context = _context(app)
    entries = context.repos.journal.entries(DOSSIER)
    professionals = {}
    return "\n".join(history.describe(e, titles={"d0c0000000000001": "Consultation du 12 octobre 2026"},
                                      professionals=professionals).text.replace("\xa0", " ") for e in entries)


def test_a_carer_accepts_with_the_code_and_acts_within_the_purpose(app, client, notifier):
    made = _invite(app)

    # a wrong code says so in French, and opens nothing
    wrong = client.submit("/aidant/accepter", {"code": "ZZZZ 2222 ZZZZ"})
    assert "Ce code ne marche pas" in field_error(wrong.soup, "code")
    # the invitation says who invites and what for, before any account is made
    client.submit("/aidant/accepter", {"code": made.code.lower()})  # the case does not matter
    page = client.get("/aidant/accepter/invitation").soup.get_text(" ", strip=True)
    assert "Cette invitation vient de Fatima ROCHE." in page
    assert "« mes rendez-vous et mes traitements seulement »" in page
    # every field's problem at once, in French
    empty = client.submit("/aidant/accepter/contact", {"mobile": "", "email": ""})
    assert "portable ou votre adresse e-mail" in field_error(empty.soup, "mobile")
    client.submit("/aidant/accepter/contact", {"mobile": CARER_MOBILE, "email": ""})
    short = client.submit("/aidant/accepter/mot-de-passe", {"new_password": "court", "new_password_confirm": "court"})
    assert "au moins" in field_error(short.soup, "new_password")
    login_id = _accept_with_new_account(client, notifier, made.code)

    repos = app.extensions["dmp.repos"]
    grant = repos.dossiers.get(DOSSIER).carer_grant(made.grant.id)
    assert grant.carer_id == login_id and grant.accepted_at is not None
    assert repos.sharing_codes.find(grant.code_digest, _context(app).now()) is None  # used: it finds nothing now
    told = [m for m in notifier.outbox if m.to == DEMO_LOGIN["email"]]  # the patient's codes go by e-mail
    assert told and "Paul MARTIN" in told[-1].body and "accepté" in told[-1].body
    assert client.submit("/aidant/accepter", {"code": made.code}).status_code == 200  # not twice
    # even when the index was not cleaned (a crash between the commit and its cleaning)
    repos.sharing_codes.add(grant.code_digest, DOSSIER, rules.expires_at(grant))
    assert client.submit("/aidant/accepter", {"code": made.code}).status_code == 200

    home = client.get("/aidant").soup
    link = home.find("a", string="Le DMP de Fatima ROCHE")
    assert link is not None and link["href"] == f"/aidant/dmp/{DOSSIER}"
    dossier_page = client.get(link["href"])
    text = dossier_page.soup.get_text(" ", strip=True)
    banner = " ".join(dossier_page.soup.select_one(".acting-for").get_text().split())
    assert banner == "Vous agissez pour Fatima ROCHE. Vous l’aidez avec son DMP."
    assert "Consultation du 12 octobre 2026" in text and "Ordonnance du 22 octobre 2026" in text
    assert "Prise de sang" not in text  # results are not in this purpose
    assert "Échographie" not in text  # waiting for its explanation: not even to the patient
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000001").status_code == 200
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000002").status_code == 404  # outside it

    # adding is not in this purpose: said before typing, and refused if forced
    assert client.get(f"/aidant/dmp/{DOSSIER}/ajouter").status_code == 403
    token = client.csrf_token("/aidant")
    refused = client.post(f"/aidant/dmp/{DOSSIER}/ajouter", data={"csrf_token": token, "title": "Note",
                                                                 "text": "Un texte"})
    assert refused.status_code == 403 and "Le patient n’a pas permis cela" in refused.soup.get_text()
    assert not [d for d in repos.documents.list(DOSSIER) if d.author_kind == "carer"]

    entries = repos.journal.entries(DOSSIER)
    mine = [e for e in entries if e.actor_kind == "carer"]
    assert [e.action for e in mine] == ["carer_accepted", "list_documents", "read_document", "read_document",
                                        "write_document"]
    assert [e.allowed for e in mine] == [True, True, True, False, False]
    told = _history_text(app)
    assert "Paul Martin, votre aidant, a accepté votre invitation à vous aider le" in told
    assert "Paul Martin, votre aidant, a lu « Consultation du 12 octobre 2026 » le" in told
    assert "Paul Martin, votre aidant, a essayé de lire un document le" in told


def test_the_carer_logs_in_with_their_own_codes_and_an_ended_access_is_refused(app, client, notifier, clock):
    made = _invite(app, purpose="read_and_add", lasts=10)
    login_id = _accept_with_new_account(client, notifier, made.code)
    client.post("/deconnexion", data={"csrf_token": client.csrf_token("/aidant")})

    # the patients' and the professionals' logins do not know a carer's identifier
    assert "Location" not in client.submit("/pro/connexion", {"login_id": login_id, "password": PASSWORD}).headers
    assert client.submit("/aidant/connexion", {"login_id": login_id, "password": PASSWORD}
                         ).headers["Location"] == "/aidant/connexion/code"
    assert notifier.outbox[-1].to == CARER_MOBILE
    assert client.submit("/aidant/connexion/code", {"code": notifier.last_otp()}).headers["Location"] == "/aidant"
    assert client.get("/pro").status_code == 403  # a carer is no professional
    assert client.get("/mon-dmp").headers["Location"].startswith("/connexion")  # nor the patient

    # within « voir et ajouter des documents »: a note of the patient's kind
    response = client.submit(f"/aidant/dmp/{DOSSIER}/ajouter",
                             {"title": "Rendez-vous du 5 mai", "text": "Chez le kiné."})
    assert response.headers["Location"] == f"/aidant/dmp/{DOSSIER}"
    added = [d for d in app.extensions["dmp.repos"].documents.list(DOSSIER) if d.author_kind == "carer"]
    assert [(d.title, d.author_id, d.type_code) for d in added] == [("Rendez-vous du 5 mai", login_id, "patient_note")]
    token = client.csrf_token(f"/aidant/dmp/{DOSSIER}/ajouter")
    client.post(f"/aidant/dmp/{DOSSIER}/ajouter", data={
        "csrf_token": token, "title": "Liste des médicaments", "text": "",
        "file": (io.BytesIO(b"Fer : 1 par jour.\n"), "liste.txt")}, content_type="multipart/form-data")
    documents = app.extensions["dmp.repos"].documents.list(DOSSIER)
    with_file = next(d for d in documents if d.title == "Liste des médicaments")
    download = client.get(f"/aidant/dmp/{DOSSIER}/documents/{with_file.id}/fichier")
    assert download.data == b"Fer : 1 par jour.\n" and download.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000005/fichier").status_code == 404  # held

    # the end date passed: refused, and said why
    clock.advance(days=11)
    assert client.get("/aidant").headers["Location"] == "/aidant/connexion"  # the idle session ended
    client.submit("/aidant/connexion", {"login_id": login_id, "password": PASSWORD})
    client.submit("/aidant/connexion/code", {"code": notifier.last_otp()})
    late = client.get(f"/aidant/dmp/{DOSSIER}")
    assert late.status_code == 403 and "L’accès de cet aidant est fini" in late.soup.get_text()
    assert "Votre accès est fini." in client.get("/aidant").soup.get_text()


def test_the_patient_ends_the_access_at_once(app, client, notifier):
    made = _invite(app, purpose="read")
    _accept_with_new_account(client, notifier, made.code)
    assert client.get(f"/aidant/dmp/{DOSSIER}").status_code == 200
    context = _context(app)
    assert carers.end(context, patient_actor(context, DOSSIER), context.repos.dossiers.get(DOSSIER),
                      made.grant.id).allowed
    ended = client.get(f"/aidant/dmp/{DOSSIER}")
    assert ended.status_code == 403 and ended.soup.select_one(".acting-for") is None
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000001").status_code == 404


def test_an_access_to_come_waits_for_its_start_and_other_dmp_do_not_exist(app, client, notifier):
    made = _invite(app, purpose="read", starts_in=3)
    _accept_with_new_account(client, notifier, made.code)
    assert "Votre accès commence le" in client.get("/aidant").soup.get_text()
    assert client.get(f"/aidant/dmp/{DOSSIER}").status_code == 403
    assert client.get("/aidant/dmp/0123456789abcdef01234567").status_code == 404  # no such DMP
    stranger = _other_dossier(app)  # a DMP that never invited them: it does not exist for them
    assert client.get(f"/aidant/dmp/{stranger.id}").status_code == 404
    tried = app.extensions["dmp.repos"].journal.entries(stranger.id)[-1]
    assert (tried.actor_kind, tried.action, tried.allowed) == ("carer", "list_documents", False)  # journaled there
    assert client.get("/aidant/dmp/..%2Fetc").status_code == 404


def test_one_carer_helps_two_patients_and_chooses_whose_dmp(app, client, notifier):
    first = _invite(app, purpose="read")
    _accept_with_new_account(client, notifier, first.code)
    other = _other_dossier(app)
    second = _invite(app, purpose="read", name="Paul", dossier_id=other.id)
    # logged in, a second invitation is accepted with the same account
    client.submit("/aidant/accepter", {"code": second.code})
    page = client.get("/aidant/accepter/invitation").soup
    assert page.find("button", string="Accepter l’invitation") is not None
    assert client.submit("/aidant/accepter/invitation", {}).headers["Location"] == "/aidant"
    # the first patient invites them again: they help already, and read so (nothing changes)
    again = _invite(app, purpose="read_and_add")
    client.submit("/aidant/accepter", {"code": again.code})
    refused = client.submit("/aidant/accepter/invitation", {})
    assert refused.status_code == 409 and "Vous aidez déjà cette personne" in refused.soup.main.get_text()
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).carer_grant(again.grant.id).accepted_at is None
    links = [a["href"] for a in client.get("/aidant").soup.select("a[href^='/aidant/dmp/']")]
    assert sorted(links) == sorted([f"/aidant/dmp/{DOSSIER}", f"/aidant/dmp/{other.id}"])
    # the second patient reads the name they wrote
    entry = next(e for e in app.extensions["dmp.repos"].journal.entries(other.id) if e.action == "carer_accepted")
    assert (entry.actor_kind, entry.actor_name, entry.action) == ("carer", "Paul", "carer_accepted")


def _other_dossier(app):
    """A second adult's DMP, as the demo's is made."""
    repos = app.extensions["dmp.repos"]
    person = next(p for p in INSURED if p.nir != DEMO_LOGIN["nir"] and p.birth_date.year < 2000)
    created = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    dossier = Dossier(id="0ther0d0551e500000000002", holder_nir=person.nir,
                      ins_c=compute_ins_c(person.nir, person.first_names, person.birth_date), created_at=created,
                      consent=Consent(given_by="holder", recorded_by="test", at=created, channel="pharmacy"))
    repos.dossiers.add(dossier)
    return repos.dossiers.get(dossier.id)


def test_a_carer_who_forgot_the_password_chooses_a_new_one_with_a_code_to_their_own_contact(app, client, notifier):
    made = _invite(app, purpose="read")
    login_id = _accept_with_new_account(client, notifier, made.code)
    client.post("/deconnexion", data={"csrf_token": client.csrf_token("/aidant")})
    sent = len(notifier.outbox)
    # an identifier that is nobody's reads the same, and sends nothing
    nobody = client.submit("/aidant/mot-de-passe-oublie", {"login_id": "ai00000000"})
    assert nobody.headers["Location"] == "/aidant/mot-de-passe-oublie/code" and len(notifier.outbox) == sent
    assert client.submit("/aidant/mot-de-passe-oublie/code", {"code": "12345678"}).status_code == 200
    client.submit("/aidant/mot-de-passe-oublie", {"login_id": login_id})
    assert notifier.outbox[-1].to == CARER_MOBILE
    verified = client.submit("/aidant/mot-de-passe-oublie/code", {"code": notifier.last_otp()})
    assert verified.headers["Location"] == "/aidant/mot-de-passe-oublie/nouveau"
    weak = client.submit("/aidant/mot-de-passe-oublie/nouveau", {"new_password": login_id + "xx",
                                                                 "new_password_confirm": login_id + "xx"})
    assert field_error(weak.soup, "new_password")
    new = "une maison au bord de la mer"
    done = client.submit("/aidant/mot-de-passe-oublie/nouveau", {"new_password": new, "new_password_confirm": new})
    assert done.headers["Location"] == "/aidant/connexion"
    assert "Location" not in client.submit("/aidant/connexion", {"login_id": login_id, "password": PASSWORD}).headers
    assert client.submit("/aidant/connexion", {"login_id": login_id, "password": new}
                         ).headers["Location"] == "/aidant/connexion/code"


def test_an_account_left_before_its_code_opens_nothing(app, client, notifier):
    made = _invite(app, purpose="read")
    client.submit("/aidant/accepter", {"code": made.code})
    client.submit("/aidant/accepter/contact", {"mobile": CARER_MOBILE, "email": ""})
    client.submit("/aidant/accepter/mot-de-passe", {"new_password": PASSWORD, "new_password_confirm": PASSWORD})
    with client.session_transaction() as session:
        login_id = session["pending_carer_account"]["dossier"]
    assert app.extensions["dmp.repos"].directory.actor(login_id) is not None  # made, waiting for its code
    other = app.test_client()
    refused = other.submit("/aidant/connexion", {"login_id": login_id, "password": PASSWORD})
    assert refused.status_code == 200 and "Location" not in refused.headers  # the same as a wrong password
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).carer_grant(made.grant.id).accepted_at is None


def test_an_identifier_message_that_does_not_go_leaves_the_acceptance_whole(app, client, notifier, monkeypatch):
    from dmp_web.notify import DeliveryFailed

    made = _invite(app, purpose="read")
    sent = notifier.sms.send

    def refuse_the_identifier(message):
        if "identifiant" in message.body:
            raise DeliveryFailed("the operator refused it")
        sent(message)

    monkeypatch.setattr(notifier.sms, "send", refuse_the_identifier)
    client.submit("/aidant/accepter", {"code": made.code})
    client.submit("/aidant/accepter/contact", {"mobile": CARER_MOBILE, "email": ""})
    client.submit("/aidant/accepter/mot-de-passe", {"new_password": PASSWORD, "new_password_confirm": PASSWORD})
    confirmed = client.submit("/aidant/accepter/code", {"code": notifier.last_otp()})
    assert confirmed.headers["Location"] == "/aidant/bienvenue"
    page = client.get("/aidant/bienvenue").soup
    assert is_carer_id(page.find("strong", class_="code").get_text(strip=True))  # on the page, to note
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).carer_grant(made.grant.id).accepted_at is not None


def test_the_patient_hides_a_document_from_carers_apart_from_the_professionals(app, client, notifier):
    from .patient_journey import log_in

    made = _invite(app, purpose="read")
    _accept_with_new_account(client, notifier, made.code)
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000001").status_code == 200
    patient = app.test_client()
    log_in(patient, notifier, DEMO_LOGIN["login_id"], DEMO_LOGIN["password"])
    row = patient.get("/mon-dmp/documents").soup.find(id="doc-d0c0000000000001")
    assert row.find("button", id="aidants-d0c0000000000001").get_text(" ", strip=True).startswith(
        "Cacher à mes aidants")
    token = patient.csrf_token("/mon-dmp/documents")
    swapped = patient.post("/mon-dmp/documents/d0c0000000000001/acces", data={
        "csrf_token": token, "from": "carers", "hidden": "1"}, headers={"HX-Request": "true"})
    assert "Caché à vos aidants." in swapped.get_data(as_text=True)
    stored = app.extensions["dmp.repos"].documents.get(DOSSIER, "d0c0000000000001")
    assert stored.hidden_from_carers and not stored.hidden  # the professionals still read it
    # the carer no longer sees it: not listed, not read, not downloaded
    assert "Consultation du 12 octobre" not in client.get(f"/aidant/dmp/{DOSSIER}").soup.main.get_text()
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000001").status_code == 404
    told = _history_text(app)
    assert "Vous avez caché « Consultation du 12 octobre 2026 » à vos aidants le" in told
    # and shown again, by a plain form (no JavaScript)
    shown = patient.post("/mon-dmp/documents/d0c0000000000001/acces", data={
        "csrf_token": token, "from": "carers", "hidden": "0"})
    assert shown.headers["Location"] == "/mon-dmp/documents"
    assert client.get(f"/aidant/dmp/{DOSSIER}/documents/d0c0000000000001").status_code == 200


def test_without_carers_the_rows_offer_no_carers_button(app, client, notifier):
    from .patient_journey import log_in

    log_in(client, notifier, DEMO_LOGIN["login_id"], DEMO_LOGIN["password"])
    page = client.get("/mon-dmp/documents").soup
    assert page.find("button", id="aidants-d0c0000000000001") is None
    assert "Cacher à mes aidants" not in page.get_text()
