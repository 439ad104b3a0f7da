"""Fakes for the adapters: a notifier that records messages, a clock the test moves."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, UTC

from dmp_web.notify import LetterQueue


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


class _Recorder:
    def __init__(self, outbox: list):
        self.outbox = outbox

    def send(self, message) -> None:
        self.outbox.append(message)


class FakeNotifier:
    def __init__(self, letters: LetterQueue):
        self.outbox: list = []  # e-mails and SMS, in the order they were sent
        self.email = _Recorder(self.outbox)
        self.sms = _Recorder(self.outbox)
        self.letters = letters  # the app's own queue: letters are files, tests read them back

    def last_otp(self) -> str:
        for message in reversed(self.outbox):
            found = re.search(r"\b(\d{8})\b", message.body)
            if found:
                return found.group(1)
        raise AssertionError("no one-time code was sent")

    def last_creation_code(self) -> str:
        for message in reversed(self.outbox):
            found = re.search(r"\b([A-Z2-9]{4} [A-Z2-9]{4} [A-Z2-9]{4})\b", message.body)
            if found:
                return found.group(1).replace(" ", "")
        raise AssertionError("no creation code was e-mailed")

