"""At 18 (`flask end-representatives`, services/coming_of_age.py): the legal representatives'
access ends, each is told on their own account, and the young adult gets a credential letter of
their own in the mail-room queue; then he logs in with it, and reads what was hidden from them."""
from __future__ import annotations

import re

from dmp_web.store.copies import FAILED

from ..conftest import field_error
from .patient_journey import NEW_PASSWORD, Created, first_connection, log_in
from .pro_journey import log_out
from .test_desk_creation import DESK_AGENT, LUCAS, MEDECIN, dossier_of, main_text, other_client, pro_log_in
from .test_desk_existing import CONTACT, card_seen
from .test_post_notices import letter_ids, letter_text, new_letters
from .test_representatives import LUCAS_BIRTH, add_the_father, lucas_with_his_mother

BOTH_STORES = True  # these journeys run on the file store and on PostgreSQL

UNTIL_18 = 365 * 4  # Lucas, born on 9 January 2012, is 18 in November 2030 (the app's clock: 2026)


def test_at_18_the_representatives_lose_access_and_the_young_adult_gets_his_own_letter(client, notifier, app, clock):
    mother = lucas_with_his_mother(client, notifier, app)
    father = add_the_father(client, notifier, app)
    dad = other_client(app)
    log_in(dad, notifier, father.login_id, father.initial_password)
    first_connection(dad, father, email="marc@example.org")
    dossier = dossier_of(app, LUCAS)
    doctor = other_client(app)
    pro_log_in(doctor, notifier, MEDECIN)
    doctor.submit("/pro/trouver", {"identifier": LUCAS.nir, "birth_date": LUCAS_BIRTH})
    doctor.submit(f"/pro/dmp/{dossier.id}/accord", {"agreed": "y"})
    doctor.submit(f"/pro/dmp/{dossier.id}/deposer", {
        "type_code": "consultation_report", "title": "Consultation de contraception", "document_date": "20/11/2026",
        "text": "Texte.", "hidden_from_representatives": "y"})
    log_out(doctor, "/pro")
    runner = app.test_cli_runner()

    early = runner.invoke(args=["end-representatives"])
    assert early.exit_code == 0 and early.output.strip() == "0 DMP changé(s)."  # he is 14
    clock.advance(days=UNTIL_18)
    dry = runner.invoke(args=["end-representatives", "--dry-run"])
    assert f"DMP {dossier.id} : 2 représentant(s) légal(aux) à arrêter" in dry.output
    assert dossier_of(app, LUCAS).active_representatives  # nothing changed
    before = letter_ids(app)
    sent = len(notifier.outbox)
    done = runner.invoke(args=["end-representatives"])
    assert done.exit_code == 0 and "1 DMP changé(s)." in done.output
    assert runner.invoke(args=["end-representatives"]).output.strip() == "0 DMP changé(s)."  # once

    # their access is over: sessions ended, identifiers refused, and each was told
    assert client.get("/mon-dmp").status_code == 302 and dad.get("/mon-dmp").status_code == 302
    for old in (mother, father):
        again = other_client(app).submit("/connexion", {"login_id": old.login_id, "password": NEW_PASSWORD})
        assert again.status_code == 200 and again.headers.get("Location") is None
    messages = notifier.outbox[sent:]
    assert sorted(m.to for m in messages) == ["marc@example.org", "sophie@example.org"]  # each on their own
    assert all("Lucas MOREAU a 18 ans. Vous n’avez plus accès à son DMP." in m.body for m in messages)
    assert not dossier_of(app, LUCAS).active_representatives

    # the young adult's letter: his own identifier and initial password
    [letter] = [x for x in new_letters(app, before) if x["kind"] == "credential_letter_at_18"]
    text = letter_text(app, letter["letter_id"])
    assert "Lucas MOREAU" in text and "représentant légal" not in text
    account = app.extensions["dmp.repos"].accounts.get(dossier.id)
    assert account.login_id in text and account.login_id not in (mother.login_id, father.login_id)
    password = re.search(r"Votre mot de passe initial (\S+)", text).group(1)
    assert "Vous avez 18 ans. Votre dossier médical partagé est maintenant à vous seul." in text

    # without a contact no code can reach him: the login page says to go to the caisse
    before_desk = other_client(app).submit("/connexion", {"login_id": account.login_id, "password": password})
    assert field_error(before_desk.soup, "password") == (
        "Votre DMP n’a ni portable ni e-mail pour vos codes. Allez à l’accueil de votre caisse d’assurance maladie")
    # the caisse's desk adds his mobile; then he logs in as himself
    desk = other_client(app)
    pro_log_in(desk, notifier, DESK_AGENT)
    card_seen(desk, LUCAS)
    desk.submit(CONTACT, {"mobile": "06 55 44 33 22"})
    lucas = other_client(app)
    landing = log_in(lucas, notifier, account.login_id, password)
    assert landing.headers["Location"] == "/mon-dmp/premiere-connexion/coordonnees"
    first_connection(lucas, Created(account.login_id, password), email="lucas@example.org")
    home = lucas.get("/mon-dmp")
    assert home.soup.select_one(".acting-for") is None and "Bonjour Lucas MOREAU." in main_text(home)
    assert "Consultation de contraception" in main_text(lucas.get("/mon-dmp/documents"))  # his now
    history = " ".join(main_text(lucas.get(f"/mon-dmp/historique?acces=tous&page={n}")) for n in (1, 2, 3))
    assert "Vos représentants légaux n’ont plus accès à votre DMP" in history
    assert "Votre mère, Sophie MOREAU, a fini sa première connexion" in history
    assert "Votre père, Marc MOREAU, a " in history


def test_a_copy_the_representatives_asked_before_18_is_not_made_after(client, notifier, app, clock):
    from .test_copies import run_jobs

    lucas_with_his_mother(client, notifier, app)
    asked = client.submit("/mon-dmp/copie", {}, action="/mon-dmp/copie/a-imprimer")
    assert asked.status_code == 302
    clock.advance(days=UNTIL_18)
    assert app.test_cli_runner().invoke(args=["end-representatives"]).exit_code == 0
    run_jobs(app)  # the worker comes after the batch
    job = app.extensions["dmp.repos"].jobs.get("pdf", dossier_id=dossier_of(app, LUCAS).id)
    assert job.state == FAILED  # nothing made that the parents could still fetch
