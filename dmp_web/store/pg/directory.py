"""The directory in PostgreSQL: the same entries as on files, the same search.

An entry ({"actor", "account"}, the file store's row) is a `directory` row of kind 'login' under
its login identifier: a professional's RPPS number or an agent's id share one namespace, so an
id is never two actors. The name search's index is `directory_names`, one row per (3-letter
word prefix, professional): a search reads one prefix's rows and matches the words as files
do. Activation links' digests are `directory` rows of kind 'activation'. An account changes
under its entry's row lock (`SELECT … FOR UPDATE`), so code tries count exactly.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from collections.abc import Iterator

import psycopg
from psycopg.types.json import Jsonb

from ...domain.accounts import Account
from ...domain.actors import Professional
from ..codec import from_row, to_row
from ..directory import _actor, _actor_row, _name_prefixes, name_words, with_carer_dossier
from ..sharded import KeyTaken
from . import Database

_ENTRY = "login"
_ACTIVATION = "activation"


class PgDirectory:
    def __init__(self, db: Database):
        self.db = db

    @staticmethod
    def login_id_of(actor) -> str:
        return actor.rpps if isinstance(actor, Professional) else actor.id

    # -- entries ------------------------------------------------------------------------------

    def _entry(self, c: psycopg.Connection, login_id: str, lock: bool = False) -> dict | None:
        row = c.execute("SELECT record FROM directory WHERE kind = %s AND key = %s" + (" FOR UPDATE" if lock else ""),
                        (_ENTRY, login_id)).fetchone()
        return row[0] if row else None

    def add(self, actor, account: Account, conn: psycopg.Connection | None = None) -> None:
        """A new entry; an identifier that already holds another entry is refused (KeyTaken)."""
        account.login_id = self.login_id_of(actor)
        record = {"actor": _actor_row(actor), "account": to_row(account)}
        with self.db.using(conn) as c:
            made = c.execute("INSERT INTO directory (kind, key, record) VALUES (%s, %s, %s) "
                             "ON CONFLICT DO NOTHING RETURNING 1", (_ENTRY, account.login_id, Jsonb(record))).fetchone()
            if made is None and self._entry(c, account.login_id) != record:
                raise KeyTaken(account.login_id)
            if isinstance(actor, Professional):
                _index_names(c, [(prefix, actor.rpps, actor.name) for prefix in _name_prefixes(actor.name)], [])

    def put_professionals(self, professionals: list[Professional],
                          conn: psycopg.Connection | None = None) -> dict[str, str]:
        """Add or update many professionals in one transaction (the directory import).

        A new one gets an account with no password and no e-mail yet; an existing one keeps its
        account, only the description changes. Returns, by RPPS number, "added", "updated" or
        "unchanged". Rows are inserted and locked in RPPS order, so two imports at once queue
        instead of deadlocking."""
        latest = {p.rpps: p for p in professionals}  # one RPPS twice in a batch: the last, as files
        ordered = sorted(latest)
        outcomes: dict[str, str] = {}
        if not ordered:
            return outcomes
        with self.db.using(conn) as c:
            fresh = [{"actor": _actor_row(latest[rpps]), "account": to_row(Account(
                login_id=rpps, dossier_id="", password_hash="", otp_channel="email"))} for rpps in ordered]
            added = {r[0] for r in c.execute(
                "INSERT INTO directory (kind, key, record) SELECT %s, key, record "
                "FROM unnest(%s::text[], %s::jsonb[]) AS v(key, record) ORDER BY key "
                "ON CONFLICT DO NOTHING RETURNING key", (_ENTRY, ordered, [Jsonb(r) for r in fresh]))}
            others = [rpps for rpps in ordered if rpps not in added]
            existing = dict(c.execute("SELECT key, record FROM directory WHERE kind = %s AND key = ANY(%s) "
                                      "ORDER BY key FOR UPDATE", (_ENTRY, others)).fetchall()) if others else {}
            changed, old_names = {}, {}
            for rpps in others:
                row, actor_row = existing[rpps], _actor_row(latest[rpps])
                if row["actor"] == actor_row:
                    outcomes[rpps] = "unchanged"
                    continue
                outcomes[rpps] = "updated"
                old_names[rpps] = row["actor"].get("name", "")
                changed[rpps] = {**row, "actor": actor_row}
            if changed:
                c.execute("UPDATE directory AS d SET record = v.record "
                          "FROM unnest(%s::text[], %s::jsonb[]) AS v(key, record) WHERE d.kind = %s AND d.key = v.key",
                          (list(changed), [Jsonb(r) for r in changed.values()], _ENTRY))
            put, gone = [], []
            for rpps in ordered:
                if rpps in added:
                    outcomes[rpps] = "added"
                elif outcomes[rpps] == "unchanged":
                    continue
                name = latest[rpps].name
                new_prefixes = _name_prefixes(name)
                gone += [(prefix, rpps) for prefix in _name_prefixes(old_names.get(rpps, "")) - new_prefixes]
                put += [(prefix, rpps, name) for prefix in new_prefixes]
            _index_names(c, put, gone)
        return {p.rpps: outcomes[p.rpps] for p in professionals}

    def professional_ids(self, conn: psycopg.Connection | None = None) -> list[str]:
        """Every professional's RPPS number (a batch job's, never a page's)."""
        with self.db.using(conn) as c:
            return [r[0] for r in c.execute(
                # literals, so that the partial index directory_professionals serves it
                "SELECT key FROM directory WHERE kind = 'login' AND record -> 'actor' ->> 'kind' = 'professional' "
                "ORDER BY key")]

    def active_actor(self, login_id: str, conn: psycopg.Connection | None = None):
        """The actor, unless an operator deactivated the account (or it does not exist)."""
        with self.db.using(conn) as c:
            row = self._entry(c, login_id.strip())
        if row is None or row["account"].get("deactivated_at"):
            return None
        return _actor(row["actor"])

    def actor(self, login_id: str, conn: psycopg.Connection | None = None):
        with self.db.using(conn) as c:
            row = self._entry(c, login_id.strip())
        return _actor(row["actor"]) if row else None

    def account(self, login_id: str, conn: psycopg.Connection | None = None) -> Account | None:
        with self.db.using(conn) as c:
            row = self._entry(c, login_id.strip())
        return from_row(Account, row["account"]) if row else None

    def professional(self, rpps: str, conn: psycopg.Connection | None = None) -> Professional | None:
        actor = self.actor(rpps, conn)
        return actor if isinstance(actor, Professional) else None

    def add_carer_dossier(self, login_id: str, dossier_id: str, conn: psycopg.Connection | None = None) -> None:
        """A carer accepted an invitation: the DMP joins the ones their home page lists."""
        key = login_id.strip()
        with self.db.using(conn) as c:
            row = self._entry(c, key, lock=True)
            if row is None:
                raise KeyError(key)
            c.execute("UPDATE directory SET record = %s WHERE kind = %s AND key = %s",
                      (Jsonb({**row, "actor": with_carer_dossier(row["actor"], dossier_id)}), _ENTRY, key))

    @contextmanager
    def updating_account(self, login_id: str, conn: psycopg.Connection | None = None) -> Iterator[Account]:
        """Change an entry's account under its row's lock (code tries count exactly); KeyError
        for an identifier with no entry, as on files."""
        key = login_id.strip()
        with self.db.using(conn) as c:
            row = self._entry(c, key, lock=True)
            if row is None:
                raise KeyError(key)
            account = from_row(Account, row["account"])
            yield account
            c.execute("UPDATE directory SET record = %s WHERE kind = %s AND key = %s",
                      (Jsonb({**row, "account": to_row(account)}), _ENTRY, key))

    # -- activation links ---------------------------------------------------------------------

    def index_activation(self, digest: str, login_id: str, replaces: str | None = None,
                         conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            if replaces:
                c.execute("DELETE FROM directory WHERE kind = %s AND key = %s", (_ACTIVATION, replaces))
            c.execute("INSERT INTO directory (kind, key, record) VALUES (%s, %s, %s) "
                      "ON CONFLICT (kind, key) DO UPDATE SET record = EXCLUDED.record",
                      (_ACTIVATION, digest, Jsonb({"login_id": login_id})))

    def find_by_activation(self, digest: str, conn: psycopg.Connection | None = None) -> str | None:
        with self.db.using(conn) as c:
            row = c.execute("SELECT record FROM directory WHERE kind = %s AND key = %s",
                            (_ACTIVATION, digest)).fetchone()
        return row[0]["login_id"] if row else None

    def forget_activation(self, digest: str, conn: psycopg.Connection | None = None) -> None:
        with self.db.using(conn) as c:
            c.execute("DELETE FROM directory WHERE kind = %s AND key = %s", (_ACTIVATION, digest))

    # -- the search ---------------------------------------------------------------------------

    def search_professionals(self, text: str, limit: int = 20,
                             conn: psycopg.Connection | None = None) -> list[Professional]:
        """Professionals by RPPS number, or by words of their name (3 letters at least): the
        first word's prefix picks the candidates, every word must begin a word of the name,
        sorted by name (then RPPS), at most `limit`."""
        digits = re.sub(r"\s", "", text)
        if digits.isdigit():
            found = self.professional(digits, conn) if len(digits) == 11 else None
            return [found] if found else []
        words = [w for w in name_words(text) if len(w) >= 3]
        if not words:
            return []
        with self.db.using(conn) as c:
            candidates = c.execute("SELECT rpps, name FROM directory_names WHERE prefix = %s ORDER BY rpps",
                                   (words[0][:3],)).fetchall()
            matches = [rpps for rpps, name in sorted(candidates, key=lambda kv: kv[1])
                       if all(any(n.startswith(w) for n in name_words(name)) for w in words)][:limit]
            if not matches:
                return []
            rows = dict(c.execute("SELECT key, record FROM directory WHERE kind = %s AND key = ANY(%s)",
                                  (_ENTRY, matches)).fetchall())
        found = [_actor(rows[rpps]["actor"]) for rpps in matches if rpps in rows]
        return [p for p in found if isinstance(p, Professional)]


def _index_names(c: psycopg.Connection, put: list[tuple[str, str, str]], gone: list[tuple[str, str]]) -> None:
    """Add (prefix, rpps, name) rows, remove (prefix, rpps) ones: each professional's own rows."""
    if gone:
        c.execute("DELETE FROM directory_names AS n USING unnest(%s::text[], %s::text[]) AS g(prefix, rpps) "
                  "WHERE n.prefix = g.prefix AND n.rpps = g.rpps", ([p for p, _ in gone], [r for _, r in gone]))
    if put:
        put = sorted(put)  # one order for every writer: no deadlock between two imports
        c.execute("INSERT INTO directory_names (prefix, rpps, name) "
                  "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) "
                  "ON CONFLICT (prefix, rpps) DO UPDATE SET name = EXCLUDED.name",
                  ([p for p, _, _ in put], [r for _, r, _ in put], [n for _, _, n in put]))
