"""Where each dossier's hourly message stands, in PostgreSQL: the same state as on files
(store/notices.py), one row per dossier; its `due_at` column is the worker's queue.

A change holds a transaction-scoped advisory lock on the dossier's notice (it works before the
row exists), so two servers telling the same opening never both send."""
from __future__ import annotations

from datetime import datetime
from collections.abc import Callable

from psycopg.types.json import Jsonb

from ...domain.notices import OpeningDigest
from ..codec import from_row, to_row
from . import Database


class PgOpeningNoticeRepository:
    def __init__(self, db: Database):
        self.db = db

    def get(self, dossier_id: str) -> OpeningDigest | None:
        with self.db.transaction() as c:
            row = c.execute("SELECT record FROM opening_notices WHERE dossier_id = %s", (dossier_id,)).fetchone()
        return from_row(OpeningDigest, row[0]) if row else None

    def update(self, dossier_id: str, change: Callable[[OpeningDigest | None], OpeningDigest | None]
               ) -> OpeningDigest | None:
        """Read, change and write the state under its lock (store/notices.py says the same)."""
        with self.db.transaction() as c:
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"opening-notice:{dossier_id}",))
            row = c.execute("SELECT record FROM opening_notices WHERE dossier_id = %s", (dossier_id,)).fetchone()
            state = change(from_row(OpeningDigest, row[0]) if row else None)
            if state is None:
                return None
            c.execute("INSERT INTO opening_notices (dossier_id, record, due_at) VALUES (%s, %s, %s) "
                      "ON CONFLICT (dossier_id) DO UPDATE SET record = EXCLUDED.record, due_at = EXCLUDED.due_at",
                      (dossier_id, Jsonb(to_row(state)), state.due_at))
        return state

    def due(self, now: datetime, limit: int = 100) -> list[str]:
        """The dossiers whose message is due now, the longest waiting first."""
        with self.db.transaction() as c:
            return [r[0] for r in c.execute(
                "SELECT dossier_id FROM opening_notices WHERE due_at IS NOT NULL AND due_at <= %s "
                "ORDER BY due_at, dossier_id LIMIT %s", (now, limit))]

    def forget(self, dossier_id: str) -> None:
        """A dossier that is no more (erased): its message no longer waits."""
        with self.db.transaction() as c:
            c.execute("DELETE FROM opening_notices WHERE dossier_id = %s", (dossier_id,))
