"""Notification adapters: real SMTP on loopback, the development outbox, the letter queue."""
from __future__ import annotations

import json
import logging
import re
import stat
from datetime import datetime, timedelta, UTC

import pytest
from aiosmtpd.smtp import AuthResult

from ..smtp_server import free_port, running_smtp_server
from dmp_web.domain.letters import KEPT_AFTER_PRINTING
from dmp_web.notify.letters import UnknownLetter
from dmp_web.store.crypto import Sealer
from dmp_web.notify import (
    DeliveryFailed,
    Email,
    LetterQueue,
    OutboxEmailSender,
    OutboxSmsGateway,
    Sms,
    SmtpEmailSender,
    notifier_from_settings,
)

CODE = "48213907"
OTP_EMAIL = Email(
    to="marie.dupont@example.org",
    subject="Votre code à usage unique — Dossier Médical Partagé",
    body=f"Bonjour,\n\nVoici votre code : {CODE}\nIl est valable 10 minutes.\n",
)
GENERATED_NAME = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{12}\.(txt|pdf\.sealed|json)$")
PDF = b"%PDF-1.7\n% a tiny stand-in for a rendered letter\n"
SEALER = Sealer(Sealer.generate_key())


# --- SMTP ------------------------------------------------------------------------------------


def test_an_email_sent_over_smtp_arrives_with_its_accented_subject_and_its_code(smtp_server):
    sender = SmtpEmailSender(smtp_server.host, smtp_server.port, sender="DMP <ne-pas-repondre@dmp.example>")
    sender.send(OTP_EMAIL)

    [received] = smtp_server.messages
    assert received["Subject"] == OTP_EMAIL.subject
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    assert f"Voici votre code : {CODE}" in received.get_content()
    assert smtp_server.recipients == [["marie.dupont@example.org"]]
    smtp_server.raw[0].decode("ascii")  # 7-bit clean: accents travel encoded, whatever the server


def test_an_email_sent_over_smtp_carries_from_to_date_and_message_id(smtp_server):
    sender = SmtpEmailSender(smtp_server.host, smtp_server.port, sender="ne-pas-repondre@dmp.example")
    sender.send(OTP_EMAIL)

    [received] = smtp_server.messages
    assert received["From"] == "ne-pas-repondre@dmp.example"
    assert received["To"] == "marie.dupont@example.org"
    assert received["Date"].datetime is not None
    assert re.fullmatch(r"<[^<>@\s]+@dmp\.example>", received["Message-ID"])


def test_the_smtp_sender_logs_in_when_it_has_a_username():
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        # handled=False: aiosmtpd then answers 535 itself on a wrong password
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)

    # auth over plain text is only for this loopback test: production uses starttls
    with running_smtp_server(authenticator=authenticator, auth_require_tls=False) as server:
        SmtpEmailSender(server.host, server.port, "dmp@dmp.example", username="dmp", password="s3cret").send(OTP_EMAIL)
        assert logins == [(b"dmp", b"s3cret")]
        assert len(server.messages) == 1

        with pytest.raises(DeliveryFailed, match="SMTPAuthenticationError 535"):
            SmtpEmailSender(server.host, server.port, "dmp@dmp.example", username="dmp",
                            password="wrong").send(OTP_EMAIL)
        assert len(server.messages) == 1


def test_a_closed_port_raises_delivery_failed_without_the_body():
    sender = SmtpEmailSender("127.0.0.1", free_port(), sender="dmp@dmp.example", timeout=2)
    with pytest.raises(DeliveryFailed) as failure:
        sender.send(OTP_EMAIL)
    assert "ConnectionRefusedError" in str(failure.value)
    assert CODE not in str(failure.value)
    assert "marie.dupont" not in str(failure.value)


def test_a_recipient_refused_by_the_server_raises_delivery_failed(smtp_server):
    smtp_server.refuse_recipients = "550 5.1.1 Mailbox unavailable"
    sender = SmtpEmailSender(smtp_server.host, smtp_server.port, sender="dmp@dmp.example")
    with pytest.raises(DeliveryFailed, match="SMTPRecipientsRefused") as failure:
        sender.send(OTP_EMAIL)
    assert CODE not in str(failure.value)
    assert smtp_server.messages == []


def test_starttls_asked_of_a_server_without_tls_raises_delivery_failed(smtp_server):
    sender = SmtpEmailSender(smtp_server.host, smtp_server.port, sender="dmp@dmp.example", starttls=True)
    with pytest.raises(DeliveryFailed):
        sender.send(OTP_EMAIL)
    assert smtp_server.messages == []


HOSTILE_EMAILS = [
    Email(to="marie@example.org\r\nBcc: spy@evil.example", subject="Code", body=CODE),
    Email(to="marie@example.org\nBcc: spy@evil.example", subject="Code", body=CODE),
    Email(to="marie@example.org, spy@evil.example", subject="Code", body=CODE),
    Email(to="Marie <marie@example.org>", subject="Code", body=CODE),
    Email(to="marie@example.org", subject="Code\r\nBcc: spy@evil.example", body=CODE),
    Email(to="marie@example.org", subject="Code\nX-Injected: yes", body=CODE),
    Email(to="marie@example.org", subject="Code\u2028suite", body=CODE),
]


@pytest.mark.parametrize("hostile", HOSTILE_EMAILS)
def test_header_injection_is_refused_by_the_smtp_sender(smtp_server, hostile):
    sender = SmtpEmailSender(smtp_server.host, smtp_server.port, sender="dmp@dmp.example")
    with pytest.raises(ValueError):
        sender.send(hostile)
    assert smtp_server.messages == []


@pytest.mark.parametrize("hostile", HOSTILE_EMAILS)
def test_header_injection_is_refused_by_the_outbox(tmp_path, hostile):
    with pytest.raises(ValueError):
        OutboxEmailSender(tmp_path / "email").send(hostile)
    assert not (tmp_path / "email").exists() or not any((tmp_path / "email").iterdir())


# --- development outbox ----------------------------------------------------------------------


def test_the_outbox_writes_one_private_file_per_email_and_logs_no_code(tmp_path, caplog):
    outbox = OutboxEmailSender(tmp_path / "email")
    with caplog.at_level(logging.INFO, logger="dmp_web.notify"):
        outbox.send(OTP_EMAIL)
        outbox.send(OTP_EMAIL)

    files = sorted((tmp_path / "email").iterdir())
    assert len(files) == 2  # and no temporary file left behind
    for path in files:
        assert GENERATED_NAME.match(path.name)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text(encoding="utf-8")
        assert OTP_EMAIL.subject in text and CODE in text

    lines = [r.getMessage() for r in caplog.records if r.name == "dmp_web.notify"]
    assert len(lines) == 2
    assert lines[0].startswith("e-mail to m***@example.org written to ")
    assert str(tmp_path / "email") in lines[0]
    assert all(CODE not in line and "marie.dupont" not in line for line in lines)


def test_the_sms_outbox_writes_one_private_file_and_logs_a_masked_number(tmp_path, caplog):
    gateway = OutboxSmsGateway(tmp_path / "sms")
    with caplog.at_level(logging.INFO, logger="dmp_web.notify"):
        gateway.send(Sms(to="06 12 34 56 78", body=f"DMP : votre code est {CODE}"))

    [path] = (tmp_path / "sms").iterdir()
    assert GENERATED_NAME.match(path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8") == f"To: 0612345678\n\nDMP : votre code est {CODE}\n"
    [line] = [r.getMessage() for r in caplog.records if r.name == "dmp_web.notify"]
    assert line.startswith("SMS to 06******78 written to ")
    assert CODE not in line


@pytest.mark.parametrize("number", ["0712345678", "07 12 34 56 78", "06 1234 5678"])
def test_a_french_mobile_number_is_accepted_with_or_without_spaces(tmp_path, number):
    OutboxSmsGateway(tmp_path).send(Sms(to=number, body="Bonjour"))
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    "number",
    ["", "0112345678", "0812345678", "+33612345678", "061234567", "06123456789", "06-12-34-56-78",
     "06 12 34 56 7a", "0612345678\n", "\u0660" + "612345678", "../../etc/passwd"],
)
def test_an_sms_to_anything_but_a_french_mobile_is_refused_before_writing(tmp_path, number):
    with pytest.raises(ValueError):
        OutboxSmsGateway(tmp_path / "sms").send(Sms(to=number, body=CODE))
    assert not (tmp_path / "sms").exists()


# --- postal letters --------------------------------------------------------------------------


def test_queued_letters_come_back_oldest_first_with_their_pdf(tmp_path):
    queue = LetterQueue(tmp_path / "letters", SEALER)
    first = queue.enqueue(PDF, ["Mme Marie Dupont", "12 rue des Écoles", "75005 Paris"], kind="creation_code")
    second = queue.enqueue(PDF + b"2", ["M. Jean Martin", "3 place du Marché", "69002 Lyon"], kind="dossier_copy")

    records = queue.list()
    assert [r["letter_id"] for r in records] == [first, second]
    assert records[0]["address"] == ["Mme Marie Dupont", "12 rue des Écoles", "75005 Paris"]
    assert records[0]["kind"] == "creation_code" and records[0]["printed_at"] is None
    assert records[0]["queued_at"] <= records[1]["queued_at"]
    assert queue.pdf(second) == PDF + b"2"


def test_a_queued_letter_is_sealed_at_rest_address_and_pdf(tmp_path):
    queue = LetterQueue(tmp_path / "letters", SEALER)
    queue.enqueue(PDF + b"Dupont", ["Mme Marie Dupont", "12 rue des Écoles", "75005 Paris"], kind="creation_code")
    stored = b"".join(p.read_bytes() for p in (tmp_path / "letters").iterdir())
    assert b"Dupont" not in stored and "Écoles".encode() not in stored and b"%PDF" not in stored
    with pytest.raises(ValueError):
        LetterQueue(tmp_path / "letters", Sealer(Sealer.generate_key())).list()  # another key opens nothing


def test_printed_letters_go_after_the_retention_period_and_unprinted_ones_never(tmp_path):
    queue = LetterQueue(tmp_path / "letters", SEALER)
    printed, waiting = (queue.enqueue(PDF, ["Mme Dupont"], kind="creation_code") for _ in range(2))
    day = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert queue.mark_printed(printed, day) is True and queue.mark_printed(printed, day) is False
    assert queue.purge(day + KEPT_AFTER_PRINTING - timedelta(seconds=1)) == []
    assert queue.purge(day + KEPT_AFTER_PRINTING + timedelta(days=3650)) == [printed]
    assert [r["letter_id"] for r in queue.list()] == [waiting]
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == [f"{waiting}.json", f"{waiting}.pdf.sealed"]


@pytest.mark.parametrize("typed", ["../../etc/passwd", "20261201T121212-abcdefabcde/", "", "x" * 300])
def test_a_letter_id_that_is_not_one_of_ours_reaches_no_path(tmp_path, typed):
    queue = LetterQueue(tmp_path / "letters", SEALER)
    for call in (queue.pdf, lambda i: queue.mark_printed(i, datetime.now(UTC))):
        with pytest.raises(UnknownLetter):
            call(typed)
    with pytest.raises(UnknownLetter):
        queue.pdf("20261201T121212-abcdefabcdef")  # well formed, but not queued


def test_letter_file_names_are_never_derived_from_the_address_or_the_kind(tmp_path):
    queue = LetterQueue(tmp_path / "letters", SEALER)
    letter_id = queue.enqueue(PDF, ["../../etc/passwd", "Mme Dupont"], kind="../../../tmp/evil")

    names = sorted(p.name for p in (tmp_path / "letters").iterdir())
    assert names == [f"{letter_id}.json", f"{letter_id}.pdf.sealed"]
    assert all(GENERATED_NAME.match(name) for name in names)
    assert all(stat.S_IMODE((tmp_path / "letters" / n).stat().st_mode) == 0o600 for n in names)
    record = json.loads((tmp_path / "letters" / f"{letter_id}.json").read_text(encoding="utf-8"))
    assert record["kind"] == "../../../tmp/evil"  # kept as data, never used as a path


def test_an_empty_letter_queue_lists_nothing(tmp_path):
    assert LetterQueue(tmp_path / "letters", SEALER).list() == []


@pytest.mark.parametrize("pdf, address", [(b"not a pdf", ["Mme Dupont"]), (PDF, []), (PDF, ["Mme Dupont", "  "])])
def test_a_letter_without_a_pdf_or_an_address_is_refused(tmp_path, pdf, address):
    with pytest.raises(ValueError):
        LetterQueue(tmp_path, SEALER).enqueue(pdf, address, kind="creation_code")
    assert list(tmp_path.iterdir()) == []


# --- choosing the adapters from the settings -------------------------------------------------


def test_production_without_smtp_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="no SMTP server configured"):
        notifier_from_settings("production", tmp_path, smtp=None, letter_sealer=SEALER)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_environment_without_smtp_is_treated_as_production(tmp_path):
    with pytest.raises(RuntimeError, match="no SMTP server configured"):
        notifier_from_settings("staging", tmp_path, smtp=None, letter_sealer=SEALER)


def test_production_with_smtp_but_no_sms_gateway_refuses_to_start(tmp_path, smtp_server):
    smtp = {"host": smtp_server.host, "port": smtp_server.port, "sender": "dmp@dmp.example"}
    with pytest.raises(RuntimeError, match="no SMS gateway configured"):
        notifier_from_settings("production", tmp_path, smtp=smtp, letter_sealer=SEALER)


def test_production_with_smtp_and_a_gateway_sends_email_over_smtp(tmp_path, smtp_server):
    class FakeGateway:
        def __init__(self):
            self.sent = []

        def send(self, sms):
            self.sent.append(sms)

    gateway = FakeGateway()
    smtp = {"host": smtp_server.host, "port": smtp_server.port, "sender": "dmp@dmp.example",
            "username": None, "password": None, "starttls": False}
    notifier = notifier_from_settings("production", tmp_path, smtp=smtp, sms_gateway=gateway, letter_sealer=SEALER)

    notifier.email.send(OTP_EMAIL)
    notifier.sms.send(Sms(to="0612345678", body="Bonjour"))
    assert len(smtp_server.messages) == 1
    assert len(gateway.sent) == 1
    assert not (tmp_path / "outbox").exists()


@pytest.mark.parametrize("env", ["development", "testing"])
def test_development_without_smtp_writes_to_the_outbox_and_letters_to_their_folder(tmp_path, env):
    notifier = notifier_from_settings(env, tmp_path, smtp=None, letter_sealer=SEALER)
    notifier.email.send(OTP_EMAIL)
    notifier.sms.send(Sms(to="0612345678", body="Bonjour"))
    notifier.letters.enqueue(PDF, ["Mme Dupont"], kind="creation_code")

    assert len(list((tmp_path / "outbox" / "email").iterdir())) == 1
    assert len(list((tmp_path / "outbox" / "sms").iterdir())) == 1
    assert len(list((tmp_path / "letters").glob("*.pdf.sealed"))) == 1


def test_development_with_smtp_sends_email_over_smtp(tmp_path, smtp_server):
    smtp = {"host": smtp_server.host, "port": smtp_server.port, "sender": "dmp@dmp.example"}
    notifier = notifier_from_settings("development", tmp_path, smtp=smtp, letter_sealer=SEALER)
    notifier.email.send(OTP_EMAIL)
    assert len(smtp_server.messages) == 1
    assert not (tmp_path / "outbox" / "email").exists()


def test_letters_queued_in_clear_by_an_earlier_version_are_sealed_by_the_migration(tmp_path):
    folder = tmp_path / "letters"
    folder.mkdir()
    letter_id = "20261101T090000-abcdefabcdef"
    (folder / f"{letter_id}.pdf").write_bytes(PDF + b"Dupont")
    (folder / f"{letter_id}.json").write_text(json.dumps({
        "letter_id": letter_id, "address": ["Mme Marie Dupont", "75005 Paris"], "kind": "identifier",
        "queued_at": "2026-11-01T09:00:00+00:00"}))
    queue = LetterQueue(folder, SEALER)
    assert queue.migrate_legacy() == 1 and queue.migrate_legacy() == 0
    [letter] = queue.list()
    assert letter["address"] == ["Mme Marie Dupont", "75005 Paris"] and letter["printed_at"] is None
    assert queue.pdf(letter_id) == PDF + b"Dupont"
    assert b"Dupont" not in b"".join(p.read_bytes() for p in folder.iterdir())
