"""The sharing codes' index in PostgreSQL (the file store's twin: store/sharing.py): a code's
digest → its dossier, until the code expires. Every method takes `conn=None`: a unit of work's
connection, or a transaction of its own."""
from __future__ import annotations

from datetime import datetime

import psycopg

from . import Database


class PgSharingCodeIndex:
    def __init__(self, db: Database):
        self.db = db

    def add(self, digest: str, dossier_id: str, expires_at: datetime, conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            c.execute("INSERT INTO sharing_codes (code_digest, dossier_id, expires_at) VALUES (%s, %s, %s) "
                      "ON CONFLICT (code_digest) DO UPDATE SET dossier_id = EXCLUDED.dossier_id, "
                      "expires_at = EXCLUDED.expires_at", (digest, dossier_id, expires_at))

    def find(self, digest: str, now: datetime, conn: psycopg.Connection | None = None) -> str | None:
        """The dossier of a code not yet expired; None otherwise (an expired row is dropped)."""
        with self.db.using(conn) as c:
            row = c.execute("SELECT dossier_id, expires_at FROM sharing_codes WHERE code_digest = %s",
                            (digest,)).fetchone()
            if row is not None and row[1] <= now:
                c.execute("DELETE FROM sharing_codes WHERE code_digest = %s", (digest,))
                return None
        return row[0] if row else None

    def forget(self, digest: str, conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            c.execute("DELETE FROM sharing_codes WHERE code_digest = %s", (digest,))

    def purge(self, now: datetime, conn: psycopg.Connection | None = None) -> int:
        """Drop every expired row (by the index on expires_at); how many."""
        with self.db.using(conn) as c:
            return c.execute("DELETE FROM sharing_codes WHERE expires_at <= %s", (now,)).rowcount
