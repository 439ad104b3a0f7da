"""The patient's wishes and the dossier's reimbursements in PostgreSQL: one sealed record per
dossier, as store/wishes.py and store/reimbursements.py keep them.

The record is the file store's: the same JSON (codec.to_row) sealed by the app as one token,
kept as its ASCII bytes in `sealed` (bytea), so what a person wishes, or what care they had and
when, never reaches the database in clear. A save replaces the whole record (an upsert): a
read-modify-write holds the dossier's lock (the unit of work), as on files.

Every method that reads or writes takes `conn=None`: inside a unit of work, its transaction's
connection; else a transaction of its own.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg

from ...domain.reimbursements import Reimbursement
from ...domain.wishes import Wishes
from ..codec import from_row, to_row
from ..crypto import Sealer
from . import Database


class _SealedRecord:
    """One sealed token per dossier in `table` (dossier_id, sealed)."""

    table = ""

    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    def _token(self, dossier_id: str, conn: psycopg.Connection | None) -> str | None:
        with self.db.using(conn) as c:
            row = c.execute(f"SELECT sealed FROM {self.table} WHERE dossier_id = %s", (dossier_id,),
                            binary=True).fetchone()
        return bytes(row[0]).decode("ascii") if row else None

    def save_sealed(self, dossier_id: str, sealed: str, conn: psycopg.Connection | None = None) -> None:
        """Write the record (changes go through a unit of work, under the dossier's lock)."""
        with self.db.using(conn) as c:
            c.execute(f"INSERT INTO {self.table} (dossier_id, sealed) VALUES (%s, %s) "
                      "ON CONFLICT (dossier_id) DO UPDATE SET sealed = EXCLUDED.sealed",
                      (dossier_id, sealed.encode("ascii")))

    def reseal(self, dossier_id: str, conn: psycopg.Connection | None = None) -> int:
        """Seal the record again with the first key (key rotation); 1 if there was one."""
        with self.db.using(conn) as c:
            row = c.execute(f"SELECT sealed FROM {self.table} WHERE dossier_id = %s FOR UPDATE", (dossier_id,),
                            binary=True).fetchone()
            if row is None:
                return 0
            c.execute(f"UPDATE {self.table} SET sealed = %s WHERE dossier_id = %s",
                      (self.sealer.reseal(bytes(row[0])), dossier_id))
        return 1


class PgWishesRepository(_SealedRecord):
    """WishesRepository's methods."""

    table = "wishes"

    def get(self, dossier_id: str, conn: psycopg.Connection | None = None) -> Wishes:
        """The patient's wishes; an empty record when nothing was said yet."""
        token = self._token(dossier_id, conn)
        if token is None:
            return Wishes()
        return from_row(Wishes, json.loads(self.sealer.open_text(token)))

    def seal(self, wishes: Wishes) -> str:
        return self.sealer.seal_text(json.dumps(to_row(wishes), ensure_ascii=False))

    def save(self, dossier_id: str, wishes: Wishes, conn: psycopg.Connection | None = None) -> None:
        self.save_sealed(dossier_id, self.seal(wishes), conn)


class PgReimbursementRepository(_SealedRecord):
    """ReimbursementRepository's methods: the whole list sealed as one token."""

    table = "reimbursements"
    PAGE = 1000  # dossier ids read at a time by dossier_ids

    def list(self, dossier_id: str, conn: psycopg.Connection | None = None) -> list[Reimbursement]:
        """Every row the dossier holds, as stored (callers choose what to show: see domain `shown`)."""
        token = self._token(dossier_id, conn)
        if token is None:
            return []
        return [from_row(Reimbursement, r) for r in json.loads(self.sealer.open_text(token))]

    def seal(self, rows: list[Reimbursement]) -> str:
        return self.sealer.seal_text(json.dumps([to_row(r) for r in rows], ensure_ascii=False))

    def dossier_ids(self, conn: psycopg.Connection | None = None) -> Iterator[str]:
        """The dossiers that hold reimbursements (a batch walks them to drop rows that aged),
        a page at a time in the key's order: never all in memory, and no transaction held open
        while the batch works on each (unless the caller's)."""
        after = ""
        while True:
            with self.db.using(conn) as c:
                page = [r[0] for r in c.execute(
                    "SELECT dossier_id FROM reimbursements WHERE dossier_id > %s ORDER BY dossier_id LIMIT %s",
                    (after, self.PAGE))]
            yield from page
            if len(page) < self.PAGE:
                return
            after = page[-1]
