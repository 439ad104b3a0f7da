"""Dossiers in PostgreSQL: the same records as on files, found by NIR or INS-C through
`dossier_keys`, whose primary key makes « one DMP per person » hold on every server at once.

A creation is one transaction (the NIR's key, the record, the INS-C's key): a crash leaves all
or nothing, so no key is ever left without its dossier, unlike on files. An erase deletes every
row of the dossier in one transaction; its journal's head stays, marked purged (by the unit of
work), so that journal-check tells why the entries are gone.
"""
from __future__ import annotations

from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from ...domain.dossier import Dossier
from ..codec import from_row, to_row
from ..sharded import KeyTaken
from . import Database

# The tables whose rows belong to one dossier (docs/scaling.md), which an erase empties.
DOSSIER_TABLES = ("accounts", "documents", "files", "wishes", "reimbursements", "emergencies", "journal_keys",
                  "jobs", "job_outputs", "reports", "opening_notices", "journal_entries", "history_letters")


class PgDossiers:
    def __init__(self, db: Database):
        self.db = db

    def get(self, dossier_id: str, conn: psycopg.Connection | None = None) -> Dossier | None:
        with self.db.using(conn) as c:
            row = c.execute("SELECT record FROM dossiers WHERE dossier_id = %s", (dossier_id,)).fetchone()
        return from_row(Dossier, row[0]) if row else None

    def _by_key(self, kind: str, key: str, conn) -> Dossier | None:
        # two lookups, not a join: the keys are partitioned by key, the dossiers by dossier
        with self.db.using(conn) as c:
            row = c.execute("SELECT dossier_id FROM dossier_keys WHERE kind = %s AND key = %s", (kind, key)).fetchone()
            return self.get(row[0], c) if row else None

    def find_by_nir(self, nir: str, conn: psycopg.Connection | None = None) -> Dossier | None:
        return self._by_key("nir", nir, conn)

    def find_by_ins(self, ins_c: str, conn: psycopg.Connection | None = None) -> Dossier | None:
        return self._by_key("ins_c", ins_c, conn)

    def add(self, dossier: Dossier, conn: psycopg.Connection | None = None) -> None:
        """KeyTaken when the person has a DMP already (two creations at once: one wins)."""
        with self.db.using(conn) as c:
            made = c.execute("INSERT INTO dossier_keys (kind, key, dossier_id) VALUES ('nir', %s, %s) "
                             "ON CONFLICT DO NOTHING RETURNING 1", (dossier.holder_nir, dossier.id)).fetchone()
            if not made:
                raise KeyTaken(dossier.holder_nir)
            self._write(c, dossier)
            c.execute("INSERT INTO dossier_keys (kind, key, dossier_id) VALUES ('ins_c', %s, %s) "
                      "ON CONFLICT (kind, key) DO UPDATE SET dossier_id = EXCLUDED.dossier_id",
                      (dossier.ins_c, dossier.id))

    def save(self, dossier: Dossier, conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            self._write(c, dossier)

    @staticmethod
    def _write(c: psycopg.Connection, dossier: Dossier) -> None:
        closed_at = dossier.closed_at if dossier.status == "closed" else None  # listed for the purge
        c.execute("INSERT INTO dossiers (dossier_id, record, status, closed_at) VALUES (%s, %s, %s, %s) "
                  "ON CONFLICT (dossier_id) DO UPDATE SET record = EXCLUDED.record, status = EXCLUDED.status, "
                  "closed_at = EXCLUDED.closed_at", (dossier.id, Jsonb(to_row(dossier)), dossier.status, closed_at))

    def all_ids(self, conn: psycopg.Connection | None = None) -> list[str]:
        """Every dossier id, sorted (a batch job's walk, never a page's)."""
        with self.db.using(conn) as c:
            return [r[0] for r in c.execute("SELECT dossier_id FROM dossiers ORDER BY dossier_id")]

    def closed(self, conn: psycopg.Connection | None = None) -> list[tuple[str, datetime]]:
        """Every closed dossier and when it closed (the purge; an index on closed_at)."""
        with self.db.using(conn) as c:
            return [(r[0], r[1]) for r in c.execute(
                "SELECT dossier_id, closed_at FROM dossiers WHERE closed_at IS NOT NULL ORDER BY dossier_id")]

    def delete(self, dossier: Dossier, login_id: str | None, conn: psycopg.Connection | None = None) -> None:
        """Erase a dossier: every row it has, and its keys, in one transaction."""
        with self.db.using(conn) as c:
            c.execute("DELETE FROM dossier_keys WHERE dossier_id = %s", (dossier.id,))
            c.execute("DELETE FROM sharing_codes WHERE dossier_id = %s", (dossier.id,))
            for table in DOSSIER_TABLES:
                column = "journal_id" if table == "journal_entries" else "dossier_id"
                c.execute(f"DELETE FROM {table} WHERE {column} = %s", (dossier.id,))  # noqa: S608 - our names
            c.execute("DELETE FROM dossiers WHERE dossier_id = %s", (dossier.id,))
