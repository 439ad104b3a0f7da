"""A real SMTP server on 127.0.0.1 (aiosmtpd) for tests that send e-mail."""
from __future__ import annotations

import email
import email.policy
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message

from aiosmtpd.controller import Controller


@dataclass
class SmtpTestServer:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)  # the envelope's RCPT TO, per message
    raw: list[bytes] = field(default_factory=list)  # the bytes as they came over the wire
    refuse_recipients: str | None = None  # an SMTP reply such as "550 ..." to refuse every RCPT TO

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Runs before the server answers DATA, so the message is here when send() returns.
        self.raw.append(envelope.content)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


def free_port() -> int:
    # aiosmtpd's Controller cannot take port=0 (it connects to the port it was given to
    # check the server is up): ask the system for a free port, release it, use that.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_smtp_server(**controller_options):
    server = SmtpTestServer(host="127.0.0.1", port=free_port())
    controller = Controller(server, hostname=server.host, port=server.port, **controller_options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
