"""E-mail over a real SMTP server."""
from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, UTC
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from .messages import DeliveryFailed, Email, check_email, mask_email


class SmtpEmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ):
        if not sender.isprintable():
            raise ValueError("the sender address holds a line break or a control character")
        self.host = host
        self.port = int(port)
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def build(self, email: Email) -> EmailMessage:
        check_email(email)
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject  # non-ASCII is RFC 2047 encoded by the policy
        message["Date"] = format_datetime(datetime.now(UTC))
        # Given a domain, make_msgid skips socket.getfqdn(), which can wait on DNS.
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        message["Message-ID"] = make_msgid(domain=domain)
        # quoted-printable keeps the message 7-bit clean for servers without 8BITMIME
        message.set_content(email.body, charset="utf-8", cte="quoted-printable")
        return message

    def send(self, email: Email) -> None:
        message = self.build(email)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                # explicit recipients: only ever the one checked address
                smtp.send_message(message, to_addrs=[email.to])
        except (smtplib.SMTPException, OSError) as exc:
            # The server's reply may quote the address in clear: keep only its kind and code.
            code = getattr(exc, "smtp_code", None)
            detail = type(exc).__name__ + (f" {code}" if code else "")
            raise DeliveryFailed(
                f"e-mail to {mask_email(email.to)} via {self.host}:{self.port} failed: {detail}"
            ) from exc
