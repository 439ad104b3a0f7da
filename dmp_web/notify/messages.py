"""The messages we send, the ports that send them, and the checks every adapter shares."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..domain.phones import BadPhone, read_phone

# One plain address, ASCII only: no display name, no list, nothing a mail header could
# read as a second recipient or a second header.
_EMAIL_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str  # plain text, in French


@dataclass(frozen=True)
class Sms:
    to: str  # a French mobile number, "0612345678" (spaces allowed)
    body: str


class DeliveryFailed(RuntimeError):
    """A message could not be handed over; the text never contains the message body."""


class EmailSender(Protocol):
    def send(self, email: Email) -> None: ...


class SmsGateway(Protocol):
    def send(self, sms: Sms) -> None: ...


def is_plain_address(address: str) -> bool:
    """One plain e-mail address, as the senders accept it (the forms ask the same)."""
    return bool(_EMAIL_ADDRESS.fullmatch(address or ""))


def check_email(email: Email) -> None:
    """Refuse what could inject a header or a recipient (raises ValueError)."""
    if not is_plain_address(email.to):
        raise ValueError("the recipient is not one plain e-mail address")
    # isprintable() is False for CR, LF and every other line break or control character
    if not email.subject or not email.subject.isprintable():
        raise ValueError("the subject is empty or holds a line break or a control character")


def check_mobile(number: str) -> str:
    """The 10 digits of a French mobile (06 or 07), spaces dropped; else ValueError. Adapters
    tidy nothing else (no +33, dots or dashes): the forms did, so anything more is a bug upstream."""
    try:
        stored_form = read_phone(number, mobile=True)
    except BadPhone:
        stored_form = None
    if stored_form != (number or "").replace(" ", ""):
        raise ValueError("the SMS recipient is not a French mobile number (06 or 07 and 8 digits)")
    return stored_form


def mask_email(address: str) -> str:
    """m***@example.org: enough for a developer to recognise, not to collect addresses from logs."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_mobile(number: str) -> str:
    return f"{number[:2]}******{number[-2:]}"
