"""A dossier's journal in PostgreSQL: the same entries, chain and head as on files.

Entries are append-only rows keyed (journal_id, seq) holding the stored form (the private
fields as one token sealed with the dossier's key); the head (count, last hash, its MAC) is a
row of `journal_heads`, locked (`FOR UPDATE`) by an append, so appends of one journal take turns
on every server while other journals go on. The MACs are the domain's (domain/journal.py), so
`journal-check` proves the same things here: an edited, removed or re-chained entry, a cut tail.
"""
from __future__ import annotations

import json
from datetime import datetime

import psycopg
from psycopg.types.json import Jsonb

from ...domain.journal import (
    OPERATOR_ACTIONS, OPERATORS_JOURNAL, Actor, ChainKey, ChainProblem, Head, JournalEntry, check_chain, make_entry,
)
from ..crypto import Sealer, decode_key, encode_key
from ..dossiers import JournalKeyMissing
from ..journal import ChainBroken, HeadForged
from . import Database


# Not by the holder's side (domain/journal.py's HOLDER_SIDE), written as the partial index
# journal_others (migrations/0007) writes it, so that the planner reads that index; the
# contract test (tests/unit/test_journal_backends.py) checks both stores keep the same entries.
_BY_OTHERS = "(stored ->> 'actor_kind') NOT IN ('holder', 'legal_representative')"


class PgJournal:
    def __init__(self, db: Database, sealer: Sealer, chain: ChainKey):
        self.db = db
        self.sealer = sealer
        self.chain = chain

    # -- the dossier's key --------------------------------------------------------------------

    def _dossier_sealer(self, conn: psycopg.Connection, dossier_id: str, create: bool) -> Sealer | None:
        row = conn.execute("SELECT wrapped FROM journal_keys WHERE dossier_id = %s", (dossier_id,)).fetchone()
        if row is None and create:
            head = self._head(conn, dossier_id, lock=False)
            if head is not None and head.count:
                raise JournalKeyMissing(dossier_id)  # never a new key over entries sealed with a lost one
            conn.execute("INSERT INTO journal_keys (dossier_id, wrapped) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                         (dossier_id, self.sealer.seal_text(encode_key(Sealer.generate_key()))))
            row = conn.execute("SELECT wrapped FROM journal_keys WHERE dossier_id = %s", (dossier_id,)).fetchone()
        return Sealer(decode_key(self.sealer.open_text(row[0]))) if row else None

    def _seal_text(self, conn: psycopg.Connection, journal_id: str):
        return self._dossier_sealer(conn, journal_id, create=True).seal_text

    # -- the head -----------------------------------------------------------------------------

    def _head(self, conn: psycopg.Connection, journal_id: str, lock: bool) -> Head | None:
        row = conn.execute("SELECT count, last_hash, purged_at, mac FROM journal_heads WHERE journal_id = %s"
                           + (" FOR UPDATE" if lock else ""), (journal_id,)).fetchone()
        if row is None:
            return None
        head = Head(row[0], row[1], row[2])
        if row[3] != self.chain.head_mac(journal_id, head):
            raise HeadForged(journal_id)
        return head

    def _write_head(self, conn: psycopg.Connection, journal_id: str, head: Head) -> None:
        conn.execute(
            "INSERT INTO journal_heads (journal_id, count, last_hash, purged_at, mac) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (journal_id) DO UPDATE SET count = EXCLUDED.count, last_hash = EXCLUDED.last_hash, "
            "purged_at = EXCLUDED.purged_at, mac = EXCLUDED.mac",
            (journal_id, head.count, head.last_hash, head.purged_at, self.chain.head_mac(journal_id, head)))

    # -- appending ----------------------------------------------------------------------------

    def append_in(self, conn: psycopg.Connection, dossier_id: str, at: datetime, actor: Actor, action: str,
                  **details) -> JournalEntry:
        """Append within the caller's transaction (a unit of work): the head row stays locked
        until it commits, and the entry commits with the change, or neither does."""
        conn.execute("INSERT INTO journal_heads (journal_id, count, last_hash, mac) VALUES (%s, 0, %s, %s) "
                     "ON CONFLICT DO NOTHING", (dossier_id, Head().last_hash, self.chain.head_mac(dossier_id, Head())))
        head = self._head(conn, dossier_id, lock=True)
        if head.count:  # as on files: never append onto a chain whose last entry is not the head's
            last = conn.execute("SELECT stored ->> 'hash' FROM journal_entries WHERE journal_id = %s AND seq = %s",
                                (dossier_id, head.count - 1)).fetchone()
            if last is None or last[0] != head.last_hash:
                raise ChainBroken(dossier_id)
        entry = make_entry(head, dossier_id, self.chain, at, actor, action, seal_text=self._seal_text(conn, dossier_id),
                           **details)
        conn.execute("INSERT INTO journal_entries (journal_id, seq, emergency, stored) VALUES (%s, %s, %s, %s)",
                     (dossier_id, entry.seq, entry.emergency, Jsonb(entry.as_dict())))
        self._write_head(conn, dossier_id, Head(head.count + 1, entry.hash))
        return entry

    def append(self, dossier_id: str, at: datetime, actor: Actor, action: str, **details) -> JournalEntry:
        with self.db.transaction() as conn:
            return self.append_in(conn, dossier_id, at, actor, action, **details)

    def reseal(self, dossier_id: str) -> int:
        """Wrap the dossier's journal key again with the first data key; 1 if it had one. The
        entries, and so the chain, stay as they are."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT wrapped FROM journal_keys WHERE dossier_id = %s FOR UPDATE",
                               (dossier_id,)).fetchone()
            if row is None:
                return 0
            conn.execute("UPDATE journal_keys SET wrapped = %s WHERE dossier_id = %s",
                         (self.sealer.reseal_text(row[0]), dossier_id))
        return 1

    def journal_ids(self) -> list[str]:
        """Every dossier that has a journal head (a batch job's walk, never a page's)."""
        with self.db.transaction() as conn:
            return [r[0] for r in conn.execute(
                "SELECT journal_id FROM journal_heads WHERE journal_id <> %s ORDER BY journal_id",
                (OPERATORS_JOURNAL,))]

    def mark_purged_in(self, conn: psycopg.Connection, dossier_id: str, at_iso: str) -> None:
        """The dossier was erased: its entries went with it; its head stays, saying when."""
        head = self._head(conn, dossier_id, lock=True)
        if head is not None:
            self._write_head(conn, dossier_id, Head(head.count, head.last_hash, at_iso))

    # -- reading ------------------------------------------------------------------------------

    def head(self, dossier_id: str) -> Head | None:
        with self.db.transaction() as conn:
            return self._head(conn, dossier_id, lock=False)

    def stored_row(self, dossier_id: str, seq: int) -> dict | None:
        """Entry `seq` as stored (journal-check --anchor compares its hash)."""
        with self.db.transaction() as conn:
            row = conn.execute("SELECT stored FROM journal_entries WHERE journal_id = %s AND seq = %s",
                               (dossier_id, seq)).fetchone()
        return _as_row(row[0]) if row else None

    def legacy_problem(self, dossier_id: str) -> ChainProblem | None:
        return None  # a database never held the journal files of older versions

    def count(self, dossier_id: str) -> int:
        head = self.head(dossier_id)
        return head.count if head else 0

    def _opened(self, conn: psycopg.Connection, dossier_id: str, rows: list[dict]) -> list[JournalEntry]:
        sealer = self._dossier_sealer(conn, dossier_id, create=False) if rows else None
        opener = sealer.open_text if sealer else None
        return [JournalEntry.from_dict(row, opener) for row in rows]

    def _rows(self, conn: psycopg.Connection, dossier_id: str, start: int, stop: int) -> list[dict]:
        return [_as_row(r[0]) for r in conn.execute(
            "SELECT stored FROM journal_entries WHERE journal_id = %s AND seq >= %s AND seq < %s ORDER BY seq",
            (dossier_id, start, stop))]

    def entries(self, dossier_id: str, start: int = 0, stop: int | None = None) -> list[JournalEntry]:
        """Entries start..stop-1, oldest first (within the head's count): one indexed range."""
        with self.db.transaction() as conn:
            head = self._head(conn, dossier_id, lock=False) or Head()
            stop = head.count if stop is None else min(stop, head.count)
            return self._opened(conn, dossier_id, self._rows(conn, dossier_id, start, stop))

    def emergencies(self, dossier_id: str, upto: int) -> list[JournalEntry]:
        """The emergency entries among the first `upto`, newest first (a partial index)."""
        with self.db.transaction() as conn:
            rows = [_as_row(r[0]) for r in conn.execute(
                "SELECT stored FROM journal_entries WHERE journal_id = %s AND emergency AND seq < %s "
                "ORDER BY seq DESC", (dossier_id, upto))]
            return self._opened(conn, dossier_id, rows)

    def others(self, dossier_id: str, upto: int, skip: int = 0,
               limit: int | None = None) -> tuple[int, list[JournalEntry]]:
        """Among the first `upto` entries, those not by the holder's side: how many, and the
        `limit` newest after skipping `skip`, newest first (the partial index journal_others)."""
        where = f"journal_id = %s AND seq < %s AND {_BY_OTHERS}"
        with self.db.transaction() as conn:
            total = conn.execute(f"SELECT count(*) FROM journal_entries WHERE {where}",
                                 (dossier_id, upto)).fetchone()[0]
            rows = [_as_row(r[0]) for r in conn.execute(
                f"SELECT stored FROM journal_entries WHERE {where} ORDER BY seq DESC OFFSET %s LIMIT %s",
                (dossier_id, upto, skip, limit))]
            return total, self._opened(conn, dossier_id, rows)

    def check(self, dossier_id: str) -> ChainProblem | None:
        """What is wrong with this journal, or None when every entry holds and none is missing."""
        with self.db.transaction() as conn:
            try:
                head = self._head(conn, dossier_id, lock=False)
            except HeadForged:
                return ChainProblem("head_forged")
            if head is None:
                found = conn.execute("SELECT 1 FROM journal_entries WHERE journal_id = %s LIMIT 1",
                                     (dossier_id,)).fetchone()
                return ChainProblem("head_missing") if found else None
            if head.purged_at:
                return None
            rows = [_as_row(r[0]) for r in conn.execute(
                "SELECT stored FROM journal_entries WHERE journal_id = %s ORDER BY seq", (dossier_id,))]
            problem = check_chain(rows, self.chain, dossier_id, head)
            if problem is None and head.count and conn.execute(
                    "SELECT 1 FROM journal_keys WHERE dossier_id = %s", (dossier_id,)).fetchone() is None:
                return ChainProblem("key_missing")
            return problem


def _as_row(stored) -> dict:
    return stored if isinstance(stored, dict) else json.loads(stored)


class PgOperatorsJournal(PgJournal):
    """The operators' journal (journal_id 'operators'): who ran which command. Chained and
    checked like a dossier's; kept in clear, as on files (it names no patient)."""

    def __init__(self, db: Database, chain: ChainKey):
        super().__init__(db, None, chain)

    def _seal_text(self, conn, journal_id):
        return None

    def _opened(self, conn, journal_id, rows):
        return [JournalEntry.from_dict(row) for row in rows]

    def append(self, at: datetime, operator: Actor, action: str, detail: str = "", allowed: bool = True,
               reason: str = "") -> JournalEntry:
        if action not in OPERATOR_ACTIONS:
            raise ValueError(f"not an operator's action: {action!r}")
        return super().append(OPERATORS_JOURNAL, at, operator, action, detail=detail, allowed=allowed, reason=reason)

    def entries(self) -> list[JournalEntry]:
        return super().entries(OPERATORS_JOURNAL)

    def head(self) -> Head | None:
        return super().head(OPERATORS_JOURNAL)

    def stored_row(self, seq: int) -> dict | None:
        return super().stored_row(OPERATORS_JOURNAL, seq)

    def check(self) -> ChainProblem | None:
        with self.db.transaction() as conn:
            try:
                head = self._head(conn, OPERATORS_JOURNAL, lock=False)
            except HeadForged:
                return ChainProblem("head_forged")
            rows = [_as_row(r[0]) for r in conn.execute(
                "SELECT stored FROM journal_entries WHERE journal_id = %s ORDER BY seq", (OPERATORS_JOURNAL,))]
        if head is None:
            return ChainProblem("head_missing") if rows else None
        return check_chain(rows, self.chain, OPERATORS_JOURNAL, head)
