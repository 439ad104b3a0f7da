"""An SMS gateway reached by e-mail: many SMS providers deliver a mail sent to
<mobile number>@<their domain> as a text message. It needs only the SMTP server we already have."""
from __future__ import annotations

import re

from .messages import Email, EmailSender, Sms, check_mobile

_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class EmailToSmsGateway:
    def __init__(self, email: EmailSender, domain: str):
        if not _DOMAIN.match(domain.lower()):
            raise ValueError(f"not a domain name: {domain!r}")
        self.email = email
        self.domain = domain.lower()

    def send(self, sms: Sms) -> None:
        number = check_mobile(sms.to)
        self.email.send(Email(to=f"{number}@{self.domain}", subject="SMS", body=sms.body))
