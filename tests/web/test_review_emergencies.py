"""Review of the access policy and emergencies (issue 16, items 1, 2, 3 and 7): each test shows a
defect found in review; it fails on main as it stands and passes once the defect is fixed."""
from dmp_web.domain.details import read_detail
from dmp_web.texts.page_text import check_page

from .patient_journey import MANAGE_EMERGENCY, answer_emergency
from .pro_journey import DOSSIER, journal, log_out, pro_log_in
from .test_patient_documents import patient_log_in

GARCIA = "10001000065"  # sage-femme: may use bris de glace, not in the demo patient's care team
CONSULTATION = "d0c0000000000001"  # by Dr Durand, a consultation report: a sage-femme may read it


def _switches(client, regulator="yes", break_glass="yes", hidden="no"):
    return answer_emergency(client, MANAGE_EMERGENCY, {
        "regulator_access": regulator, "break_glass_access": break_glass, "hidden_in_emergency": hidden})


def test_a_deposit_during_bris_de_glace_does_not_outlive_the_switch(client, notifier, app):
    """Finding 1: a sage-femme outside the care team opens bris de glace, adds one document, and
    the patient turns bris de glace off: the access should end. It does not: the deposit put her
    in the care team, so she keeps reading without the patient's agreement ever being noted."""
    pro_log_in(client, notifier, GARCIA)
    opened = client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Hémorragie, patiente inconsciente"})
    assert opened.headers["Location"] == f"/pro/dmp/{DOSSIER}"
    added = client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": "Prise en charge aux urgences", "document_date": "02/03/2026",
        "text": "Patiente vue en urgence."})
    assert added.status_code == 302
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    assert _switches(client, break_glass="no").status_code == 302
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).break_glass_access is False
    log_out(client, "/mon-dmp")
    pro_log_in(client, notifier, GARCIA)
    after = client.get(f"/pro/dmp/{DOSSIER}/documents/{CONSULTATION}")
    # ended: she is sent to note the agreement (or refused), she does not read on
    assert after.status_code != 200, "the emergency access outlived its switch through the deposit"


def test_a_professional_sent_to_the_consent_step_is_journaled(client, notifier, app):
    """Finding 2: a professional outside the care team who opens the DMP is sent to the consent
    page, which shows the patient's name; if they stop there, the patient's history says nothing
    of it. Every decision, allowed or refused, should be journaled."""
    pro_log_in(client, notifier, GARCIA)
    before = len(journal(app))
    assert client.get(f"/pro/dmp/{DOSSIER}").headers["Location"] == f"/pro/dmp/{DOSSIER}/accord"
    assert "ROCHE" in client.get(f"/pro/dmp/{DOSSIER}/accord").get_data(as_text=True)
    tried = [e for e in journal(app)[before:] if e.actor_id == GARCIA]
    assert tried, "a professional tried to open the DMP and saw the patient's name: nothing journaled"


def test_a_wish_shown_under_an_emergency_is_journaled_as_an_emergency(client, notifier, app):
    """Finding 3: outside the care team, only bris de glace lets her see the wishes; the reads of
    the dossier and documents are journaled as emergency ones, the wishes are not."""
    from .test_professionals import state_every_wish

    state_every_wish(app)
    pro_log_in(client, notifier, GARCIA)
    client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": "Hémorragie, patiente inconsciente"})
    before = len(journal(app))
    page = client.get(f"/pro/dmp/{DOSSIER}")
    assert "Paul Roche" in page.get_data(as_text=True)  # the trusted person, with her phone number
    entries = journal(app)[before:]
    dossier_read = next(e for e in entries if e.action == "read_dossier")
    assert dossier_read.emergency
    wishes = [e for e in entries if e.action == "read_wish"]
    assert wishes
    assert all(e.emergency and read_detail(e.detail).emergency_kind == "break_glass" for e in wishes), \
        [(e.emergency, e.detail) for e in wishes]


def test_the_history_line_of_a_switch_turned_off_is_easy_to_read(client, notifier, app):
    """Finding 4: « Le changement : personne ne peut ouvrir votre DMP en urgence, sauf le centre 15
    si vous le permettez. » has 18 words (15 at most)."""
    patient_log_in(client, notifier)
    _switches(client, break_glass="no")
    page = client.get("/mon-dmp/historique?acces=tous")  # the patient's own lines: «Tout voir»
    assert "un soignant ne peut pas ouvrir votre DMP en urgence" in page.get_data(as_text=True)
    long = [f for f in check_page(page.get_data(as_text=True)).findings if f.code == "long_sentence"]
    assert not long, long


def test_the_first_connection_step_3_is_closed_once_the_first_connection_is_done(client, notifier, app):
    """Finding 5: after the first connection, /mon-dmp/premiere-connexion/urgence still takes the
    3 switches: outside the « manage » decision, journaled as a first connection done again."""
    patient_log_in(client, notifier)
    before = len(journal(app))
    for step in ("coordonnees", "mot-de-passe", "urgence"):  # every step is closed, not only the last
        assert client.get(f"/mon-dmp/premiere-connexion/{step}").headers["Location"] == "/mon-dmp"
    posted = client.submit("/mon-dmp/gestion", {
        "regulator_access": "no", "break_glass_access": "no", "hidden_in_emergency": "yes"},
        action="/mon-dmp/premiere-connexion/urgence")
    assert posted.headers["Location"] == "/mon-dmp"
    entries = journal(app)[before:]
    assert not [e for e in entries if e.action in ("first_connection_done", "emergency_access_set")], \
        (posted.status_code, [e.action for e in entries])
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).break_glass_access is True


def test_the_care_team_offers_no_removal_that_always_fails(client, notifier, app):
    """Finding 7: the médecin traitant who adds a document joins the care team; « Retirer de mon
    équipe » is a block, always refused for him, yet the page offers the button."""
    from .pro_journey import DURAND

    pro_log_in(client, notifier, DURAND)
    client.submit(f"/pro/dmp/{DOSSIER}/deposer", {
        "type_code": "consultation_report", "title": "Consultation de mars", "document_date": "02/03/2026",
        "text": "RAS."})
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    page = client.get("/mon-dmp/gestion").soup
    assert page.find("button", id=f"block-{DURAND}") is None, "a removal offered that is always refused"


def test_the_new_routes_refuse_a_post_without_its_csrf_token(client, notifier, app):
    """Checked fine: the 4 new routes need the form's token (400 without it)."""
    pro_log_in(client, notifier, GARCIA)
    assert client.post(f"/pro/dmp/{DOSSIER}/accord", data={"agreed": "y"}).status_code == 400
    assert client.post(f"/pro/dmp/{DOSSIER}/urgence", data={"reason": "Hémorragie, patiente inconsciente"}
                       ).status_code == 400
    assert GARCIA not in app.extensions["dmp.repos"].dossiers.get(DOSSIER).care_team_rpps
    assert app.extensions["dmp.repos"].emergencies.all(DOSSIER) == []
    log_out(client, "/pro")
    patient_log_in(client, notifier)
    off = {"regulator_access": "no", "break_glass_access": "no", "hidden_in_emergency": "yes"}
    assert client.post("/mon-dmp/gestion/urgence", data=off).status_code == 400
    assert client.post("/mon-dmp/premiere-connexion/urgence", data=off).status_code == 400
    assert app.extensions["dmp.repos"].dossiers.get(DOSSIER).break_glass_access is True
