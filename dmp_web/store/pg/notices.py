"""Where each dossier's messages made from the journal stand, in PostgreSQL: the same state as
on files (store/notices.py), one row per dossier and kind of message ("openings", the hourly
one; "carers", the carers' daily one); its `due_at` column is the worker's queue.

A change holds a transaction-scoped advisory lock on the dossier's notice (it works before the
row exists), so two servers telling the same act never both send."""
from __future__ import annotations

from datetime import datetime
from collections.abc import Callable

from psycopg.types.json import Jsonb

from ...domain.notices import OpeningDigest
from ..codec import from_row, to_row
from . import Database


# each kind of message, and the name of its advisory lock
KINDS = {"openings": "opening-notice:", "carers": "carer-notice:"}


class PgOpeningNoticeRepository:
    def __init__(self, db: Database, kind: str = "openings"):
        if kind not in KINDS:
            raise ValueError(f"no such kind of notice: {kind!r}")
        self.db = db
        self.kind = kind
        self._lock = KINDS[kind]

    def get(self, dossier_id: str) -> OpeningDigest | None:
        with self.db.transaction() as c:
            row = c.execute("SELECT record FROM opening_notices WHERE dossier_id = %s AND kind = %s",
                            (dossier_id, self.kind)).fetchone()
        return from_row(OpeningDigest, row[0]) if row else None

    def update(self, dossier_id: str, change: Callable[[OpeningDigest | None], OpeningDigest | None]
               ) -> OpeningDigest | None:
        """Read, change and write the state under its lock (store/notices.py says the same)."""
        with self.db.transaction() as c:
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{self._lock}{dossier_id}",))
            row = c.execute("SELECT record FROM opening_notices WHERE dossier_id = %s AND kind = %s",
                            (dossier_id, self.kind)).fetchone()
            state = change(from_row(OpeningDigest, row[0]) if row else None)
            if state is None:
                return None
            c.execute("INSERT INTO opening_notices (dossier_id, kind, record, due_at) VALUES (%s, %s, %s, %s) "
                      "ON CONFLICT (dossier_id, kind) DO UPDATE SET record = EXCLUDED.record, due_at = EXCLUDED.due_at",
                      (dossier_id, self.kind, Jsonb(to_row(state)), state.due_at))
        return state

    def due(self, now: datetime, limit: int = 100) -> list[str]:
        """The dossiers whose message is due now, the longest waiting first."""
        with self.db.transaction() as c:
            return [r[0] for r in c.execute(
                "SELECT dossier_id FROM opening_notices WHERE kind = %s AND due_at IS NOT NULL AND due_at <= %s "
                "ORDER BY due_at, dossier_id LIMIT %s", (self.kind, now, limit))]

    def forget(self, dossier_id: str) -> None:
        """A dossier that is no more (erased): its message no longer waits."""
        with self.db.transaction() as c:
            c.execute("DELETE FROM opening_notices WHERE dossier_id = %s AND kind = %s", (dossier_id, self.kind))
