"""Codes really leave by SMTP; a failed delivery says so plainly and changes nothing."""
import re

import pytest

from dmp_web.notify import DeliveryFailed, Email, Sms
from dmp_web.notify.email_sms import EmailToSmsGateway

from ..conftest import CheckedClient, make_app
from .patient_journey import MARCEL, submit_creation


def test_creation_code_and_one_time_code_arrive_through_a_real_smtp_server(tmp_path, smtp_server):
    from dmp_web.notify import notifier_from_settings

    app = make_app(tmp_path)
    app.extensions["dmp.notifier"] = notifier_from_settings(
        "testing", tmp_path / "exports",
        {"host": smtp_server.host, "port": smtp_server.port, "sender": "dmp@dmp.example"},
        letter_sealer=app.extensions["dmp.notifier"].letters.sealer,
    )
    app.test_client_class = CheckedClient
    client = app.test_client()

    client.submit("/creer/code", {"nir": MARCEL.nir, "nir_confirm": MARCEL.nir})
    creation_mail = smtp_server.messages[-1]
    assert creation_mail["To"] == MARCEL.email
    assert creation_mail["Subject"] == "Votre code pour créer votre DMP"
    code = re.search(r"[A-Z2-9]{4} [A-Z2-9]{4} [A-Z2-9]{4}", creation_mail.get_content()).group(0)

    submit_creation(client, {
        "code": code, "nir": MARCEL.nir, "vitale_type": MARCEL.vitale_type,
        "vitale_serial": MARCEL.vitale_serial, "email": "marcel@example.org", "accept_terms": "y",
    })
    page = client.get("/creer/termine").soup
    login_id = page.find(id="identifiant").get_text(strip=True)
    password = page.find(id="mot-de-passe").get_text(strip=True).replace(" ", "")

    client.submit("/connexion", {"login_id": login_id, "password": password})
    otp_mail = smtp_server.messages[-1]
    assert otp_mail["To"] == "marcel@example.org"  # no mobile given: codes go by e-mail
    otp = re.search(r"\b\d{8}\b", otp_mail.get_content()).group(0)
    assert (client.submit("/connexion/code", {"code": otp}).headers["Location"]
            == "/mon-dmp/premiere-connexion/coordonnees")


class BrokenSender:
    def send(self, message):
        raise DeliveryFailed("e-mail to m***@example.org via 127.0.0.1:1 failed: ConnectionRefusedError")


def test_a_failed_delivery_shows_a_plain_page_and_no_code_is_recorded(client, app):
    app.extensions["dmp.notifier"].email = BrokenSender()
    page = client.submit("/creer/code", {"nir": MARCEL.nir, "nir_confirm": MARCEL.nir})
    assert page.status_code == 503
    assert page.soup.h1.get_text(strip=True) == "Le message n’est pas parti"
    assert app.extensions["dmp.repos"].creation_codes.get(MARCEL.nir) is None


class Recorder:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def test_the_email_to_sms_gateway_mails_the_number_at_the_provider_domain():
    mail = Recorder()
    EmailToSmsGateway(mail, "sms.example.org").send(Sms(to="06 12 34 56 78", body="DMP - Votre code : 12345678"))
    assert mail.sent == [Email(to="0612345678@sms.example.org", subject="SMS", body="DMP - Votre code : 12345678")]
    with pytest.raises(ValueError):
        EmailToSmsGateway(mail, "not a domain/../x")
    with pytest.raises(ValueError):
        EmailToSmsGateway(mail, "sms.example.org").send(Sms(to="0112345678", body="x"))
