"""Review of issue 17 item 4 (legal representatives as their own actors): what an attacker or an
unlucky representative could still do. Each test is one finding of the review (see its report);
it fails on the feature as merged, before its fix."""
from __future__ import annotations

from dmp_web.domain.details import read_detail

from .patient_journey import NEW_PASSWORD, first_connection, log_in
from .pro_journey import log_out
from .test_coming_of_age import UNTIL_18
from .test_desk_creation import LUCAS, MEDECIN, dossier_of, main_text, other_client, pro_log_in
from .test_notices import NO_LETTERS
from .test_post_notices import letter_ids, letter_text, new_letters
from .test_representatives import LUCAS_BIRTH, add_the_father, lucas_with_his_mother

BOTH_STORES = True  # the representatives' accounts are in the store: files and PostgreSQL alike

HIDDEN = "Consultation de contraception"


def doctor_of_lucas(app, notifier, dossier_id):
    doctor = other_client(app)
    pro_log_in(doctor, notifier, MEDECIN)
    doctor.submit("/pro/trouver", {"identifier": LUCAS.nir, "birth_date": LUCAS_BIRTH})
    doctor.submit(f"/pro/dmp/{dossier_id}/accord", {"agreed": "y"})
    return doctor


def deposit_hidden(app, doctor, dossier_id, *, pending: bool = False):
    """The doctor adds a document hidden from Lucas's representatives (to explain first, if `pending`)."""
    doctor.submit(f"/pro/dmp/{dossier_id}/deposer", {
        "type_code": "consultation_report", "title": HIDDEN, "document_date": "20/11/2026", "text": "Texte.",
        "hidden_from_representatives": "y", **({"pending_explanation": "y"} if pending else {})})
    return next(d for d in app.extensions["dmp.repos"].documents.list(dossier_id) if d.title == HIDDEN)


def father_connected(client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    father = add_the_father(client, notifier, app)
    dad = other_client(app)
    log_in(dad, notifier, father.login_id, father.initial_password)
    first_connection(dad, father, email="marc@example.org")
    return father, dad


# -- finding 1: a login under way when the batch runs makes the ex-representative the young adult --

def test_a_representative_who_types_his_code_after_the_batch_at_18_is_not_the_young_adult(
        client, notifier, app, clock):
    father, dad = father_connected(client, notifier, app)
    log_out(dad, "/mon-dmp")
    dossier = dossier_of(app, LUCAS)
    doctor = doctor_of_lucas(app, notifier, dossier.id)
    deposit_hidden(app, doctor, dossier.id)
    clock.advance(days=UNTIL_18)
    # the password typed at 23:59, the batch at midnight, the code typed at 00:01
    started = dad.submit("/connexion", {"login_id": father.login_id, "password": NEW_PASSWORD})
    assert started.headers["Location"] == "/connexion/code"
    code = notifier.last_otp()
    assert "1 DMP changé(s)." in app.test_cli_runner().invoke(args=["end-representatives"]).output
    dad.submit("/connexion/code", {"code": code})
    documents = dad.get("/mon-dmp/documents")
    assert documents.status_code != 200 or HIDDEN not in main_text(documents)
    assert dad.get("/mon-dmp").status_code == 302  # his access is over: no page of the DMP at all


# -- finding 2: « Mon compte » of the second representative lists the first one's sessions ----------

def test_mon_compte_lists_the_sessions_of_the_representative_s_own_account(client, notifier, app):
    _father, dad = father_connected(client, notifier, app)  # the mother is logged in on `client`
    mine = main_text(dad.get("/mon-dmp/compte"))
    assert "cet appareil" in mine  # his own session, not the mother's
    theirs = main_text(client.get("/mon-dmp/compte"))
    assert "cet appareil" in theirs and "sur 1 appareil." in theirs


# -- finding 3: the report page tells who touched a document hidden from the representatives, and when --

def test_the_report_page_does_not_open_an_access_to_a_document_hidden_from_the_representatives(
        client, notifier, app):
    lucas_with_his_mother(client, notifier, app)  # the mother is logged in on `client`
    dossier = dossier_of(app, LUCAS)
    doctor = doctor_of_lucas(app, notifier, dossier.id)
    kept = deposit_hidden(app, doctor, dossier.id)
    entries = app.extensions["dmp.repos"].journal.entries(dossier.id)
    [added] = [e for e in entries if e.action == "write_document" and read_detail(e.detail).document_id == kept.id]
    # the history hides the line (tests/web/test_representatives.py); its number is easy to guess
    assert client.get(f"/mon-dmp/historique/signaler/{added.seq}").status_code == 404
    opened = next(e for e in entries if e.actor_kind == "professional" and e.action == "read_dossier")
    assert client.get(f"/mon-dmp/historique/signaler/{opened.seq}").status_code == 200  # an ordinary access


# -- finding 4: a hidden document shown after its explanation is told to the representatives ---------

def test_releasing_a_document_hidden_from_the_representatives_tells_them_nothing(client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    client.submit("/mon-dmp/gestion/alertes", {"choice": "yes", "openings": "no", **NO_LETTERS})
    dossier = dossier_of(app, LUCAS)
    assert dossier.alert_new_documents
    doctor = doctor_of_lucas(app, notifier, dossier.id)
    kept = deposit_hidden(app, doctor, dossier.id, pending=True)
    page = f"/pro/dmp/{dossier.id}/documents/{kept.id}"
    told = len(notifier.outbox)
    shown = doctor.post(f"{page}/montrer", data={"csrf_token": doctor.csrf_token(page)})
    assert shown.status_code == 302
    assert not app.extensions["dmp.repos"].documents.get(dossier.id, kept.id).awaiting_explanation
    assert notifier.outbox[told:] == []  # «un nouveau document» would tell the parents it exists


# -- finding 5: the monthly history letter tells the representatives of a document hidden from them --

def test_the_monthly_history_letter_leaves_out_what_is_hidden_from_the_representatives(
        client, notifier, app, clock):
    lucas_with_his_mother(client, notifier, app)
    answer = client.submit("/mon-dmp/gestion/alertes", {**NO_LETTERS, "choice": "no", "openings": "no",
                                                        "history_by_post": "yes"})
    assert answer.headers["Location"] == "/mon-dmp/gestion"
    dossier = dossier_of(app, LUCAS)
    doctor = doctor_of_lucas(app, notifier, dossier.id)
    deposit_hidden(app, doctor, dossier.id)
    clock.advance(days=8)  # 1 December 2026: the batch's day
    before = letter_ids(app)
    done = app.test_cli_runner().invoke(args=["letters", "history"])
    assert done.exit_code == 0, done.output
    [letter] = [x for x in new_letters(app, before) if x["kind"] == "history_letter"]
    text = letter_text(app, letter["letter_id"])
    assert "a ouvert votre DMP" in text  # the doctor's ordinary accesses are told
    assert "ajouté" not in text  # but not the document the parents must never know of


# -- finding 6: the father's copy of the DMP speaks as if the mother were reading it ---------------
# (the copy is made once for the dossier, as its first account: its «Vous» was the mother)

def test_the_second_representative_s_copy_never_says_vous_for_the_first_one(client, notifier, app):
    from .test_copies import made_copy, pdf_text

    _father, dad = father_connected(client, notifier, app)  # both chose the emergency access
    text = pdf_text(made_copy(dad, app).data)
    assert "Sophie MOREAU (mère) a fait un choix pour l’accès en urgence" in text
    assert "Vous avez fait votre choix pour l’accès en urgence" not in text  # her choice was «Vous» to him


# -- finding 7: the forgotten identifier of a minor's DMP only ever goes to the first representative --

def test_the_forgotten_identifier_goes_to_each_representative_on_their_own_contacts(client, notifier, app):
    father, _dad = father_connected(client, notifier, app)
    mother_login = app.extensions["dmp.repos"].accounts.get(dossier_of(app, LUCAS).id).login_id
    sent = len(notifier.outbox)
    asked = other_client(app).submit("/identifiant-oublie", {
        "nir": LUCAS.nir, "vitale_serial": LUCAS.vitale_serial, "channel": "email"})
    assert asked.headers["Location"] == "/identifiant-oublie/envoye"
    told = {(m.to, next(w.rstrip(".") for w in m.body.split() if w.rstrip(".") in (mother_login, father.login_id)))
            for m in notifier.outbox[sent:]}
    # the father asked it as well as the mother could: each gets their own, never the other's
    assert told == {("sophie@example.org", mother_login), ("marc@example.org", father.login_id)}
