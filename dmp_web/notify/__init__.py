"""Notification adapters: e-mail, SMS and postal letters, chosen from the settings.

Outside development nothing is ever written to disk in place of a real delivery: a missing
SMTP server or SMS gateway stops the app instead of silently dropping health messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..store.crypto import Sealer
from .letters import LetterQueue
from .messages import DeliveryFailed, Email, EmailSender, Sms, SmsGateway
from .outbox import OutboxEmailSender, OutboxSmsGateway
from .smtp import SmtpEmailSender

__all__ = [
    "DeliveryFailed", "Email", "EmailSender", "LetterQueue", "Notifier", "OutboxEmailSender",
    "OutboxSmsGateway", "Sms", "SmsGateway", "SmtpEmailSender", "notifier_from_settings",
]

_OUTBOX_ENVIRONMENTS = ("development", "testing")


@dataclass
class Notifier:
    email: EmailSender
    sms: SmsGateway
    letters: LetterQueue


def notifier_from_settings(
    env: str, exports_dir: Path, smtp: dict | None, *, letter_sealer: Sealer, sms_gateway: SmsGateway | None = None,
    sms_email_domain: str | None = None,
) -> Notifier:
    """SMTP when configured, else the outbox in development/testing; production refuses to guess."""
    exports_dir = Path(exports_dir)
    may_use_outbox = env in _OUTBOX_ENVIRONMENTS  # an unknown environment counts as production

    if smtp:
        if not smtp.get("host") or not smtp.get("sender"):
            raise RuntimeError("SMTP settings need at least a host and a sender address")
        email: EmailSender = SmtpEmailSender(
            host=smtp["host"],
            port=int(smtp.get("port") or 25),
            sender=smtp["sender"],
            username=smtp.get("username") or None,
            password=smtp.get("password") or None,
            starttls=bool(smtp.get("starttls")),
        )
    elif may_use_outbox:
        email = OutboxEmailSender(exports_dir / "outbox" / "email")
    else:
        raise RuntimeError(
            f"no SMTP server configured (set DMP_SMTP_HOST): in {env!r} e-mails are never written to disk"
        )

    if sms_gateway is None and sms_email_domain:
        from .email_sms import EmailToSmsGateway

        sms_gateway = EmailToSmsGateway(email, sms_email_domain)
    if sms_gateway is not None:
        sms = sms_gateway
    elif may_use_outbox:
        sms = OutboxSmsGateway(exports_dir / "outbox" / "sms")
    else:
        raise RuntimeError("no SMS gateway configured")

    return Notifier(email=email, sms=sms, letters=LetterQueue(exports_dir / "letters", letter_sealer))
