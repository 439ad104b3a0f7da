"""Development adapters: each message becomes a private file, and one console line says where."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, UTC
from pathlib import Path

from ..store.files import atomic_write_bytes
from .messages import Email, Sms, check_email, mask_email, mask_mobile, check_mobile

log = logging.getLogger("dmp_web.notify")


def new_file_id() -> str:
    """A name made by us alone (time + random), so no user input ever reaches a path."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(6)}"


def write_private(folder: Path, name: str, data: bytes) -> Path:
    """Write atomically; the file is 0o600 because it holds one-time codes or addresses."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / name
    atomic_write_bytes(path, data)  # mkstemp creates the temporary file 0o600; os.replace keeps it
    return path


class OutboxEmailSender:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, email: Email) -> None:
        check_email(email)
        text = f"To: {email.to}\nSubject: {email.subject}\n\n{email.body}\n"
        path = write_private(self.folder, f"{new_file_id()}.txt", text.encode("utf-8"))
        log.info("e-mail to %s written to %s", mask_email(email.to), path)


class OutboxSmsGateway:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, sms: Sms) -> None:
        number = check_mobile(sms.to)
        text = f"To: {number}\n\n{sms.body}\n"
        path = write_private(self.folder, f"{new_file_id()}.txt", text.encode("utf-8"))
        log.info("SMS to %s written to %s", mask_mobile(number), path)
