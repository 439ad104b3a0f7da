"""The patient is told of their carers (issue 18, item 4; services/notices.py): when one is
invited (`carer_invited`), when one accepts (`carer_accepted`), and when carers acted on the DMP,
by one message a day at most (a letter once a week), made from the journal by the worker.

The carers are made straight in the store: invited through services.carers.invite, the grant
then marked accepted on the saved dossier; they act through dossier_access.act, as their pages
will. Messages go through the real senders (e-mail over the loopback SMTP server, SMS to the
outbox's files, letters in the mail-room queue); none ever holds a document's title or content."""
from __future__ import annotations

from datetime import timedelta

from dmp_web.demo import DEMO_LOGIN
from dmp_web.domain.actors import Carer, Holder
from dmp_web.domain.dates import local_day
from dmp_web.domain.falc import check_text
from dmp_web.domain.representatives import FIRST_SLOT
from dmp_web.services import carers, dossier_access, history, notices
from dmp_web.web.deps import ctx

from ..threads import in_threads
from .pro_journey import journal
from .test_notices import assert_no_document_in, mails, real_senders, set_contacts, sms_sent
from .test_post_notices import letter_ids, letter_text, new_letters

BOTH_STORES = True

DOSSIER = DEMO_LOGIN["dossier_id"]
CARER_ID = "carer-account-1"
DOCUMENT = "d0c0000000000002"  # one of the demo DMP's documents
ACTS_SUBJECT = "Une personne qui vous aide a utilisé votre DMP"
NOTICES = ("carer_invited_notice", "carer_accepted_notice", "carer_acts_notice")


def _context(app):
    with app.test_request_context():
        return ctx()


def _repos(app):
    return app.extensions["dmp.repos"]


def invite(app, name="Paul Martin", purpose="read", starts_in=0, lasts=90):
    """An invitation the patient made; the grant as saved."""
    context = _context(app)
    today = local_day(context.now())
    made = carers.invite(context, Holder(DOSSIER), _repos(app).dossiers.get(DOSSIER), name=name, purpose=purpose,
                         starts_on=today + timedelta(days=starts_in),
                         ends_on=today + timedelta(days=lasts) if lasts else None)
    assert made.decision.allowed
    return made.grant


def accept(app, grant, carer_id=CARER_ID):
    """The carer accepted: the grant marked on the saved dossier, as their acceptance will."""
    repos = _repos(app)
    dossier = repos.dossiers.get(DOSSIER)
    saved = dossier.carer_grant(grant.id)
    saved.accepted_at, saved.carer_id = _context(app).now(), carer_id
    repos.dossiers.save(dossier)
    return saved


def carer_of(app, carer_id=CARER_ID, name="Paul Martin") -> Carer:
    grant = next(g for g in _repos(app).dossiers.get(DOSSIER).carers if g.carer_id == carer_id)
    return Carer(carer_id, name, DOSSIER, grant.id)


def accepted_carer(app) -> Carer:
    """Paul Martin, invited and accepted, as he acts."""
    accept(app, invite(app))
    return carer_of(app)


def carer_acts(app, carer: Carer, times: int = 1):
    """The carer lists the documents, then reads one, `times` times: each is an act journaled."""
    context = _context(app)
    for _ in range(times):
        dossier = _repos(app).dossiers.get(DOSSIER)
        dossier_access.act(context, carer, "list_documents", dossier)
        document = _repos(app).documents.get(DOSSIER, DOCUMENT)
        assert dossier_access.act(context, carer, "read_document", dossier, document).allowed


def flush(app) -> int:
    return notices.flush_due(_context(app))


def notes_of(app, action: str) -> list[tuple[str, bool]]:
    return [(e.detail.get("note"), e.allowed) for e in journal(app) if e.action == action]


def told(app, action: str) -> list[str]:
    return [history.describe(e, titles={}, professionals={}).text.replace("\xa0", " ") for e in journal(app)
            if e.action == action]


def to_patient(smtp_server, subject: str) -> list[str]:
    return [body for to, title, body in mails(smtp_server) if to == DEMO_LOGIN["email"] and title == subject]


# -- invited, accepted -------------------------------------------------------------------------

def test_the_invitation_is_told_by_email_with_what_to_do_if_it_was_not_the_patient(app, tmp_path, smtp_server):
    real_senders(app, tmp_path, smtp_server)
    invite(app)  # services/carers.py invite tells the patient

    (body,) = to_patient(smtp_server, "Vous avez invité une personne à vous aider")
    assert "Vous avez invité Paul MARTIN à vous aider dans votre DMP." in body
    assert "Vous avez choisi : « voir mes documents »." in body
    assert "Ce n’est pas vous ?" in body and "Allez dans « Gestion du DMP », puis « Mes aidants »." in body
    assert "Là, vous pouvez annuler l’invitation." in body and "0 810 331 133" in body  # the help line
    assert sms_sent(tmp_path) == []  # one way: the one of the login codes
    assert_no_document_in(body)
    assert check_text(body).findings == ()
    assert notes_of(app, "carer_invited_notice") == [("to_holder_by_email", True)]
    assert told(app, "carer_invited_notice") == [
        "Nous vous avons envoyé un e-mail le 23 novembre 2026 à 10 h 00. "
        "C’était pour dire que vous avez invité une personne à vous aider."]


def test_the_acceptance_is_told_by_sms_with_the_dates_and_what_the_patient_chose(app, tmp_path, smtp_server):
    set_contacts(app, DEMO_LOGIN["mobile"], "", "sms")
    real_senders(app, tmp_path, smtp_server)
    grant = accept(app, invite(app, purpose="appointments_and_treatments", lasts=90))
    notices.carer_accepted(_context(app), _repos(app).dossiers.get(DOSSIER), grant)

    # besides the invitation's own notice (services/carers.py invite)
    ((number, sms),) = [(to, body) for to, body in sms_sent(tmp_path) if "a accepté" in body]
    assert number == DEMO_LOGIN["mobile"] and mails(smtp_server) == []
    assert sms == "DMP - Paul MARTIN a accepté votre invitation. Son accès commence aujourd’hui. " \
                  "Ce n’est pas normal ? Appelez le 0 810 331 133."
    assert_no_document_in(sms)
    assert notes_of(app, "carer_accepted_notice") == [("to_holder_by_sms", True)]
    assert told(app, "carer_accepted_notice") == [
        "Nous vous avons envoyé un message sur votre portable le 23 novembre 2026 à 10 h 00. "
        "C’était pour dire qu’une personne a accepté de vous aider."]


def test_an_acceptance_by_email_says_the_purpose_and_the_end(app, tmp_path, smtp_server):
    real_senders(app, tmp_path, smtp_server)
    grant = accept(app, invite(app, name="anne-marie de la fontaine", purpose="read_and_add", starts_in=8, lasts=0))
    notices.carer_accepted(_context(app), _repos(app).dossiers.get(DOSSIER), grant)

    (body,) = to_patient(smtp_server, "Anne-Marie DE LA FONTAINE a accepté votre invitation")
    assert "Vous aviez invité Anne-Marie DE LA FONTAINE à vous aider dans votre DMP." in body
    assert "Cette personne pourra vous aider à partir du 1er décembre 2026." in body
    assert "Vous avez choisi : « voir et ajouter des documents »." in body
    assert "Vous n’avez pas choisi de date de fin." in body
    assert "Nous vous écrirons quand cette personne utilise votre DMP, 1 fois par jour au plus." in body
    assert check_text(body).findings == ()


def test_without_mobile_or_email_the_invitation_and_the_acceptance_are_letters(app):
    set_contacts(app, "", "")
    before = letter_ids(app)
    grant = invite(app)
    notices.carer_accepted(_context(app), _repos(app).dossiers.get(DOSSIER), accept(app, grant))

    invited, accepted = sorted(new_letters(app, before), key=lambda x: x["kind"], reverse=True)
    assert (invited["kind"], accepted["kind"]) == ("carer_invited_notice", "carer_accepted_notice")
    assert invited["address"] == ["Fatima ROCHE", "40 boulevard National", "13003 Marseille"]
    first, second = letter_text(app, invited["letter_id"]), letter_text(app, accepted["letter_id"])
    assert "Vous avez invité Paul MARTIN à vous aider dans votre DMP." in first
    assert "Vous aviez invité Paul MARTIN à vous aider dans votre DMP." in second
    assert "Son accès finit le 21 février 2027." in second
    assert_no_document_in(first, second)
    assert notes_of(app, "carer_invited_notice") == [("to_holder_by_post", True)]
    assert told(app, "carer_accepted_notice") == [
        "Nous vous avons envoyé une lettre le 23 novembre 2026 à 10 h 00. "
        "C’était pour dire qu’une personne a accepté de vous aider."]


def test_a_failed_delivery_is_journaled_and_the_invitation_stands(app, tmp_path, smtp_server):
    smtp_server.refuse_recipients = "550 mailbox unavailable"
    real_senders(app, tmp_path, smtp_server)
    grant = invite(app)
    assert notes_of(app, "carer_invited_notice") == [("to_holder_by_email", False)]
    assert _repos(app).dossiers.get(DOSSIER).carer_grant(grant.id) is not None
    assert told(app, "carer_invited_notice")[0].endswith("Raison : le message n’est pas parti.")


# -- the daily message: what carers did ----------------------------------------------------------

def test_no_message_when_no_carer_acted(app, clock, notifier):
    accept(app, invite(app))
    context = _context(app)
    holder = Holder(DOSSIER)
    dossier_access.act(context, holder, "list_documents", _repos(app).dossiers.get(DOSSIER))  # the patient's own
    clock.advance(days=2)
    assert flush(app) == 0
    assert _repos(app).carer_notices.get(DOSSIER) is None  # nothing waits
    assert notes_of(app, "carer_acts_notice") == []
    assert not [m for m in notifier.outbox if getattr(m, "subject", "") == ACTS_SUBJECT]


def test_one_message_a_day_at_most_an_hour_after_the_first_act(app, clock, tmp_path, smtp_server):
    real_senders(app, tmp_path, smtp_server)
    carer = accepted_carer(app)
    carer_acts(app, carer)  # 10 h 00: the list, then a document
    assert flush(app) == 0  # it waits an hour: one visit's acts go together
    clock.advance(minutes=59)
    assert flush(app) == 0
    clock.advance(minutes=1)  # 11 h 00
    assert flush(app) == 1 and flush(app) == 0  # sent once
    (first,) = to_patient(smtp_server, ACTS_SUBJECT)
    assert "- Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 2 actions." in first
    assert "Ce message part 1 fois par jour au plus." in first and "Ce message ne nomme aucun document." in first

    clock.advance(hours=3)  # 14 h 00: more acts the same day
    carer_acts(app, carer, times=2)
    clock.advance(hours=6)  # 20 h 00
    assert flush(app) == 0
    clock.advance(hours=14, minutes=59)  # the next day, 10 h 59: not yet a day since the last message
    assert flush(app) == 0 and len(to_patient(smtp_server, ACTS_SUBJECT)) == 1
    clock.advance(minutes=1)  # 11 h 00, a day after the last one
    assert flush(app) == 1
    second = to_patient(smtp_server, ACTS_SUBJECT)[1]
    # only the new ones
    assert "- Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 4 actions." in second
    clock.advance(days=3)
    assert flush(app) == 0  # nothing new: nothing sent

    bodies = to_patient(smtp_server, ACTS_SUBJECT)
    assert_no_document_in(*bodies)
    for body in bodies:
        assert check_text(body).findings == (), body
    assert notes_of(app, "carer_acts_notice") == [("to_holder_by_email", True)] * 2
    assert told(app, "carer_acts_notice") == [
        f"Nous vous avons envoyé un e-mail {at}. C’était pour dire ce qu’ont fait les personnes qui vous aident."
        for at in ("le 23 novembre 2026 à 11 h 00", "le 24 novembre 2026 à 11 h 00")]


def test_with_a_mobile_only_the_days_message_is_an_sms(app, clock, tmp_path, smtp_server):
    set_contacts(app, DEMO_LOGIN["mobile"], "", "sms")
    real_senders(app, tmp_path, smtp_server)
    carer_acts(app, accepted_carer(app), times=3)
    clock.advance(hours=1)
    assert flush(app) == 1
    acts = [m for m in sms_sent(tmp_path) if "a utilisé" in m[1]]
    assert acts == [(DEMO_LOGIN["mobile"], "DMP - Une personne qui vous aide a utilisé votre DMP. "
                                   "Par Paul MARTIN : 6 actions. Tout est dans l’historique de votre DMP.")]
    assert notes_of(app, "carer_acts_notice") == [("to_holder_by_sms", True)]


def test_the_message_never_goes_at_night(app, clock, notifier):
    carer = accepted_carer(app)
    clock.advance(hours=12, minutes=30)  # 22 h 30 in France
    carer_acts(app, carer)
    clock.advance(hours=2)  # 0 h 30
    assert flush(app) == 0
    clock.advance(hours=7, minutes=29)  # 7 h 59
    assert flush(app) == 0
    clock.advance(minutes=1)  # 8 h 00
    assert flush(app) == 1
    (message,) = [m for m in notifier.outbox if getattr(m, "subject", "") == ACTS_SUBJECT]
    assert "Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 2 actions." in message.body


def test_several_carers_and_refused_tries_are_told_apart_without_any_document(app, clock, notifier):
    paul = accepted_carer(app)
    accept(app, invite(app, name="Anne Leroy", purpose="appointments_and_treatments"), carer_id="carer-account-2")
    anne = carer_of(app, "carer-account-2", "Anne Leroy")
    carer_acts(app, paul)
    context = _context(app)
    refused = dossier_access.act(context, anne, "manage", _repos(app).dossiers.get(DOSSIER))  # never a carer's
    assert not refused.allowed
    dossier_access.act(context, anne, "list_documents", _repos(app).dossiers.get(DOSSIER))
    clock.advance(hours=1)
    assert flush(app) == 1
    (message,) = [m for m in notifier.outbox if getattr(m, "subject", "").startswith("Des personnes qui vous aident")]
    assert message.subject == "Des personnes qui vous aident ont utilisé votre DMP"
    assert "- Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 2 actions." in message.body
    assert ("- Le 23 novembre 2026, Anne LEROY a utilisé votre DMP. Cette personne a fait 1 action. "
            "Cette personne a aussi essayé 1 fois une chose non permise. Nous avons refusé.") in message.body
    assert_no_document_in(message.body)

    # the patient ends Paul's access; he tries again: the next day's message says it
    carers.end(context, Holder(DOSSIER), _repos(app).dossiers.get(DOSSIER), paul.grant_id)
    assert not dossier_access.act(context, paul, "list_documents", _repos(app).dossiers.get(DOSSIER)).allowed
    clock.advance(days=1)
    assert flush(app) == 1
    last = notifier.outbox[-1]
    assert last.subject == "Une personne qui vous aide a essayé d’utiliser votre DMP"
    assert "- Le 23 novembre 2026, Paul MARTIN a essayé 1 fois une chose non permise. Nous avons refusé." in last.body
    assert "a fait" not in last.body and "a utilisé" not in last.body  # no act let through


def test_two_workers_at_once_send_the_message_once(app, clock, notifier):
    carer = accepted_carer(app)
    carer_acts(app, carer)
    clock.advance(hours=1)
    contexts = [_context(app) for _ in range(4)]  # each worker its own context, one store
    sent = []
    assert in_threads(lambda n: sent.append(notices.flush_due(contexts[n])), 4) == []
    assert sorted(sent) == [0, 0, 0, 1]
    assert len([m for m in notifier.outbox if getattr(m, "subject", "") == ACTS_SUBJECT]) == 1
    assert len(notes_of(app, "carer_acts_notice")) == 1


def test_without_mobile_or_email_the_carers_acts_go_by_letter_once_a_week(app, clock):
    set_contacts(app, "", "")
    carer = accepted_carer(app)
    before = letter_ids(app)
    carer_acts(app, carer)
    clock.advance(hours=1)
    assert flush(app) == 1
    (letter,) = new_letters(app, before)
    assert letter["kind"] == "carer_acts_notice"
    text = letter_text(app, letter["letter_id"])
    assert "Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 2 actions." in text
    assert "Cette lettre part 1 fois par semaine au plus." in text
    assert_no_document_in(text)
    clock.advance(days=1)
    carer_acts(app, carer)
    clock.advance(days=2)
    assert flush(app) == 0  # not a letter a day
    clock.advance(days=4)  # a week after the first letter
    assert flush(app) == 1
    second = letter_text(app, new_letters(app, before)[-1]["letter_id"])
    assert "Le 24 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 2 actions." in second
    assert notes_of(app, "carer_acts_notice") == [("to_holder_by_post", True)] * 2


def test_a_message_that_did_not_go_is_tried_again(app, clock, tmp_path, smtp_server):
    real_senders(app, tmp_path, smtp_server)
    carer = accepted_carer(app)
    carer_acts(app, carer)
    smtp_server.refuse_recipients = "451 try again later"
    clock.advance(hours=1)
    assert flush(app) == 0
    assert notes_of(app, "carer_acts_notice") == [("to_holder_by_email", False)]
    smtp_server.refuse_recipients = None
    clock.advance(hours=1)
    assert flush(app) == 1
    (body,) = to_patient(smtp_server, ACTS_SUBJECT)
    assert "Le 23 novembre 2026, Paul MARTIN a utilisé votre DMP. Cette personne a fait 2 actions." in body


# -- a minor's DMP: each legal representative, on their own account -------------------------------

def test_a_minors_carer_notices_reach_each_legal_representative(client, notifier, app, clock):
    from .patient_journey import first_connection, log_in
    from .test_desk_creation import LUCAS, dossier_of, other_client
    from .test_representatives import add_the_father, lucas_with_his_mother

    lucas_with_his_mother(client, notifier, app)
    father = add_the_father(client, notifier, app)
    dad = other_client(app)
    log_in(dad, notifier, father.login_id, father.initial_password)
    first_connection(dad, father, email="marc@example.org")
    dossier = dossier_of(app, LUCAS)
    context = _context(app)
    sent = len(notifier.outbox)
    made = carers.invite(context, dossier.acting_in(FIRST_SLOT), dossier, name="Jeanne Moreau", purpose="read",
                         starts_on=local_day(context.now()), ends_on=None)
    assert made.decision.allowed  # the mother invites: the invitation tells each representative
    invited = notifier.outbox[sent:]
    assert sorted(m.to for m in invited) == ["marc@example.org", "sophie@example.org"]  # each on their own
    assert all("Vous avez invité Jeanne MOREAU à vous aider dans votre DMP." in m.body for m in invited)

    saved = _repos(app).dossiers.get(dossier.id)
    grant = saved.carer_grant(made.grant.id)
    grant.accepted_at, grant.carer_id = context.now(), CARER_ID
    _repos(app).dossiers.save(saved)
    assert dossier_access.act(context, Carer(CARER_ID, "Jeanne Moreau", dossier.id, grant.id), "list_documents",
                              saved).allowed
    clock.advance(hours=1)
    sent = len(notifier.outbox)
    assert flush(app) == 1
    acts = notifier.outbox[sent:]
    assert sorted(m.to for m in acts) == ["marc@example.org", "sophie@example.org"]
    said = "Le 23 novembre 2026, Jeanne MOREAU a utilisé votre DMP. Cette personne a fait 1 action."
    assert all(said in m.body for m in acts)
    assert len(notes_of_dossier(app, dossier.id, "carer_acts_notice")) == 2  # each sending journaled


def notes_of_dossier(app, dossier_id: str, action: str) -> list[tuple[str, bool]]:
    return [(e.detail.get("note"), e.allowed) for e in _repos(app).journal.entries(dossier_id) if e.action == action]
