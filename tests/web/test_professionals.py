"""Professionals read and feed a dossier only as the access policy allows; every decision is in
the dossier's journal with actor, time, action and reason; nothing refused leaks by URL."""
import io
from datetime import date

import pdfplumber
import pytest

from dmp_web.demo import DEMO_LOGIN, DEMO_PASSWORD
from dmp_web.domain.access import REASONS
from dmp_web.domain.actors import Profession
from dmp_web.domain.documents import DOCUMENT_TYPES
from dmp_web.domain.habilitations import allows

from ..conftest import field_error
from ..stored import everything_stored
from .pro_journey import (
    BERNARD, DOSSIER, DURAND, FATIMA_BIRTH, FATIMA_NIR, FORBIDDEN, HADDAD, LEFEVRE, PETIT, journal, log_out,
    pro_log_in,
)

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

CONSULTATION = "d0c0000000000001"  # by Dr Durand, consultation report
PENDING = "d0c0000000000005"  # by Dr Lefèvre, imaging, to be explained first


def test_a_professional_logs_in_with_rpps_password_and_code(client, notifier):
    assert pro_log_in(client, notifier, DURAND).headers["Location"] == "/pro"
    assert "Bonjour Dr Marie Durand." in client.get("/pro").soup.main.get_text(" ")


def test_a_patient_is_found_by_nir_or_ins_with_the_birth_date(client, notifier, app):
    pro_log_in(client, notifier, DURAND)
    found = client.submit("/pro/trouver", {"identifier": "2 75 05 13 055 112 12", "birth_date": FATIMA_BIRTH})
    assert found.headers["Location"] == f"/pro/dmp/{DOSSIER}"
    ins = app.extensions["dmp.repos"].dossiers.get(DOSSIER).ins_c
    assert client.submit("/pro/trouver", {"identifier": ins, "birth_date": FATIMA_BIRTH}).status_code == 302
    wrong = client.submit("/pro/trouver", {"identifier": FATIMA_NIR, "birth_date": "22/05/1975"})
    assert field_error(wrong.soup, "identifier") == "Aucun DMP ne correspond à ce numéro et à cette date de naissance"
    bad_date = client.submit("/pro/trouver", {"identifier": FATIMA_NIR, "birth_date": "31/02/1975"})
    assert field_error(bad_date.soup, "birth_date") == "Cette date n’existe pas. Vérifiez le jour et le mois"


def test_the_pharmacist_sees_only_what_the_matrix_allows_and_nothing_leaks(client, notifier, app):
    pro_log_in(client, notifier, PETIT)
    page = client.get(f"/pro/dmp/{DOSSIER}")
    text = page.soup.main.get_text(" ")
    assert "Ordonnance du 22 octobre 2026" in text and "Prise de sang du 20 octobre 2026" in text
    assert "Consultation du 12 octobre 2026" not in text  # a pharmacist does not read consultation reports
    assert "D’autres documents existent." in text
    refused = client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}")
    assert refused.status_code == 403
    assert "Consultation du 12 octobre" not in refused.get_data(as_text=True)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}/fichier").status_code == 403
    last = journal(app)[-1]
    assert (last.action, last.allowed, last.actor_id) == ("read_document", False, PETIT)
    assert last.reason  # the journal says why


def test_a_hidden_document_is_refused_to_another_professional_and_shown_to_the_attending_doctor(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    document = repos.documents.get(DOSSIER, "d0c0000000000004")  # hospital report by Dr Lefèvre
    document.hidden = True
    repos.documents.save(document)
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}").status_code == 403
    log_out(client, "/pro")
    # a doctor whose profession may read it is refused for the hiding alone, not by the matrix
    assert allows(Profession.MEDECIN, document.type_code, "read")
    pro_log_in(client, notifier, HADDAD)
    client.submit(f"/pro/dmp/{DOSSIER}/accord", {"agreed": "y"})  # in the care team first
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}").status_code == 403
    assert journal(app)[-1].reason == REASONS["hidden"]
    log_out(client, "/pro")
    pro_log_in(client, notifier, DURAND)
    shown = client.get(f"/pro/dmp/{DOSSIER}/documents/{document.id}")
    assert shown.status_code == 200 and shown.soup.h1.get_text(strip=True) == document.title
    entries = [e for e in journal(app) if e.action == "read_document"][-3:]
    assert [(e.actor_id, e.action, e.allowed) for e in entries] == [
        (PETIT, "read_document", False), (HADDAD, "read_document", False), (DURAND, "read_document", True)]


def test_deposit_hold_until_explained_then_release(client, notifier, app):
    pro_log_in(client, notifier, LEFEVRE)
    page = client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": "Consultation de cardiologie", "document_date": "20/11/2026",
        "text": "Tout va bien.", "pending_explanation": "y",
    }, follow_redirects=True)
    assert "Le document est ajouté au DMP." in page.soup.select_one("[aria-live]").get_text()
    new = next(d for d in app.extensions["dmp.repos"].documents.list(DOSSIER)
               if d.title == "Consultation de cardiologie")
    assert new.awaiting_explanation and new.author_id == LEFEVRE
    log_out(client, "/pro")

    # the patient does not see it, not even by its URL
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    client.submit("/connexion/code", {"code": notifier.last_otp()})
    home = client.get("/mon-dmp").soup.main.get_text(" ")
    assert "Consultation de cardiologie" not in home and "Consultation du 12 octobre 2026" in home
    assert client.get(f"/mon-dmp/documents/{new.id}").status_code == 404
    log_out(client, "/mon-dmp")

    # another doctor cannot release it; its author can
    pro_log_in(client, notifier, DURAND)
    assert client.post(f"/pro/dmp/{DOSSIER}/documents/{new.id}/montrer",
                       data={"csrf_token": client.csrf_token("/pro")}).status_code == 403
    log_out(client, "/pro")
    pro_log_in(client, notifier, LEFEVRE)
    released = client.post(f"/pro/dmp/{DOSSIER}/documents/{new.id}/montrer",
                           data={"csrf_token": client.csrf_token("/pro")}, follow_redirects=True)
    assert "Le patient peut maintenant voir ce document." in released.soup.select_one("[aria-live]").get_text()
    log_out(client, "/pro")

    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    client.submit("/connexion/code", {"code": notifier.last_otp()})
    assert client.get(f"/mon-dmp/documents/{new.id}").soup.h1.get_text(strip=True) == "Consultation de cardiologie"
    actions = [(e.actor_id, e.action, e.allowed) for e in journal(app)]
    assert (LEFEVRE, "write_document", True) in actions
    assert (DURAND, "release_document", False) in actions
    assert (LEFEVRE, "release_document", True) in actions
    assert (DOSSIER, "read_document", True) in actions  # the patient opening it


def test_a_deposited_file_is_checked_sealed_and_sent_back_as_an_attachment(client, notifier, app, tmp_path):
    pro_log_in(client, notifier, DURAND)
    pdf = app.extensions["dmp.repos"].documents
    from dmp_web import pdf as letters

    real_pdf = letters.identifier_letter(full_name="Test", address_lines=["1 rue A", "75000 Paris"], login_id="abc1234",
                                         dated=date(2026, 11, 23))
    response = client.post(f"/pro/dmp/{DOSSIER}/deposer", data={
        "csrf_token": client.csrf_token(f"/pro/dmp/{DOSSIER}/deposer"), "type_code": "lab_results",
        "title": "Analyse scannée", "document_date": "01/11/2026", "file": (io.BytesIO(real_pdf), "../../scan.png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    new = next(d for d in pdf.list(DOSSIER) if d.title == "Analyse scannée")
    stored = pdf.file(DOSSIER, new.id)
    assert (stored.name, stored.content_type) == ("scan.pdf", "application/pdf")
    raw = everything_stored(app)
    assert real_pdf[:200] not in raw and b"abc1234" not in raw  # sealed at rest
    download = client.get(f"/pro/dmp/{DOSSIER}/documents/{new.id}/fichier")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    with pdfplumber.open(io.BytesIO(download.data)) as opened:
        assert "abc1234" in "".join(page.extract_text() for page in opened.pages)


def test_a_bad_file_or_empty_deposit_gets_its_message(client, notifier):
    pro_log_in(client, notifier, DURAND)
    url = f"/pro/dmp/{DOSSIER}/deposer"
    html = client.post(url, data={
        "csrf_token": client.csrf_token(url), "type_code": "lab_results", "title": "x", "document_date": "01/11/2026",
        "file": (io.BytesIO(b"<!DOCTYPE html><script>alert(1)</script>"), "page.html"),
    }, content_type="multipart/form-data")
    assert field_error(html.soup, "file") == ("Ce type de fichier n’est pas accepté. "
                                              "Choisissez un fichier PDF, JPEG, PNG ou texte")
    empty = client.submit(url, {"type_code": "", "title": "", "document_date": "", "text": ""})
    assert field_error(empty.soup, "type_code") == "Choisissez le type du document"
    assert field_error(empty.soup, "title") == "Écrivez le titre du document"
    assert field_error(empty.soup, "document_date") == "Écrivez la date des soins"
    assert field_error(empty.soup, "text") == "Écrivez le texte du document ou joignez un fichier"


def test_a_pharmacist_is_offered_only_the_types_it_may_write(client, notifier):
    pro_log_in(client, notifier, PETIT)
    soup = client.get(f"/pro/dmp/{DOSSIER}/deposer").soup
    offered = {i["value"] for i in soup.select("input[name=type_code]")}
    expected = {code for code in DOCUMENT_TYPES if allows(Profession.PHARMACIEN, code, "write")}
    assert offered == expected and "consultation_report" not in offered and len(expected) >= 2
    forced = client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": "Faux", "document_date": "01/11/2026", "text": "x"})
    assert forced.status_code == 200 and field_error(forced.soup, "type_code")


def test_break_glass_opens_the_dossier_for_24_hours_within_the_profession_and_is_journaled(
        client, notifier, app, clock):
    pro_log_in(client, notifier, BERNARD)  # a nurse does not read consultation reports
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403
    short = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "malaise"})
    assert field_error(short.soup, "reason") == "Écrivez la raison en 10 à 500 caractères"
    opened = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Patiente inconsciente à domicile"})
    assert opened.headers["Location"] == f"/pro/dmp/{DOSSIER}"
    emergency = [e for e in journal(app) if e.action == "break_glass"]
    assert len(emergency) == 1 and emergency[0].emergency and emergency[0].actor_id == BERNARD
    assert emergency[0].detail["emergency"] == {"kind": "break_glass", "reason": "Patiente inconsciente à domicile"}
    page = client.get(f"/pro/dmp/{DOSSIER}")
    assert "Accès en urgence ouvert jusqu’au" in page.text
    assert page.soup.find("a", href=f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}") is None
    # never wider than a nurse's rights: the consultation report stays closed, the read is journaled
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403
    last = journal(app)[-1]
    assert (last.action, last.allowed, last.emergency) == ("read_document", False, True)
    clock.advance(hours=24)
    assert client.get("/pro").headers["Location"] == "/pro/connexion"  # the session ended long before
    pro_log_in(client, notifier, BERNARD)
    assert "Accès en urgence ouvert" not in client.get(f"/pro/dmp/{DOSSIER}").text
    assert not journal(app)[-1].emergency


def test_a_pharmacist_is_told_why_bris_de_glace_is_not_for_her_and_the_refusal_is_journaled(client, notifier, app):
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}").soup.find("a", string="Accès en urgence (bris de glace)") is None
    page = client.get(f"/pro/dmp/{DOSSIER}/urgence")
    assert "Votre métier ne permet pas d’ouvrir un DMP en urgence." in page.text
    assert "les médecins, les infirmiers et les sages-femmes" in page.text and page.soup.find("textarea") is None
    forged = client.submit(f"/pro/dmp/{DOSSIER}", {"reason": "Malaise à l’officine, patiente pâle"},
                           action=f"/pro/dmp/{DOSSIER}/urgence")
    assert forged.status_code == 403
    assert "Le métier de ce soignant ne permet pas d’ouvrir un DMP en urgence." in forged.text
    last = journal(app)[-1]
    assert (last.action, last.allowed, last.emergency, last.actor_id) == ("open_emergency", False, True, PETIT)
    assert app.extensions["dmp.repos"].emergencies.all(DOSSIER) == []


def test_emergency_access_is_refused_when_the_patient_said_no(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.break_glass_access = False
    repos.dossiers.save(dossier)
    pro_log_in(client, notifier, BERNARD)
    refused = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Patiente inconsciente à domicile"})
    assert refused.status_code == 403
    last = journal(app)[-1]
    assert (last.actor_id, last.allowed, last.emergency) == (BERNARD, False, True)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 403


def test_the_regulator_opens_the_dossier_during_a_call(client, notifier, app):
    pro_log_in(client, notifier, HADDAD)
    page = client.get(f"/pro/dmp/{DOSSIER}/urgence").soup.main.get_text(" ")
    assert "médecin régulateur du SAMU" in page
    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Appel au 15 : douleur dans la poitrine"})
    entry = next(e for e in journal(app) if e.action == "regulator_access")
    assert entry.emergency and entry.actor_id == HADDAD and entry.allowed


@pytest.mark.parametrize("login_id", FORBIDDEN)
def test_a_forbidden_actor_is_refused_and_the_refusal_is_journaled(client, notifier, app, login_id):
    pro_log_in(client, notifier, login_id)
    home = client.get("/pro")
    assert home.status_code == 403 and "La loi interdit" in home.soup.main.get_text(" ")
    page = client.get(f"/pro/dmp/{DOSSIER}")
    assert page.status_code == 403
    assert "Roche" not in page.get_data(as_text=True) and "ROCHE" not in page.get_data(as_text=True)
    last = journal(app)[-1]
    assert (last.actor_id, last.action, last.allowed) == (login_id, "read_dossier", False)
    assert last.reason.startswith("La loi interdit")


def test_the_patient_who_asked_is_emailed_at_each_new_visible_document_without_its_title(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.alert_new_documents = True
    repos.dossiers.save(dossier)
    pro_log_in(client, notifier, LEFEVRE)
    sent = len(notifier.outbox)
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {"type_code": "consultation_report", "title": "Bilan secret",
                                                  "document_date": "20/11/2026", "text": "x",
                                                  "pending_explanation": "y"})
    assert len(notifier.outbox) == sent  # held until explained: no alert yet
    new = next(d for d in repos.documents.list(DOSSIER) if d.title == "Bilan secret")
    client.post(f"/pro/dmp/{DOSSIER}/documents/{new.id}/montrer", data={"csrf_token": client.csrf_token("/pro")})
    alert = notifier.outbox[-1]
    assert alert.to == repos.accounts.get(DOSSIER).email
    assert alert.subject == "Un nouveau document dans votre DMP" and "Bilan secret" not in alert.body
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {"type_code": "consultation_report", "title": "Visible",
                                                  "document_date": "20/11/2026", "text": "x"})
    assert len(notifier.outbox) == sent + 2


def test_without_the_alert_no_email_is_sent(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    assert not repos.dossiers.get(DOSSIER).alert_new_documents and repos.accounts.get(DOSSIER).email
    pro_log_in(client, notifier, LEFEVRE)
    sent = len(notifier.outbox)
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {"type_code": "consultation_report", "title": "Visible",
                                                  "document_date": "20/11/2026", "text": "x"})
    # the deposit happened (else "no e-mail" proves nothing), and only the alert is missing
    assert any(d.title == "Visible" for d in repos.documents.list(DOSSIER))
    last = journal(app)[-1]
    assert (last.actor_id, last.action, last.allowed) == (LEFEVRE, "write_document", True)
    assert len(notifier.outbox) == sent


def test_the_patient_names_a_medecin_traitant_from_the_directory_who_then_sees_everything(client, notifier, app):
    repos = app.extensions["dmp.repos"]
    dossier = repos.dossiers.get(DOSSIER)
    dossier.blocked_rpps = [LEFEVRE]
    repos.dossiers.save(dossier)
    hidden = repos.documents.get(DOSSIER, CONSULTATION)
    hidden.hidden = True
    repos.documents.save(hidden)
    client.submit("/connexion", {"login_id": DEMO_LOGIN["login_id"], "password": DEMO_PASSWORD})
    client.submit("/connexion/code", {"code": notifier.last_otp()})
    for typed, message in [
        ("", "Écrivez le numéro de votre médecin"),
        ("1234", "Ce numéro a 11 chiffres. Vous avez écrit 4 caractères"),
        ("10001000017", "Ce numéro n’existe pas. Vérifiez-le avec votre médecin"),
        (PETIT, "Aucun médecin n’a ce numéro RPPS. Vérifiez-le avec votre médecin"),
    ]:
        page = client.submit("/mon-dmp/medecin-traitant", {"rpps": typed})
        assert field_error(page.soup, "rpps") == message, typed
    done = client.submit("/mon-dmp/medecin-traitant", {"rpps": LEFEVRE}, follow_redirects=True)
    assert "Votre médecin traitant est enregistré." in done.soup.select_one("[aria-live]").get_text()
    dossier = repos.dossiers.get(DOSSIER)
    assert dossier.attending_doctor_rpps == LEFEVRE and LEFEVRE not in dossier.blocked_rpps
    entry = journal(app)[-1]
    assert (entry.action, entry.allowed) == ("manage", True) and entry.detail["change"]["rpps"] == LEFEVRE
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, LEFEVRE)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}").status_code == 200  # hidden, yet shown


def state_every_wish(app):
    """The demo patient states every wish (the browser journey shows them too)."""
    from dmp_web.domain.actors import Holder
    from dmp_web.services import wishes
    from dmp_web.web.deps import ctx

    with app.app_context():
        dossiers, holder = ctx().repos.dossiers, Holder(DOSSIER)
        wishes.set_trusted_person(ctx(), holder, dossiers.get(DOSSIER), "Paul Roche", "mon mari", "0611223344")
        wishes.set_emergency_contact(ctx(), holder, dossiers.get(DOSSIER), same_as_trusted=False,
                                     name="Lina Roche", link="ma fille", phone="0622334455")
        wishes.set_advance_directives(ctx(), holder, dossiers.get(DOSSIER), "Pas d’acharnement.")
        wishes.set_organ_donation(ctx(), holder, dossiers.get(DOSSIER), "yes")
        wishes.set_health_facts(ctx(), holder, dossiers.get(DOSSIER), "O+", "Pénicilline")


def test_each_profession_sees_the_wishes_the_table_gives_it_each_view_journaled(client, notifier, app):
    from dmp_web.texts.page_text import check_page

    state_every_wish(app)
    seen = {}
    for rpps in (BERNARD, PETIT, DURAND):
        pro_log_in(client, notifier, rpps)
        before = len(journal(app))
        page = client.get(f"/pro/dmp/{DOSSIER}")
        block = page.soup.find("h2", string="Les volontés du patient").find_next("dl").get_text(" ")
        seen[rpps] = {label for label, shown in (
            ("trusted", "Paul Roche"), ("contact", "Lina Roche"), ("directives", "Pas d’acharnement."),
            ("organs", "Le patient veut donner ses organes."), ("facts", "Pénicilline")) if shown in block}
        wish_entries = [e for e in journal(app)[before:] if e.action == "read_wish"]
        assert all(e.allowed and e.actor_id == rpps for e in wish_entries)
        assert len(wish_entries) == len(seen[rpps])
        assert check_page(page.get_data(as_text=True)).findings == ()
        log_out(client, "/pro")
    assert seen[BERNARD] == {"trusted", "contact", "directives", "facts"}  # a nurse: not organ donation
    assert seen[PETIT] == {"facts"}  # a pharmacist: blood group and allergies only
    assert seen[DURAND] == {"trusted", "contact", "directives", "organs", "facts"}  # the médecin traitant


GARCIA = "10001000065"  # sage-femme, not in the demo patient's care team


def test_outside_the_care_team_the_agreement_is_noted_once_before_the_first_read(client, notifier, app):
    pro_log_in(client, notifier, GARCIA)
    before = len(journal(app))
    first = client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}")
    assert first.headers["Location"] == f"/pro/dmp/{DOSSIER}/accord"
    assert len(journal(app)) == before  # sent to the step: the step's page journals the visit
    page = client.get(f"/pro/dmp/{DOSSIER}/accord")
    assert "Vous n’êtes pas encore dans l’équipe de soins de Fatima ROCHE." in page.soup.main.get_text(" ")
    # the page shows the patient's name: the visit is a refused opening, for the patient to see
    assert [(e.action, e.allowed, e.actor_id, e.reason) for e in journal(app)[before:]] == [
        ("read_dossier", False, GARCIA, REASONS["consent_needed"])]
    empty = client.submit(f"/pro/dmp/{DOSSIER}/accord", {})
    assert field_error(empty.soup, "agreed") == "Cochez la case si le patient est d’accord. Sinon, n’ouvrez pas son DMP"
    assert not [e for e in journal(app)[before:] if e.allowed]  # nothing noted without the box
    noted = client.submit(f"/pro/dmp/{DOSSIER}/accord", {"agreed": "y"})
    assert noted.headers["Location"] == f"/pro/dmp/{DOSSIER}"
    last = journal(app)[-1]
    assert (last.action, last.allowed, last.actor_id) == ("record_consent", True, GARCIA)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
    assert client.get(f"/pro/dmp/{DOSSIER}/accord").headers["Location"] == f"/pro/dmp/{DOSSIER}"  # once
    assert GARCIA in app.extensions["dmp.repos"].dossiers.get(DOSSIER).care_team_rpps
    log_out(client, "/pro")
    # the patient sees her in the care team, and removing her is a block
    from .test_patient_documents import patient_log_in

    patient_log_in(client, notifier)
    history = client.get("/mon-dmp/historique").soup.main.get_text(" ")
    assert "Inès Garcia (sage-femme) a noté votre accord pour lire votre DMP" in " ".join(history.split())
    management = client.get("/mon-dmp/gestion").soup
    team = management.find("h2", string="Mon équipe de soins").find_parent("div")
    assert "Inès Garcia" in team.get_text() and team.find("button", id=f"block-{GARCIA}")
    client.submit("/mon-dmp/gestion", {"rpps": GARCIA}, action="/mon-dmp/gestion/bloquer")
    dossier = app.extensions["dmp.repos"].dossiers.get(DOSSIER)
    assert GARCIA not in dossier.care_team_rpps and GARCIA in dossier.blocked_rpps
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, GARCIA)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 403
    client.submit("/pro", {"agreed": "y"}, action=f"/pro/dmp/{DOSSIER}/accord")  # blocked: nothing to note
    assert GARCIA not in app.extensions["dmp.repos"].dossiers.get(DOSSIER).care_team_rpps


def test_a_deposit_needs_the_care_team_and_one_under_bris_de_glace_does_not_outlive_it(client, notifier, app):
    """A deposit is no way into the care team: under an emergency it is journaled as one, and the
    switch turned off leaves its author with the consent step, as before."""
    from dmp_web.domain.actors import Holder, Profession, Professional
    from dmp_web.services import dossier_access, management
    from dmp_web.web.deps import ctx

    garcia = Professional(GARCIA, "Inès Garcia", Profession.SAGE_FEMME)
    with app.app_context():
        def deposit():
            return dossier_access.deposit(ctx(), garcia, ctx().repos.dossiers.get(DOSSIER),
                                          type_code="consultation_report", title="Consultation de suivi",
                                          document_date=None, text="RAS.")
        assert deposit().decision.reason_code == "consent_needed"
        assert dossier_access.open_emergency(ctx(), garcia, ctx().repos.dossiers.get(DOSSIER),
                                             "Hémorragie pendant l’accouchement").allowed
        done = deposit()
        assert done.decision.allowed and done.decision.emergency
        assert journal(app)[-1].emergency and journal(app)[-1].action == "write_document"
        holder = Holder(DOSSIER)
        management.set_emergency_switches(ctx(), holder, ctx().repos.dossiers.get(DOSSIER), {
            "regulator_access": True, "break_glass_access": False, "hidden_in_emergency": False})
        assert dossier_access.needs_consent(ctx(), garcia, ctx().repos.dossiers.get(DOSSIER))
