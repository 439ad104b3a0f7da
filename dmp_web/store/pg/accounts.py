"""Patients' accounts and creation codes in PostgreSQL: the same records as on files.

An account is a row of `accounts` keyed by its dossier and slot (its record: the file store's
row, as jsonb); its login identifier is a `dossier_keys` row (kind 'login'), whose primary key
makes it unique on every server. `updating` takes the dossier's unit-of-work lock and locks the
account's row (`SELECT … FOR UPDATE`) for the whole change, so two changes of one account take
turns and none is lost.

A creation code is a row of `creation_codes` by NIR, changed under its row lock. A first code
for a NIR is made under the lock of a placeholder row inserted `ON CONFLICT DO NOTHING`: two
servers making it at once queue on that row, and the second sees the first's code.
"""
from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Callable, Iterator

import psycopg
from psycopg.types.json import Jsonb

from ...domain.accounts import Account, CreationCode
from ...domain.credentials import new_login_id
from ..codec import from_row, to_row
from . import Database


def login_key(login_id: str) -> str:
    """As the file store looks a login identifier up."""
    return login_id.strip().lower()


class PgAccountRepository:
    def __init__(self, db: Database):
        self.db = db

    def get(self, dossier_id: str, slot: str = "", conn: psycopg.Connection | None = None) -> Account | None:
        with self.db.using(conn) as c:
            row = c.execute("SELECT record FROM accounts WHERE dossier_id = %s AND slot = %s",
                            (dossier_id, slot)).fetchone()
        return from_row(Account, row[0]) if row else None

    def dossier_of_login(self, login_id: str, conn: psycopg.Connection | None = None) -> str | None:
        """The dossier a login identifier opens (the login index), or None."""
        with self.db.using(conn) as c:
            return _dossier_of_key(c, login_key(login_id))

    def find_by_login(self, login_id: str, conn: psycopg.Connection | None = None) -> Account | None:
        # two lookups, not a join: the index is partitioned by its key, the account by its dossier
        with self.db.using(conn) as c:
            dossier_id = self.dossier_of_login(login_id, c)
            if not dossier_id:
                return None
            # a slot given to someone else (a young adult at 18) no longer answers to the old identifier
            row = c.execute("SELECT record FROM accounts WHERE dossier_id = %s AND lower(login_id) = %s",
                            (dossier_id, login_key(login_id))).fetchone()
            return from_row(Account, row[0]) if row else None

    def add(self, account: Account, conn: psycopg.Connection | None = None) -> Account:
        """Store a new account under a login identifier no one else has (a taken one is drawn
        again; the same identifier for the same dossier is no conflict, as on files)."""
        with self.db.using(conn) as c:
            while True:
                # DO NOTHING waits for a concurrent insert of the key: its outcome decides ours
                made = c.execute("INSERT INTO dossier_keys (kind, key, dossier_id) VALUES ('login', %s, %s) "
                                 "ON CONFLICT DO NOTHING RETURNING 1",
                                 (account.login_id, account.dossier_id)).fetchone()
                if made or _dossier_of_key(c, account.login_id) == account.dossier_id:
                    break
                account.login_id = new_login_id()
            self._write(c, account)
        return account

    def save(self, account: Account, conn: psycopg.Connection | None = None) -> None:
        """Write the account (a unit of work's change); the login index is left as it is, as on files."""
        with self.db.using(conn) as c:
            self._write(c, account)

    def retire_login(self, dossier_id: str, login_id: str, conn: psycopg.Connection | None = None) -> None:
        """The identifier opens nothing any more (a representative's, at the minor's 18)."""
        with self.db.using(conn) as c:
            c.execute("DELETE FROM dossier_keys WHERE kind = 'login' AND key = %s AND dossier_id = %s",
                      (login_key(login_id), dossier_id))

    @staticmethod
    def _write(c: psycopg.Connection, account: Account) -> None:
        c.execute("INSERT INTO accounts (dossier_id, slot, login_id, record) VALUES (%s, %s, %s, %s) "
                  "ON CONFLICT (dossier_id, slot) DO UPDATE SET login_id = EXCLUDED.login_id, record = EXCLUDED.record",
                  (account.dossier_id, account.slot, account.login_id, Jsonb(to_row(account))))

    @contextmanager
    def updating(self, dossier_id: str, slot: str = "", conn: psycopg.Connection | None = None) -> Iterator[Account]:
        """Read, change and write the account in one transaction, its row locked throughout: a
        concurrent change waits, then reads what this one wrote. An error in the block writes
        nothing (its own transaction rolls back; the caller's is the caller's to end).

        On files this is a unit of work of the dossier; here it takes that unit's lock too (the
        dossier's advisory lock, store/pg/unit.py; re-entrant inside a unit), so a unit that
        read the account before cannot write back over this change."""
        with self.db.using(conn) as c:
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (dossier_id,))
            row = c.execute("SELECT record FROM accounts WHERE dossier_id = %s AND slot = %s FOR UPDATE",
                            (dossier_id, slot)).fetchone()
            if row is None:
                raise LookupError(dossier_id)
            account = from_row(Account, row[0])
            yield account
            c.execute("UPDATE accounts SET record = %s WHERE dossier_id = %s AND slot = %s",
                      (Jsonb(to_row(account)), dossier_id, slot))


def _dossier_of_key(c: psycopg.Connection, key: str) -> str | None:
    row = c.execute("SELECT dossier_id FROM dossier_keys WHERE kind = 'login' AND key = %s", (key,)).fetchone()
    return row[0] if row else None


class PgCreationCodeRepository:
    def __init__(self, db: Database):
        self.db = db

    def get(self, nir: str, conn: psycopg.Connection | None = None) -> CreationCode | None:
        with self.db.using(conn) as c:
            row = c.execute("SELECT record FROM creation_codes WHERE nir = %s", (nir,)).fetchone()
        return _code(row[0]) if row else None

    def put(self, code: CreationCode, conn: psycopg.Connection | None = None) -> None:
        """One code per person: a new one replaces (voids) the previous."""
        with self.db.using(conn) as c:
            c.execute("INSERT INTO creation_codes (nir, record) VALUES (%s, %s) "
                      "ON CONFLICT (nir) DO UPDATE SET record = EXCLUDED.record", (code.nir, Jsonb(to_row(code))))

    @staticmethod
    def _locked(c: psycopg.Connection, nir: str) -> tuple[bool, dict | None]:
        """(whether the row exists, its record) with the row locked."""
        row = c.execute("SELECT record FROM creation_codes WHERE nir = %s FOR UPDATE", (nir,)).fetchone()
        return (True, row[0]) if row else (False, None)

    def renew(self, nir: str, change: Callable[[CreationCode | None], CreationCode | None],
              conn: psycopg.Connection | None = None) -> CreationCode | None:
        """Under the row's lock: change(code or None) gives the record to keep, or None to keep
        the one there is; returns what it gave. Called once, whoever else renews at once."""
        # a savepoint in the caller's transaction: a change that raises leaves no placeholder
        with self.db.using(conn) as c, c.transaction():
            placeholder = False
            exists, found = self._locked(c, nir)
            while not exists:
                # No row to lock yet: insert one (JSON null, never committed as such) and lock
                # it. A concurrent first renewal waits on it, then finds the code made here.
                placeholder = c.execute("INSERT INTO creation_codes (nir, record) VALUES (%s, 'null') "
                                        "ON CONFLICT DO NOTHING RETURNING 1", (nir,)).fetchone() is not None
                exists, found = self._locked(c, nir)
            new = change(_code(found))
            if new is not None:
                c.execute("UPDATE creation_codes SET record = %s WHERE nir = %s", (Jsonb(to_row(new)), nir))
            elif placeholder:
                c.execute("DELETE FROM creation_codes WHERE nir = %s", (nir,))
            return new

    def apply(self, nir: str, change, conn: psycopg.Connection | None = None):
        """Run change(code) under the row's lock and keep what it changed (tries, use); return its
        result. With no code there is nothing to lock nor to keep: change(None) alone."""
        with self.db.using(conn) as c:
            code = _code(self._locked(c, nir)[1])
            outcome = change(code)
            if code is not None:
                c.execute("UPDATE creation_codes SET record = %s WHERE nir = %s", (Jsonb(to_row(code)), nir))
            return outcome


def _code(record) -> CreationCode | None:
    # a placeholder (JSON null) is only ever seen by the transaction that made it
    return from_row(CreationCode, record) if record else None
