"""The mail room's commands: a queued letter is listed without its address, its PDF goes to a pipe,
it is noted as printed, and it is deleted once the retention period is over. Each act is in the
operators' journal."""
from __future__ import annotations

import pytest

from dmp_web.domain.letters import KEPT_AFTER_PRINTING
from dmp_web.notify.letters import UnknownLetter
from dmp_web.worker import Worker

from .test_patient_documents import patient_log_in

BOTH_STORES = True  # the letters on files, or in the database every server shares

POST_URL = "/mon-dmp/copie/courrier"


def queued_copy(client, notifier) -> str:
    patient_log_in(client, notifier)
    assert client.submit(POST_URL, {}).status_code == 302
    Worker(client.application).run_pending()  # the background worker makes the letter
    [letter] = notifier.letters.list()
    return letter["letter_id"]


def operators(app) -> list[tuple[str, bool, str]]:
    return [(e.action, e.allowed, e.detail) for e in app.extensions["dmp.repos"].operators.entries()]


def test_the_mail_room_lists_takes_notes_and_purges_a_letter(client, notifier, app):
    letter_id = queued_copy(client, notifier)
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["letters", "list"])
    assert listed.exit_code == 0
    assert f"{letter_id}  copie du DMP, mise en file le " in listed.output and ", à imprimer" in listed.output
    assert "1 lettre(s), dont 1 à imprimer." in listed.output
    assert "ROCHE" not in listed.output and "Marseille" not in listed.output  # no address on a screen

    taken = runner.invoke(args=["letters", "pdf", letter_id])
    assert taken.exit_code == 0 and taken.stdout_bytes == notifier.letters.pdf(letter_id)
    assert taken.stdout_bytes.startswith(b"%PDF-")

    printed = runner.invoke(args=["letters", "printed", letter_id])
    assert printed.exit_code == 0 and f"effacée dans {KEPT_AFTER_PRINTING.days} jours" in printed.output
    assert "déjà notée imprimée" in runner.invoke(args=["letters", "printed", letter_id]).output
    assert ", imprimée le " in runner.invoke(args=["letters", "list"]).output

    clock = app.extensions["dmp.clock"]
    clock.advance(days=KEPT_AFTER_PRINTING.days - 1)
    assert "0 lettre(s) imprimée(s) effacée(s)." in runner.invoke(args=["letters", "purge"]).output
    assert notifier.letters.pdf(letter_id).startswith(b"%PDF-")  # still there to print again
    clock.advance(days=1)
    assert "1 lettre(s) imprimée(s) effacée(s)." in runner.invoke(args=["letters", "purge"]).output
    assert notifier.letters.list() == []
    with pytest.raises(UnknownLetter):  # the PDF went with it
        notifier.letters.pdf(letter_id)
    if hasattr(notifier.letters, "folder"):  # on files, nothing is left in the folder
        assert not any(notifier.letters.folder.iterdir())

    assert [(a, ok) for a, ok, _ in operators(app)][-4:] == [
        ("letter_taken", True), ("letter_printed", True), ("letters_purged", True), ("letters_purged", True)]
    assert operators(app)[-4][2] == letter_id


def test_a_letter_not_printed_yet_is_never_purged(client, notifier, app):
    printed = queued_copy(client, notifier)
    waiting = notifier.letters.enqueue(b"%PDF-1.7 lettre", ["Mme Fatima Roche", "13003 Marseille"], "identifier")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["letters", "printed", printed]).exit_code == 0
    app.extensions["dmp.clock"].advance(days=KEPT_AFTER_PRINTING.days * 10)
    # the purge does run (the printed one goes), and leaves the one still to print
    assert "1 lettre(s) imprimée(s) effacée(s)." in runner.invoke(args=["letters", "purge"]).output
    assert [letter["letter_id"] for letter in notifier.letters.list()] == [waiting]
    assert notifier.letters.pdf(waiting) == b"%PDF-1.7 lettre"


def test_an_unknown_or_forged_letter_id_is_refused_and_journaled(client, notifier, app):
    queued_copy(client, notifier)
    runner = app.test_cli_runner()
    for typed in ("20261201T121212-abcdefabcdef", "../../data/dossiers"):
        taken = runner.invoke(args=["letters", "pdf", typed])
        assert taken.exit_code == 1 and "Aucune lettre n’a cet identifiant." in taken.output
        assert taken.stdout_bytes.count(b"%PDF") == 0
    printed = runner.invoke(args=["letters", "printed", "../x"])
    assert printed.exit_code == 1 and "Aucune lettre n’a cet identifiant : ../x." in printed.output
    assert [(a, ok) for a, ok, _ in operators(app)][-3:] == [
        ("letter_taken", False), ("letter_taken", False), ("letter_printed", False)]
    assert "à imprimer" in runner.invoke(args=["letters", "list"]).output  # nothing was changed


def test_every_daily_job_of_the_deployment_is_a_command_of_the_app(app):
    from dmp_web.settings import PROJECT_ROOT

    unit = (PROJECT_ROOT / "deploy" / "dmp-web-daily.service").read_text(encoding="utf-8")
    jobs = [line.split(" --app app ", 1)[1].split() for line in unit.splitlines() if line.startswith("ExecStart=")]
    assert ["letters", "purge"] in jobs and ["purge-sessions"] in jobs
    runner = app.test_cli_runner()
    for job in jobs:
        assert runner.invoke(args=[*job, "--help"]).exit_code == 0, job
