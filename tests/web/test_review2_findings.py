"""Reviewer's tests (review2): each one shows a defect of issue 16's features. They fail on main
as it is; each says what it expects once fixed."""
from __future__ import annotations

from dmp_web.services import notices

from .pro_journey import DOSSIER, DURAND, log_out, pro_log_in
from .test_notices import app_ctx, ask_openings

BOTH_STORES = True


def _openings_messages(notifier):
    return [m for m in notifier.outbox if getattr(m, "subject", "") == "Un soignant a ouvert votre DMP"]


def test_a_document_read_without_the_dossier_page_is_told_in_the_hourly_message(client, notifier, app, clock):
    """The patient asked «Me prévenir quand un soignant ouvre mon DMP». Her médecin traitant reads
    a document by its address (a bookmark, a link from his software): no message, ever."""
    ask_openings(client, notifier)
    pro_log_in(client, notifier, DURAND)
    assert client.get(f"/pro/dmp/{DOSSIER}/documents/d0c0000000000002").status_code == 200
    log_out(client, "/pro")
    clock.advance(hours=2)
    notices.flush_due(app_ctx(app))
    assert _openings_messages(notifier), "a professional read a document and the patient who asked is never told"


def test_the_deposit_page_is_an_opening_told_in_the_hourly_message(client, notifier, app, clock):
    """The deposit page journals an allowed «read_dossier» (it shows the patient's DMP), yet only
    the dossier page calls notices.dossier_opened."""
    ask_openings(client, notifier)
    pro_log_in(client, notifier, DURAND)
    assert client.get(f"/pro/dmp/{DOSSIER}/deposer").status_code == 200
    log_out(client, "/pro")
    clock.advance(hours=2)
    notices.flush_due(app_ctx(app))
    assert _openings_messages(notifier), "an allowed read_dossier journaled, never told"


def test_an_hourly_message_that_did_not_go_is_tried_again(client, notifier, app, clock, tmp_path, smtp_server):
    """The state says «told» (upto moved, last_sent_at set) before the sending: when the SMTP
    server refuses, the opening is journaled as not sent and never told, not even an hour later."""
    from .test_notices import mails, real_senders

    ask_openings(client, notifier)
    senders = real_senders(app, tmp_path, smtp_server)
    app.extensions["dmp.notifier"] = notifier
    pro_log_in(client, notifier, DURAND)
    app.extensions["dmp.notifier"] = senders
    smtp_server.refuse_recipients = "451 try again later"  # a passing failure
    assert client.get(f"/pro/dmp/{DOSSIER}").status_code == 200
    smtp_server.refuse_recipients = None
    from .pro_journey import journal
    assert [e.allowed for e in journal(app) if e.action == "openings_notice"] == [False]  # journaled as not sent
    clock.advance(hours=2)
    notices.flush_due(app_ctx(app))
    assert any(subject == "Un soignant a ouvert votre DMP" for _, subject, _ in mails(smtp_server)), \
        "the opening that a passing SMTP failure kept back is never told"


def test_an_emergency_access_already_open_does_not_send_every_notice_again(client, notifier, app):
    """Each POST of «bris de glace» opens a new access and sends every notice again: a logged-in
    professional (or a stolen account) sends letters, SMS and e-mails without end (no rate limit
    on pro.emergency, no check of an access already in force)."""
    from .pro_journey import LEFEVRE
    from .test_notices import REASON, set_contacts

    set_contacts(app, "", "")  # the patient has neither: each notice is a letter by post
    letters = app.extensions["dmp.notifier"].letters
    before = len(letters.list())
    pro_log_in(client, notifier, LEFEVRE)
    for _ in range(5):
        assert client.submit(f"/pro/dmp/{DOSSIER}/urgence", {"reason": REASON}).status_code == 302
    assert len(letters.list()) - before <= 1, f"{len(letters.list()) - before} letters for 1 access in force"
