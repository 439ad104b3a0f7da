"""The register of insured persons in PostgreSQL, by NIR: the same rows as on files."""
from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from ...domain.register import InsuredPerson
from ..register import _from_row, _to_row
from . import Database


class PgInsuredRegister:
    def __init__(self, db: Database):
        self.db = db

    def get(self, nir: str, conn: psycopg.Connection | None = None) -> InsuredPerson | None:
        with self.db.using(conn) as c:
            row = c.execute("SELECT record FROM register WHERE nir = %s", (nir,)).fetchone()
        return _from_row(row[0]) if row else None

    def put(self, person: InsuredPerson, conn: psycopg.Connection | None = None) -> None:
        self.put_many([person], conn)

    def put_many(self, people: list[InsuredPerson], conn: psycopg.Connection | None = None) -> None:
        """Write many people in one statement; a person already there as they are is not written
        (no new row version, nothing for the replicas). One NIR twice: the last, as on files."""
        latest = {p.nir: _to_row(p) for p in people}
        if not latest:
            return
        nirs = sorted(latest)  # one order for every writer: two imports at once queue, never deadlock
        with self.db.using(conn) as c:
            c.execute("INSERT INTO register (nir, record) SELECT * FROM unnest(%s::text[], %s::jsonb[]) "
                      "ON CONFLICT (nir) DO UPDATE SET record = EXCLUDED.record "
                      "WHERE register.record IS DISTINCT FROM EXCLUDED.record",
                      (nirs, [Jsonb(latest[n]) for n in nirs]))
