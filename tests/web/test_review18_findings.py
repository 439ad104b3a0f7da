"""Review of issue 18 (carers and the helped visit): what a stranger, a malicious carer, an
ex-carer or a stolen session could still do. Each test is one finding of the review (see its
report); it fails on the feature as merged, before its fix."""
from __future__ import annotations

from dmp_web.domain.representatives import FIRST_SLOT
from dmp_web.services import carers, history

from ..conftest import CheckedClient, make_app
from .pro_journey import journal
from .test_coming_of_age import UNTIL_18
from .test_helped_visit import BANNER, banner, helpers_of, patient_log_in, start
from .test_carer_space import PASSWORD, _accept_with_new_account, _context, _invite
from .test_desk_creation import LUCAS, dossier_of, main_text, other_client
from .test_representatives import lucas_with_his_mother
from .test_review17_findings import HIDDEN, deposit_hidden, doctor_of_lucas

BOTH_STORES = True  # grants, documents and the carers' accounts are in the store: files and PostgreSQL alike


# -- finding 1: a minor's representative reads, as a carer, what a professional hid from them ------

def test_a_carer_invited_on_a_minor_s_dmp_does_not_read_what_is_hidden_from_the_representatives(
        client, notifier, app):
    lucas_with_his_mother(client, notifier, app)
    dossier = dossier_of(app, LUCAS)
    doctor = doctor_of_lucas(app, notifier, dossier.id)
    hidden = deposit_hidden(app, doctor, dossier.id)
    # the mother invites « a carer »: herself, with a second account of her own
    context = _context(app)
    made = carers.invite(context, dossier.acting_in(FIRST_SLOT), dossier, name="Sophie MOREAU", purpose="read",
                         starts_on=context.now().date(), ends_on=None)
    assert made.decision.allowed
    carer = other_client(app)
    _accept_with_new_account(carer, notifier, made.code)
    listed = main_text(carer.get(f"/aidant/dmp/{dossier.id}"))
    assert HIDDEN not in listed
    assert carer.get(f"/aidant/dmp/{dossier.id}/documents/{hidden.id}").status_code == 404
    assert carer.get(f"/aidant/dmp/{dossier.id}/documents/{hidden.id}/fichier").status_code == 404


# -- finding 2: one invitation's code sends codes to a stranger's mobile without end --------------

def test_one_invitation_code_cannot_flood_one_mobile_with_new_accounts_codes(tmp_path):
    limited = make_app(tmp_path, RATELIMIT_ENABLED=True)
    limited.test_client_class = CheckedClient
    made = _invite(limited)
    notifier = limited.extensions["dmp.notifier"]
    victim = "0612131415"
    statuses = []
    for n in range(12):  # from as many addresses: the address's own limit never stops it
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
        client.submit("/aidant/accepter", {"code": made.code})
        client.submit("/aidant/accepter/contact", {"mobile": victim, "email": ""})
        statuses.append(client.submit("/aidant/accepter/mot-de-passe", {
            "new_password": PASSWORD, "new_password_confirm": PASSWORD}).status_code)
    assert 429 not in statuses[:5] and statuses[5:] == [429] * 7
    assert len([m for m in notifier.outbox if m.to == victim]) == 5


# -- finding 4: at 18, a representative's access ends, but not the carer they made of themselves ---

def carer_log_in(client, notifier, login_id):
    client.get("/aidant")  # an idle session ends at its first request
    client.submit("/aidant/connexion", {"login_id": login_id, "password": PASSWORD})
    assert client.submit("/aidant/connexion/code", {"code": notifier.last_otp()}).status_code == 302


def test_at_18_the_carers_the_representatives_invited_lose_their_access_too(client, notifier, app, clock):
    lucas_with_his_mother(client, notifier, app)
    dossier = dossier_of(app, LUCAS)
    context = _context(app)
    made = carers.invite(context, dossier.acting_in(FIRST_SLOT), dossier, name="Sophie MOREAU", purpose="read",
                         starts_on=context.now().date(), ends_on=None)
    carer = other_client(app)
    login_id = _accept_with_new_account(carer, notifier, made.code)
    assert carer.get(f"/aidant/dmp/{dossier.id}").status_code == 200
    clock.advance(days=UNTIL_18)
    context = _context(app)  # the day before the batch: the mother still acts, and invites once more
    waiting = carers.invite(context, dossier.acting_in(FIRST_SLOT), dossier_of(app, LUCAS), name="Marc MOREAU",
                            purpose="read", starts_on=context.now().date(), ends_on=None, sent_by="letter")
    assert waiting.decision.allowed
    assert "1 DMP changé(s)." in app.test_cli_runner().invoke(args=["end-representatives"]).output
    carer_log_in(carer, notifier, login_id)
    assert carer.get(f"/aidant/dmp/{dossier.id}").status_code == 403  # « L’accès de cet aidant est fini »
    assert all(g.ended_at is not None for g in dossier_of(app, LUCAS).carers)
    late = other_client(app)  # nor can the invitation still waiting be accepted
    assert "Ce code ne marche pas" in main_text(late.submit("/aidant/accepter", {"code": waiting.code}))
    told = [history.describe(e, titles={}, professionals={}).text for e in
            app.extensions["dmp.repos"].journal.entries(dossier.id) if e.action == "carers_ended_at_18"]
    assert len(told) == 1 and told[0].startswith("Vous avez eu 18 ans. Vos aidants ne voient plus votre DMP")


# -- finding 5: logging in as someone else in the same browser leaves the helped visit running ----

def test_a_login_on_another_space_ends_the_patient_s_helped_visit_and_journals_it(client, notifier, app):
    made = _invite(app, purpose="read")
    login_id = _accept_with_new_account(other_client(app), notifier, made.code)
    patient_log_in(client, notifier)
    start(client)
    assert banner(client).startswith(BANNER)
    before = len(journal(app))
    carer_log_in(client, notifier, login_id)  # the patient did not log out: the helper logs in as a carer
    assert client.get("/aidant").soup.find(id="aide-en-cours") is None
    after = [action for action, _helper in helpers_of(app, before)]
    assert "helped_visit_ended" in after and "logout" in after
