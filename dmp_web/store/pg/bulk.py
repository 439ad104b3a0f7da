"""Rows written as the file store keeps them, for copy-store (services/store_copy.py).

Every record arrives already sealed and every journal entry with its MAC: nothing here seals,
opens or chains anything, except a document's file, which PgBlobStore cuts in chunks sealed
again (a chunk's seal names its dossier and blob). Shared tables are written by batches, a
record already there as it is left alone; a dossier's rows are written in its caller's
transaction, so one dossier is copied whole or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from ...domain.journal import OPERATORS_JOURNAL
from . import Database
from .documents import PgBlobStore, _access_id
from .dossiers import DOSSIER_TABLES


@dataclass
class DossierRows:
    """A dossier's rows on PostgreSQL (its journal: the head as stored, how many entries, the last hash)."""

    dossier: dict | None = None
    accounts: dict = field(default_factory=dict)  # slot -> record
    keys: set = field(default_factory=set)  # (kind, key)
    documents: dict = field(default_factory=dict)  # document id -> record, in the order added
    blobs: set = field(default_factory=set)
    wishes: str | None = None
    reimbursements: str | None = None
    emergencies: list = field(default_factory=list)
    journal_key: str | None = None
    head: dict | None = None
    entries: int = 0
    last_hash: str | None = None
    reports: list = field(default_factory=list)  # the patients' reports, rows as stored, oldest first
    history_letters: dict = field(default_factory=dict)  # month -> the monthly letter's state


# A journal's head as stored, how many entries it has, the last one's hash.
_JOURNAL_COLUMNS = """
       (SELECT jsonb_build_object('count', count, 'last_hash', last_hash, 'purged_at', purged_at, 'mac', mac)
          FROM journal_heads WHERE journal_id = %(d)s),
       (SELECT count(*) FROM journal_entries WHERE journal_id = %(d)s),
       (SELECT stored ->> 'hash' FROM journal_entries WHERE journal_id = %(d)s ORDER BY seq DESC LIMIT 1)
"""
_JOURNAL = "SELECT " + _JOURNAL_COLUMNS

# Every row of a dossier in one round trip.
_STATE = """
SELECT (SELECT record FROM dossiers WHERE dossier_id = %(d)s),
       (SELECT jsonb_object_agg(slot, record) FROM accounts WHERE dossier_id = %(d)s),
       (SELECT jsonb_agg(jsonb_build_array(kind, key)) FROM dossier_keys WHERE dossier_id = %(d)s),
       (SELECT jsonb_agg(record ORDER BY added) FROM documents WHERE dossier_id = %(d)s),
       (SELECT array_agg(blob_id) FROM files WHERE dossier_id = %(d)s AND chunk = 0),
       (SELECT convert_from(sealed, 'UTF8') FROM wishes WHERE dossier_id = %(d)s),
       (SELECT convert_from(sealed, 'UTF8') FROM reimbursements WHERE dossier_id = %(d)s),
       (SELECT jsonb_agg(record ORDER BY added) FROM emergencies WHERE dossier_id = %(d)s),
       (SELECT wrapped FROM journal_keys WHERE dossier_id = %(d)s),""" + _JOURNAL_COLUMNS + """,
       (SELECT jsonb_agg(record ORDER BY reported_at, report_id) FROM reports WHERE dossier_id = %(d)s),
       (SELECT jsonb_object_agg(month, record) FROM history_letters WHERE dossier_id = %(d)s)"""

# What verify counts, table by table (the names are the report's keys).
COUNTS = {
    "register": "SELECT count(*) FROM register",
    "directory": "SELECT count(*) FROM directory WHERE kind = 'login'",
    "activations": "SELECT count(*) FROM directory WHERE kind = 'activation'",
    "directory_names": "SELECT count(*) FROM directory_names",
    "creation_codes": "SELECT count(*) FROM creation_codes",
    "dossiers": "SELECT count(*) FROM dossiers",
    "dossier_keys": "SELECT count(*) FROM dossier_keys",
    "accounts": "SELECT count(*) FROM accounts",
    "documents": "SELECT count(*) FROM documents",
    "files": "SELECT count(*) FROM files WHERE chunk = 0",
    "wishes": "SELECT count(*) FROM wishes",
    "reimbursements": "SELECT count(*) FROM reimbursements",
    "emergencies": "SELECT count(*) FROM emergencies",
    "journal_keys": "SELECT count(*) FROM journal_keys",
    "journal_heads": "SELECT count(*) FROM journal_heads",
    "journal_entries": "SELECT count(*) FROM journal_entries",
    "reports": "SELECT count(*) FROM reports",
    "history_letters": "SELECT count(*) FROM history_letters",
}


class PgBulk:
    def __init__(self, db: Database, blobs: PgBlobStore):
        self.db = db
        self.blobs = blobs

    # -- shared tables, a batch per transaction: how many records were written ---------------

    def put_register(self, rows: list[tuple[str, dict]]) -> int:
        return self._upsert("INSERT INTO register (nir, record) SELECT * FROM unnest(%s::text[], %s::jsonb[]) "
                            "ON CONFLICT (nir) DO UPDATE SET record = EXCLUDED.record "
                            "WHERE register.record IS DISTINCT FROM EXCLUDED.record RETURNING 1", rows)

    def put_directory(self, kind: str, rows: list[tuple[str, dict]]) -> int:
        return self._upsert("INSERT INTO directory (kind, key, record) "
                            "SELECT %s, * FROM unnest(%s::text[], %s::jsonb[]) "
                            "ON CONFLICT (kind, key) DO UPDATE SET record = EXCLUDED.record "
                            "WHERE directory.record IS DISTINCT FROM EXCLUDED.record RETURNING 1", rows, kind)

    def put_creation_codes(self, rows: list[tuple[str, dict]]) -> int:
        return self._upsert("INSERT INTO creation_codes (nir, record) SELECT * FROM unnest(%s::text[], %s::jsonb[]) "
                            "ON CONFLICT (nir) DO UPDATE SET record = EXCLUDED.record "
                            "WHERE creation_codes.record IS DISTINCT FROM EXCLUDED.record RETURNING 1", rows)

    def put_names(self, rows: list[tuple[str, str, str]]) -> int:
        if not rows:
            return 0
        rows = sorted(rows)  # one order for every writer: no deadlock with an import
        with self.db.transaction() as c:
            return len(c.execute(
                "INSERT INTO directory_names (prefix, rpps, name) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) "
                "ON CONFLICT (prefix, rpps) DO UPDATE SET name = EXCLUDED.name "
                "WHERE directory_names.name IS DISTINCT FROM EXCLUDED.name RETURNING 1",
                ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])).fetchall())

    def put_fact(self, name: str, value) -> int:
        with self.db.transaction() as c:
            return len(c.execute("INSERT INTO store_facts (name, value) VALUES (%s, %s) "
                                 "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value "
                                 "WHERE store_facts.value IS DISTINCT FROM EXCLUDED.value RETURNING 1",
                                 (name, Jsonb(value))).fetchall())

    def _upsert(self, sql: str, rows: list[tuple[str, dict]], *first) -> int:
        if not rows:
            return 0
        latest = dict(rows)
        keys = sorted(latest)
        with self.db.transaction() as c:
            return len(c.execute(sql, (*first, keys, [Jsonb(latest[k]) for k in keys])).fetchall())

    # -- one dossier, in the caller's transaction --------------------------------------------

    @staticmethod
    def lock(c: psycopg.Connection, dossier_id: str) -> None:
        """The unit of work's lock (store/pg/unit.py): no use case of the dossier runs meanwhile."""
        c.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (dossier_id,))

    @staticmethod
    def state(c: psycopg.Connection, dossier_id: str) -> DossierRows:
        row = c.execute(_STATE, {"d": dossier_id}).fetchone()
        return DossierRows(
            dossier=row[0], accounts=row[1] or {}, keys={tuple(k) for k in row[2] or ()},
            documents={r["id"]: r for r in row[3] or ()}, blobs=set(row[4] or ()), wishes=row[5],
            reimbursements=row[6], emergencies=list(row[7] or ()), journal_key=row[8], head=row[9],
            entries=row[10], last_hash=row[11], reports=list(row[12] or ()), history_letters=row[13] or {})

    @staticmethod
    def put_dossier(c: psycopg.Connection, record: dict) -> None:
        closed = record.get("closed_at") if record.get("status") == "closed" else None
        c.execute("INSERT INTO dossiers (dossier_id, record, status, closed_at) VALUES (%s, %s, %s, %s) "
                  "ON CONFLICT (dossier_id) DO UPDATE SET record = EXCLUDED.record, status = EXCLUDED.status, "
                  "closed_at = EXCLUDED.closed_at",
                  (record["id"], Jsonb(record), record["status"], datetime.fromisoformat(closed) if closed else None))

    @staticmethod
    def put_keys(c: psycopg.Connection, dossier_id: str, keys: set, present: set) -> list[tuple[str, str]]:
        """The dossier's keys (NIR, INS-C, login) as `keys`; the ones another dossier holds are
        returned, not taken."""
        for kind, key in present - keys:
            c.execute("DELETE FROM dossier_keys WHERE kind = %s AND key = %s AND dossier_id = %s",
                      (kind, key, dossier_id))
        taken = []
        for kind, key in sorted(keys - present):
            made = c.execute("INSERT INTO dossier_keys (kind, key, dossier_id) VALUES (%s, %s, %s) "
                             "ON CONFLICT DO NOTHING RETURNING 1", (kind, key, dossier_id)).fetchone()
            if made is None:
                taken.append((kind, key))
        return taken

    @staticmethod
    def put_accounts(c: psycopg.Connection, dossier_id: str, records: dict, present: dict) -> None:
        """The dossier's accounts as `records` (slot -> record)."""
        for slot in present.keys() - records.keys():
            c.execute("DELETE FROM accounts WHERE dossier_id = %s AND slot = %s", (dossier_id, slot))
        for slot, record in records.items():
            if present.get(slot) != record:
                c.execute("INSERT INTO accounts (dossier_id, slot, login_id, record) VALUES (%s, %s, %s, %s) "
                          "ON CONFLICT (dossier_id, slot) DO UPDATE SET login_id = EXCLUDED.login_id, "
                          "record = EXCLUDED.record", (dossier_id, slot, record["login_id"], Jsonb(record)))

    @staticmethod
    def put_documents(c: psycopg.Connection, dossier_id: str, rows: list[dict], present: dict) -> None:
        """The document rows as `rows` (in the order added): new ones inserted in that order,
        changed ones updated where they are, others deleted."""
        wanted = {r["id"] for r in rows}
        gone = [i for i in present if i not in wanted]
        if gone:
            c.execute("DELETE FROM documents WHERE dossier_id = %s AND document_id = ANY(%s)", (dossier_id, gone))
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO documents (dossier_id, document_id, record, created_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (dossier_id, document_id) DO UPDATE SET record = EXCLUDED.record, "
                "created_at = EXCLUDED.created_at",
                [(dossier_id, r["id"], Jsonb(r), datetime.fromisoformat(r["created_at"]))
                 for r in rows if present.get(r["id"]) != r])

    def put_blob(self, c: psycopg.Connection, dossier_id: str, blob_id: str, data: bytes) -> None:
        self.blobs.delete(dossier_id, blob_id, c)  # a file cut short by nothing else: made whole
        self.blobs.put_as(dossier_id, blob_id, data, c)

    def delete_blobs(self, c: psycopg.Connection, dossier_id: str, blob_ids) -> None:
        for blob_id in sorted(blob_ids):
            self.blobs.delete(dossier_id, blob_id, c)

    @staticmethod
    def put_sealed(c: psycopg.Connection, table: str, dossier_id: str, token: str | None) -> None:
        assert table in ("wishes", "reimbursements")
        if token is None:
            c.execute(f"DELETE FROM {table} WHERE dossier_id = %s", (dossier_id,))  # noqa: S608 - our names
            return
        c.execute(f"INSERT INTO {table} (dossier_id, sealed) VALUES (%s, %s) "  # noqa: S608
                  "ON CONFLICT (dossier_id) DO UPDATE SET sealed = EXCLUDED.sealed",
                  (dossier_id, token.encode("ascii")))

    @staticmethod
    def put_emergencies(c: psycopg.Connection, dossier_id: str, rows: list[dict]) -> None:
        """The accesses as `rows`, added again in their order (the latest added opens the dossier)."""
        from ...domain.access import EMERGENCY_DURATION

        c.execute("DELETE FROM emergencies WHERE dossier_id = %s", (dossier_id,))
        with c.cursor() as cur:
            cur.executemany(
                "INSERT INTO emergencies (dossier_id, access_id, rpps, until, record) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [(dossier_id, _access_id(r), r["rpps"], datetime.fromisoformat(r["started_at"]) + EMERGENCY_DURATION,
                  Jsonb(r)) for r in rows])

    @staticmethod
    def put_history_letters(c: psycopg.Connection, dossier_id: str, records: dict) -> None:
        """The monthly letters' states as `records` (month -> record): a month sent stays sent."""
        c.execute("DELETE FROM history_letters WHERE dossier_id = %s", (dossier_id,))
        for month, record in records.items():
            c.execute("INSERT INTO history_letters (dossier_id, month, record) VALUES (%s, %s, %s)",
                      (dossier_id, month, Jsonb(record)))

    @staticmethod
    def put_reports(c: psycopg.Connection, dossier_id: str, rows: list[dict]) -> None:
        """The patients' reports as `rows` (the file store's, sealed texts as they are)."""
        c.execute("DELETE FROM reports WHERE dossier_id = %s", (dossier_id,))
        with c.cursor() as cur:
            cur.executemany("INSERT INTO reports (dossier_id, report_id, status, reported_at, record) "
                            "VALUES (%s, %s, %s, %s, %s)",
                            [(dossier_id, r["id"], r["status"], datetime.fromisoformat(r["reported_at"]), Jsonb(r))
                             for r in rows])

    @staticmethod
    def put_journal_key(c: psycopg.Connection, dossier_id: str, wrapped: str | None) -> None:
        if wrapped is None:
            c.execute("DELETE FROM journal_keys WHERE dossier_id = %s", (dossier_id,))
            return
        c.execute("INSERT INTO journal_keys (dossier_id, wrapped) VALUES (%s, %s) "
                  "ON CONFLICT (dossier_id) DO UPDATE SET wrapped = EXCLUDED.wrapped", (dossier_id, wrapped))

    @staticmethod
    def append_entries(c: psycopg.Connection, journal_id: str, rows: list[dict]) -> None:
        """Entries as stored (their MACs as they are), after those already there."""
        with c.cursor() as cur:
            cur.executemany("INSERT INTO journal_entries (journal_id, seq, emergency, stored) VALUES (%s, %s, %s, %s)",
                            [(journal_id, r["seq"], bool(r.get("emergency")), Jsonb(r)) for r in rows])

    @staticmethod
    def put_head(c: psycopg.Connection, journal_id: str, head: dict | None) -> None:
        """The head as stored, its MAC as it is (none when the journal has none)."""
        if head is None:
            c.execute("DELETE FROM journal_heads WHERE journal_id = %s", (journal_id,))
            return
        c.execute("INSERT INTO journal_heads (journal_id, count, last_hash, purged_at, mac) "
                  "VALUES (%s, %s, %s, %s, %s) "
                  "ON CONFLICT (journal_id) DO UPDATE SET count = EXCLUDED.count, last_hash = EXCLUDED.last_hash, "
                  "purged_at = EXCLUDED.purged_at, mac = EXCLUDED.mac",
                  (journal_id, head["count"], head["last_hash"], head.get("purged_at"), head["mac"]))

    @staticmethod
    def drop_entries(c: psycopg.Connection, journal_id: str) -> None:
        """A purged dossier's entries (the file store erased them; its head says when)."""
        c.execute("DELETE FROM journal_entries WHERE journal_id = %s", (journal_id,))

    @staticmethod
    def erase(c: psycopg.Connection, dossier_id: str) -> None:
        """Every row of a dossier the file store no longer has (its journal's head stays)."""
        c.execute("DELETE FROM dossier_keys WHERE dossier_id = %s", (dossier_id,))
        for table in DOSSIER_TABLES:
            if table != "journal_entries":
                c.execute(f"DELETE FROM {table} WHERE dossier_id = %s", (dossier_id,))  # noqa: S608 - our names
        c.execute("DELETE FROM dossiers WHERE dossier_id = %s", (dossier_id,))

    # -- the operators' journal and the counts -----------------------------------------------

    @staticmethod
    def journal_state(c: psycopg.Connection, journal_id: str = OPERATORS_JOURNAL) -> DossierRows:
        """A journal's head as stored, how many entries it has, the last one's hash."""
        head, entries, last = c.execute(_JOURNAL, {"d": journal_id}).fetchone()
        return DossierRows(head=head, entries=entries, last_hash=last)

    def counts(self) -> dict[str, int]:
        with self.db.transaction() as c:
            return {name: c.execute(sql).fetchone()[0] for name, sql in COUNTS.items()}
