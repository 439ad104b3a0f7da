"""Sessions in PostgreSQL: the same sealed records as on files, by the SHA-256 of the id.

A row of `sessions` holds the file store's record (`record`: dates and device in clear, the data
sealed with the sessions' key) beside the columns that find it: its owner (the account, for
« Mon compte » and ending them all) and its dates (the purge: one indexed DELETE). The owner's
listing is those rows, so it can never list a session that is gone nor miss one.
Kept forms are rows of `kept_forms`, one per owner, taken at most once (DELETE … RETURNING).
"""
from __future__ import annotations

import json
from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from ..crypto import Sealer
from ..sessions import SessionRecord
from . import Database


class PgSessionRepository:
    def __init__(self, db: Database, sealer: Sealer):
        self.db = db
        self.sealer = sealer

    def _record(self, row: dict) -> SessionRecord:
        return SessionRecord(
            created_at=datetime.fromisoformat(row["created_at"]), last_seen=datetime.fromisoformat(row["last_seen"]),
            account=row["account"], device=row["device"],
            data=json.loads(self.sealer.open_text(row["data"])) if row["data"] else {},
        )

    def get(self, digest: str, conn: psycopg.Connection | None = None) -> SessionRecord | None:
        with self.db.using(conn) as c:
            row = c.execute("SELECT record FROM sessions WHERE session_digest = %s", (digest,)).fetchone()
        return self._record(row[0]) if row else None

    def put(self, digest: str, record: SessionRecord, previous_account: str | None = None,
            conn: psycopg.Connection | None = None) -> None:
        """Write the session; `previous_account` is the files' hint for their index, not needed
        here: the owner column is the record's account."""
        row = {
            "created_at": record.created_at.isoformat(), "last_seen": record.last_seen.isoformat(),
            "account": record.account, "device": record.device,
            "data": self.sealer.seal_text(json.dumps(record.data, separators=(",", ":"))) if record.data else "",
        }
        with self.db.using(conn) as c:
            c.execute("INSERT INTO sessions (session_digest, owner, created_at, last_used, record) "
                      "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (session_digest) DO UPDATE SET "
                      "owner = EXCLUDED.owner, created_at = EXCLUDED.created_at, last_used = EXCLUDED.last_used, "
                      "record = EXCLUDED.record",
                      (digest, record.account, record.created_at, record.last_seen, Jsonb(row)))

    def delete(self, digest: str, conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            c.execute("DELETE FROM sessions WHERE session_digest = %s", (digest,))

    def of_account(self, account: str, conn: psycopg.Connection | None = None) -> list[tuple[str, SessionRecord]]:
        """The account's sessions, oldest first."""
        with self.db.using(conn) as c:
            rows = c.execute("SELECT session_digest, record FROM sessions WHERE owner = %s "
                             "ORDER BY created_at, session_digest", (account,)).fetchall()
        found = [(digest, self._record(row)) for digest, row in rows]
        return sorted(found, key=lambda item: item[1].created_at)  # as files: by the record's own date

    def listed(self, account: str, conn: psycopg.Connection | None = None) -> list[str]:
        """The digests of the account's sessions, oldest first."""
        if not account:
            return []  # sessions before login belong to no account, as on files
        with self.db.using(conn) as c:
            return [r[0] for r in c.execute("SELECT session_digest FROM sessions WHERE owner = %s "
                                            "ORDER BY created_at, session_digest", (account,))]

    def end(self, account: str, digests: list[str], conn: psycopg.Connection | None = None) -> None:
        """End these sessions (the account's, listed before); one already ended is no harm. As
        on files, a digest is ended whoever owns it now."""
        if not digests:
            return
        with self.db.using(conn) as c:
            c.execute("DELETE FROM sessions WHERE session_digest = ANY(%s)", (list(digests),))

    def end_all(self, account: str, keep: str | None = None, conn: psycopg.Connection | None = None) -> int:
        """End every session of the account (but `keep`, the digest of the one in use); how many."""
        if not account:
            return 0
        with self.db.using(conn) as c:
            return c.execute("DELETE FROM sessions WHERE owner = %s AND session_digest IS DISTINCT FROM %s",
                             (account, keep)).rowcount

    def keep_form(self, account: str, form: dict, at: datetime, conn: psycopg.Connection | None = None) -> None:
        """What a form held when its session had ended: sealed, one per account (the last)."""
        row = {"at": at.isoformat(), "sealed": self.sealer.seal_text(json.dumps(form, ensure_ascii=False))}
        with self.db.using(conn) as c:
            c.execute("INSERT INTO kept_forms (owner, record) VALUES (%s, %s) "
                      "ON CONFLICT (owner) DO UPDATE SET record = EXCLUDED.record", (account, Jsonb(row)))

    def take_form(self, account: str, now: datetime, keep_for, conn: psycopg.Connection | None = None) -> dict | None:
        """The account's kept form, once, if it is younger than `keep_for` (an old one is gone too)."""
        with self.db.using(conn) as c:
            taken = c.execute("DELETE FROM kept_forms WHERE owner = %s RETURNING record", (account,)).fetchone()
        row = taken[0] if taken else None
        if row is None or now - datetime.fromisoformat(row["at"]) > keep_for:
            return None
        return json.loads(self.sealer.open_text(row["sealed"]))

    def purge(self, now: datetime, idle, max_age, conn: psycopg.Connection | None = None) -> int:
        """Delete the sessions that can open nothing any more (idle too long, or too old); how
        many. One statement on the dates' indexes, not a walk."""
        with self.db.using(conn) as c:
            return c.execute("DELETE FROM sessions WHERE last_used < %s OR created_at < %s",
                             (now - idle, now - max_age)).rowcount
