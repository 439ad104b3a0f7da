"""The mail-room queue: each postal letter is a sealed PDF and a small JSON record beside it.

The address and the PDF tell who writes to whom about what: both are sealed at rest, and opened
only for the mail room (`flask letters …`). Only the kind and the dates stay in clear, to list and
purge without a key."""
from __future__ import annotations

import json
import re
from datetime import datetime, UTC
from pathlib import Path

from ..domain.letters import may_be_deleted
from ..store.crypto import Sealer
from .outbox import new_file_id, write_private

_LETTER_ID = re.compile(r"\d{8}T\d{6}-[0-9a-f]{12}")  # what new_file_id makes, and nothing else
_ONCE = re.compile(r"[0-9a-f]{32}")
ONCE_KEPT_SECONDS = 7 * 24 * 3600  # how long a letter's «once» key is kept


class UnknownLetter(LookupError):
    """No queued letter has this id (or it is not an id at all)."""


class LetterQueue:
    def __init__(self, folder: Path, sealer: Sealer):
        self.folder = Path(folder)
        self.sealer = sealer

    def reopened(self, sealer: Sealer) -> LetterQueue:
        """The same letters seen with other keys (reseal-data checks the first key alone)."""
        return LetterQueue(self.folder, sealer)

    def _path(self, letter_id: str, suffix: str) -> Path:
        if not isinstance(letter_id, str) or not _LETTER_ID.fullmatch(letter_id):
            raise UnknownLetter(letter_id)  # an operator's typing never reaches a path
        return self.folder / f"{letter_id}{suffix}"

    def enqueue(self, pdf: bytes, address_lines: list[str], kind: str, once: str | None = None) -> str:
        """Store <letter_id>.pdf.sealed and <letter_id>.json; return letter_id.

        once: a key of ours (a worker's job id, 32 hex characters): the same key queues one
        letter only, so a job tried again after a crash never posts a second copy."""
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("a queued letter must be a PDF")
        if not address_lines or not all(isinstance(line, str) and line.strip() for line in address_lines):
            raise ValueError("a queued letter needs an address, one non-empty line each")
        letter_id = new_file_id()
        if once is not None:
            if not _ONCE.fullmatch(once):
                raise ValueError("not a key of ours")
            marker = self.folder / f"{once}.once"
            try:
                letter_id = marker.read_text(encoding="utf-8").strip()
                if self._path(letter_id, ".json").exists():
                    return letter_id  # queued already
            except FileNotFoundError:
                write_private(self.folder, marker.name, letter_id.encode())  # the id first, then the letter
        record = {
            "letter_id": letter_id,
            "kind": kind,
            "queued_at": datetime.now(UTC).isoformat(),
            "printed_at": None,
            "address": self.sealer.seal_text(json.dumps(list(address_lines), ensure_ascii=False)),
        }
        # The PDF first: a letter exists for the mail room once its record does.
        write_private(self.folder, f"{letter_id}.pdf.sealed", self.sealer.seal(pdf))
        self._write(record)
        return letter_id

    def _write(self, record: dict) -> None:
        write_private(self.folder, f"{record['letter_id']}.json", json.dumps(record, ensure_ascii=False).encode())

    def _stored(self, letter_id: str) -> dict:
        try:
            return json.loads(self._path(letter_id, ".json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UnknownLetter(letter_id) from None

    def _opened(self, record: dict) -> dict:
        return {**record, "address": json.loads(self.sealer.open_text(record["address"]))}

    def _records(self) -> list[dict]:
        if not self.folder.is_dir():
            return []
        records = [json.loads(p.read_text(encoding="utf-8")) for p in self.folder.glob("*.json")]
        return sorted(records, key=lambda r: (r["queued_at"], r["letter_id"]))

    def list(self) -> list[dict]:
        """The queued letters' records with their address opened, oldest first."""
        return [self._opened(record) for record in self._records()]

    def pdf(self, letter_id: str) -> bytes:
        self._stored(letter_id)
        return self.sealer.open(self._path(letter_id, ".pdf.sealed").read_bytes())

    def mark_printed(self, letter_id: str, now: datetime) -> bool:
        """Note the letter as printed (its deletion date starts then); False if it already was."""
        record = self._stored(letter_id)
        if record.get("printed_at") is not None:
            return False
        self._write({**record, "printed_at": now.isoformat()})
        return True

    def purge(self, now: datetime) -> list[str]:
        """Delete the letters printed long enough ago (domain/letters.py); their ids."""
        gone = []
        for record in self._records():
            printed_at = datetime.fromisoformat(record["printed_at"]) if record.get("printed_at") else None
            if may_be_deleted(printed_at, now):
                # the record last: a letter half deleted is still listed, and purged next time
                self._path(record["letter_id"], ".pdf.sealed").unlink(missing_ok=True)
                self._path(record["letter_id"], ".json").unlink()
                gone.append(record["letter_id"])
        for marker in self.folder.glob("*.once"):  # a job retries within the hour, never weeks later
            if marker.stat().st_mtime < now.timestamp() - ONCE_KEPT_SECONDS:
                marker.unlink(missing_ok=True)
        return gone

    def reseal(self) -> int:
        """Seal every letter again with the first key of the ring (key rotation); how many."""
        count = 0
        for record in self._records():
            letter_id = record["letter_id"]
            pdf_path = self._path(letter_id, ".pdf.sealed")
            write_private(self.folder, pdf_path.name, self.sealer.reseal(pdf_path.read_bytes()))
            self._write({**record, "address": self.sealer.reseal_text(record["address"])})
            count += 1
        return count

    def migrate_legacy(self) -> int:
        """Seal the letters an earlier version queued in clear (<id>.pdf, the address in the
        record); how many. The PDF is sealed first, the record last, so a crash loses nothing."""
        count = 0
        for record in self._records():
            if isinstance(record.get("address"), str):
                continue  # sealed already
            letter_id = record["letter_id"]
            clear_pdf = self._path(letter_id, ".pdf")
            if clear_pdf.exists():
                write_private(self.folder, f"{letter_id}.pdf.sealed", self.sealer.seal(clear_pdf.read_bytes()))
            self._write({**record, "printed_at": record.get("printed_at"),
                         "address": self.sealer.seal_text(json.dumps(record["address"], ensure_ascii=False))})
            clear_pdf.unlink(missing_ok=True)
            count += 1
        return count

    def unreadable(self) -> list[str]:
        return unreadable_letters(self)


def unreadable_letters(queue) -> list[str]:
    """The letters this queue's key ring cannot open, one line each (both queues)."""
    failures = []
    for record in queue._records():
        try:
            queue._opened(record)
            queue.pdf(record["letter_id"])
        except (ValueError, OSError) as problem:
            failures.append(f"lettre {record['letter_id']} ({type(problem).__name__})")
    return failures
