"""« Recevoir mon historique par courrier » (services/history_letters.py, `flask letters
history`): for every DMP that asked it, one letter in the mail-room queue with the month's
accesses by others than the patient, in the history's easy French, never a document's title;
nothing for a month without access; nothing twice for one month, on both stores."""
from __future__ import annotations

from dmp_web.domain.falc import check_text

from .pro_journey import DOSSIER, PETIT, journal, log_out, pro_log_in
from .test_notices import NO_LETTERS, assert_no_document_in, patient_log_in
from .test_post_notices import ADDRESS, ALERTS, letter_ids, letter_text, new_letters

BOTH_STORES = True  # the letters' state is in the store: files and PostgreSQL behave the same

DOCUMENT = "d0c0000000000001"  # a demo document the pharmacist may not read: tried, refused, told


def ask_history(client, notifier, on: bool = True):
    patient_log_in(client, notifier)
    answer = client.submit(ALERTS, {**NO_LETTERS, "choice": "no", "openings": "no",
                                    "history_by_post": "yes" if on else "no"})
    assert answer.headers["Location"] == "/mon-dmp/gestion"
    log_out(client, "/mon-dmp")


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["letters", "history", *args])


def test_the_month_s_accesses_go_in_one_letter_and_never_twice(client, notifier, app, clock):
    ask_history(client, notifier)
    pro_log_in(client, notifier, PETIT)
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
    client.get(f"/pro/dmp/{DOSSIER}/documents/{DOCUMENT}")
    log_out(client, "/pro")
    title = app.extensions["dmp.repos"].documents.get(DOSSIER, DOCUMENT).title
    clock.advance(days=8)  # 1 December 2026: the batch's day
    before = letter_ids(app)

    done = run(app)
    assert done.exit_code == 0, done.output
    assert done.output.strip() == ("novembre 2026 : 1 lettre(s) mise(s) en file, 0 sans accès, 0 déjà envoyée(s), "
                                   "0 en échec.")
    (letter,) = new_letters(app, before)
    assert (letter["kind"], letter["address"]) == ("history_letter", ADDRESS)
    text = letter_text(app, letter["letter_id"])
    assert "L’historique de votre dossier médical partagé" in text
    assert "Elle dit qui a ouvert votre DMP en novembre 2026." in text
    assert "Le 23 novembre 2026 à 10 h 00 : Claire Petit (pharmacienne) a ouvert votre DMP." in text
    assert "Claire Petit (pharmacienne) a essayé de lire un document. C’était refusé." in text
    assert title not in text  # never a title: «un document»
    assert_no_document_in(text)
    assert text.count("Le 23 novembre 2026 à") == 2  # her own acts (log in, « Mes alertes ») are left out
    assert [(e.action, e.detail, e.allowed) for e in journal(app)][-1] == (
        "history_letter", {"note": "to_holder_by_post"}, True)

    again = run(app, "--month", "2026-11")
    assert "0 lettre(s) mise(s) en file, 0 sans accès, 1 déjà envoyée(s)" in again.output
    assert new_letters(app, before) == [letter]
    clock.advance(days=31)  # January: December had only our own letter, which is no access
    assert "0 lettre(s) mise(s) en file, 1 sans accès" in run(app).output
    assert new_letters(app, before) == [letter]


def test_nothing_for_a_month_without_access_nor_for_who_did_not_ask(client, notifier, app, clock):
    before = letter_ids(app)
    pro_log_in(client, notifier, PETIT)
    client.get(f"/pro/dmp/{DOSSIER}")  # an access, but she did not ask the letter
    log_out(client, "/pro")
    clock.advance(days=8)
    assert "0 lettre(s) mise(s) en file, 0 sans accès" in run(app).output
    ask_history(client, notifier)
    assert "0 lettre(s) mise(s) en file, 1 sans accès" in run(app, "--month", "2026-10").output
    assert new_letters(app, before) == []
    refused = run(app, "--month", "novembre")
    assert refused.exit_code == 1 and "Écrivez le mois ainsi : --month 2026-11." in refused.output


def test_the_letter_s_text_is_easy_to_read(client, notifier, app, clock):
    ask_history(client, notifier)
    pro_log_in(client, notifier, PETIT)
    client.get(f"/pro/dmp/{DOSSIER}")
    log_out(client, "/pro")
    clock.advance(days=8)
    before = letter_ids(app)
    run(app)
    (letter,) = new_letters(app, before)
    text = letter_text(app, letter["letter_id"])
    body = text[text.index("Votre dossier médical partagé est appelé"):]
    sentences = body.replace(" : ", ". ").replace("? ", "?\n\n").replace(". ", ".\n\n")
    assert check_text(sentences).findings == ()
