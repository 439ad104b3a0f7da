"""« Mes patients récents » in PostgreSQL (the file store's twin: store/recent.py): one row per
(professional, dossier), the last allowed opening."""
from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from . import Database


class PgRecentPatients:
    def __init__(self, db: Database):
        self.db = db

    def opened(self, rpps: str, dossier_id: str, at: datetime, window: timedelta,
               conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            c.execute("INSERT INTO recent_patients (rpps, dossier_id, opened_at) VALUES (%s, %s, %s) "
                      "ON CONFLICT (rpps, dossier_id) DO UPDATE SET opened_at = GREATEST(recent_patients.opened_at, "
                      "EXCLUDED.opened_at)", (rpps, dossier_id, at))
            c.execute("DELETE FROM recent_patients WHERE rpps = %s AND opened_at <= %s", (rpps, at - window))

    def since(self, rpps: str, since: datetime, limit: int,
              conn: psycopg.Connection | None = None) -> list[tuple[str, datetime]]:
        with self.db.using(conn) as c:
            return [(r[0], r[1]) for r in c.execute(
                "SELECT dossier_id, opened_at FROM recent_patients WHERE rpps = %s AND opened_at > %s "
                "ORDER BY opened_at DESC LIMIT %s", (rpps, since, limit))]
