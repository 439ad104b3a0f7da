"""The patients' reports of a professional in PostgreSQL: the file store's rows (store/reports.py),
the sentence and the note sealed by the app, in `reports`; the open ones found by a partial index
for the desk agents' queue. Every method takes `conn=None`: a unit of work's connection, or a
transaction of its own."""
from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from ...domain.reports import Report
from ..crypto import Sealer
from ..reports import SEALED, opened, sealed_row
from . import Database


class PgReportRepository:
    """ReportRepository's methods."""

    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    def _reports(self, query: str, args: tuple, conn) -> list[Report]:
        with self.db.using(conn) as c:
            rows = [r[0] for r in c.execute(query, args)]
        return [opened(self.sealer, row) for row in rows]

    def of_dossier(self, dossier_id: str, conn: psycopg.Connection | None = None) -> list[Report]:
        """The dossier's reports, oldest first."""
        return self._reports("SELECT record FROM reports WHERE dossier_id = %s ORDER BY reported_at, report_id",
                             (dossier_id,), conn)

    def find(self, report_id: str, conn: psycopg.Connection | None = None) -> Report | None:
        found = self._reports("SELECT record FROM reports WHERE report_id = %s", (report_id,), conn)
        return found[0] if found else None

    def open_reports(self, conn: psycopg.Connection | None = None) -> list[Report]:
        """The desk agents' queue, oldest first."""
        return self._reports("SELECT record FROM reports WHERE status = 'open' ORDER BY reported_at, report_id",
                             (), conn)

    def save(self, report: Report, conn: psycopg.Connection | None = None) -> None:
        row = sealed_row(self.sealer, report)
        with self.db.using(conn) as c:
            c.execute("INSERT INTO reports (dossier_id, report_id, status, reported_at, record) "
                      "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (dossier_id, report_id) DO UPDATE SET "
                      "status = EXCLUDED.status, record = EXCLUDED.record",
                      (report.dossier_id, report.id, report.status, report.reported_at, Jsonb(row)))

    def reseal(self, dossier_id: str, conn: psycopg.Connection | None = None) -> int:
        """Seal the free texts again with the first key (key rotation); how many reports."""
        with self.db.using(conn) as c:
            rows = c.execute("SELECT report_id, record FROM reports WHERE dossier_id = %s FOR UPDATE",
                             (dossier_id,)).fetchall()
            for report_id, row in rows:
                fresh = {**row, **{name: self.sealer.reseal_text(row[name]) for name in SEALED if row.get(name)}}
                c.execute("UPDATE reports SET record = %s WHERE dossier_id = %s AND report_id = %s",
                          (Jsonb(fresh), dossier_id, report_id))
        return len(rows)
