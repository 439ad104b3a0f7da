"""The mail room's queue in PostgreSQL: the same letters as notify/letters.py, one row each,
the PDF and the address sealed, the kind and the dates in clear (to list and purge without a
key). A worker's job id (`once`) is a unique key: a job tried again queues no second letter."""
from __future__ import annotations

import json
import re
from datetime import datetime, UTC

from ...domain.letters import may_be_deleted
from ...notify.letters import UnknownLetter, unreadable_letters
from ...notify.outbox import new_file_id
from ..crypto import Sealer
from . import Database

_LETTER_ID = re.compile(r"\d{8}T\d{6}-[0-9a-f]{12}")
_ONCE = re.compile(r"[0-9a-f]{32}")


class PgLetterQueue:
    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    def reopened(self, sealer: Sealer) -> PgLetterQueue:
        return PgLetterQueue(self.db, sealer)

    def enqueue(self, pdf: bytes, address_lines: list[str], kind: str, once: str | None = None) -> str:
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("a queued letter must be a PDF")
        if not address_lines or not all(isinstance(line, str) and line.strip() for line in address_lines):
            raise ValueError("a queued letter needs an address, one non-empty line each")
        if once is not None and not _ONCE.fullmatch(once):
            raise ValueError("not a key of ours")
        letter_id = new_file_id()
        with self.db.transaction() as conn:
            made = conn.execute(
                "INSERT INTO letters (letter_id, queued_at, sealed, kind, address, once) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (once) DO NOTHING RETURNING letter_id",
                (letter_id, datetime.now(UTC), self.sealer.seal(pdf), kind,
                 self.sealer.seal_text(json.dumps(list(address_lines), ensure_ascii=False)), once)).fetchone()
            if made is None:  # queued already by this job
                return conn.execute("SELECT letter_id FROM letters WHERE once = %s", (once,)).fetchone()[0]
        return letter_id

    @staticmethod
    def _record(row) -> dict:
        letter_id, kind, queued_at, printed_at, address = row
        return {"letter_id": letter_id, "kind": kind, "queued_at": queued_at.isoformat(),
                "printed_at": printed_at.isoformat() if printed_at else None, "address": address}

    def _records(self) -> list[dict]:
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT letter_id, kind, queued_at, printed_at, address FROM letters "
                                "ORDER BY queued_at, letter_id").fetchall()
        return [self._record(r) for r in rows]

    def _opened(self, record: dict) -> dict:
        return {**record, "address": json.loads(self.sealer.open_text(record["address"]))}

    def list(self) -> list[dict]:
        return [self._opened(record) for record in self._records()]

    def _check(self, letter_id: str) -> str:
        if not isinstance(letter_id, str) or not _LETTER_ID.fullmatch(letter_id):
            raise UnknownLetter(letter_id)
        return letter_id

    def pdf(self, letter_id: str) -> bytes:
        with self.db.transaction() as conn:
            row = conn.execute("SELECT sealed FROM letters WHERE letter_id = %s", (self._check(letter_id),)).fetchone()
        if row is None:
            raise UnknownLetter(letter_id)
        return self.sealer.open(bytes(row[0]))

    def mark_printed(self, letter_id: str, now: datetime) -> bool:
        with self.db.transaction() as conn:
            row = conn.execute("SELECT printed_at FROM letters WHERE letter_id = %s FOR UPDATE",
                               (self._check(letter_id),)).fetchone()
            if row is None:
                raise UnknownLetter(letter_id)
            if row[0] is not None:
                return False
            conn.execute("UPDATE letters SET printed_at = %s WHERE letter_id = %s", (now, letter_id))
        return True

    def purge(self, now: datetime) -> list[str]:
        gone = []
        with self.db.transaction() as conn:
            for letter_id, printed_at in conn.execute(
                    "SELECT letter_id, printed_at FROM letters WHERE printed_at IS NOT NULL FOR UPDATE").fetchall():
                if may_be_deleted(printed_at, now):
                    conn.execute("DELETE FROM letters WHERE letter_id = %s", (letter_id,))
                    gone.append(letter_id)
        return sorted(gone)

    def reseal(self) -> int:
        with self.db.transaction() as conn:
            rows = conn.execute("SELECT letter_id, sealed, address FROM letters FOR UPDATE").fetchall()
            for letter_id, sealed, address in rows:
                conn.execute("UPDATE letters SET sealed = %s, address = %s WHERE letter_id = %s",
                             (self.sealer.reseal(bytes(sealed)), self.sealer.reseal_text(address), letter_id))
        return len(rows)

    def migrate_legacy(self) -> int:
        return 0  # letters were sealed before they ever reached a database

    def unreadable(self) -> list[str]:
        return unreadable_letters(self)
