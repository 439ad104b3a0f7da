"""The monthly history letters' state in PostgreSQL: the same records as on files
(store/history_letters.py), one row per dossier and month. A change holds a transaction-scoped
advisory lock on that letter (it works before the row exists), so two servers never both claim it."""
from __future__ import annotations

from collections.abc import Callable

from psycopg.types.json import Jsonb

from ...domain.history_letters import HistoryLetter
from ..codec import from_row, to_row
from . import Database


class PgHistoryLetters:
    def __init__(self, db: Database):
        self.db = db

    def get(self, dossier_id: str, month: str) -> HistoryLetter | None:
        with self.db.transaction() as c:
            row = c.execute("SELECT record FROM history_letters WHERE dossier_id = %s AND month = %s",
                            (dossier_id, month)).fetchone()
        return from_row(HistoryLetter, row[0]) if row else None

    def update(self, dossier_id: str, month: str,
               change: Callable[[HistoryLetter | None], HistoryLetter | None]) -> HistoryLetter | None:
        """Read, change and write one letter's state under its lock (store/history_letters.py says the same)."""
        with self.db.transaction() as c:
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                      (f"history-letter:{dossier_id}:{month}",))
            row = c.execute("SELECT record FROM history_letters WHERE dossier_id = %s AND month = %s",
                            (dossier_id, month)).fetchone()
            state = change(from_row(HistoryLetter, row[0]) if row else None)
            if state is None:
                return None
            c.execute("INSERT INTO history_letters (dossier_id, month, record) VALUES (%s, %s, %s) "
                      "ON CONFLICT (dossier_id, month) DO UPDATE SET record = EXCLUDED.record",
                      (dossier_id, month, Jsonb(to_row(state))))
        return state
