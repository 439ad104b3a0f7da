"""The PostgreSQL store, for several servers (DMP_DATABASE_URL=postgresql://…).

One pool of connections per process (psycopg 3, psycopg_pool). Repositories write within the
caller's transaction when given one (`Database.using`): a unit of work is one transaction, its
dossier's row locked `FOR UPDATE`, so its changes and journal entries commit together. The schema is made and brought
up to date by versioned SQL files in migrations/, applied in order by `flask --app app
db-upgrade` (migrations.upgrade): each in its own transaction, recorded in `schema_version`,
under an advisory lock so that two servers upgrading at once apply each file once.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from collections.abc import Iterator

import psycopg
from psycopg_pool import ConnectionPool


class Database:
    def __init__(self, url: str, min_size: int = 1, max_size: int = 10, lock_timeout: float = 30.0):
        self.url = url
        self._sizes = (min_size, max_size)
        # As on files (DMP_LOCK_TIMEOUT_SECONDS): a wait for a lock ends, and the request says
        # the service is busy; a transaction left idle by a lost client does not hold its locks.
        self._options = (f"-c lock_timeout={int(lock_timeout * 1000)} "
                         "-c idle_in_transaction_session_timeout=60000 "
                         "-c default_transaction_isolation=read\\ committed")
        self._pool: ConnectionPool | None = None
        self._pid = 0
        self._lock = threading.Lock()

    @property
    def pool(self) -> ConnectionPool:
        """This process's pool, opened at first use: gunicorn loads the app in its master, then
        forks the workers, and a pool's connections and threads do not survive a fork."""
        if self._pool is None or self._pid != os.getpid():
            with self._lock:
                if self._pool is None or self._pid != os.getpid():
                    low, high = self._sizes
                    self._pool = ConnectionPool(self.url, min_size=low, max_size=high, open=True,
                                                kwargs={"autocommit": False, "options": self._options})
                    self._pid = os.getpid()
        return self._pool

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """A connection in one transaction: committed on a clean exit, rolled back on an error."""
        with self.pool.connection() as conn:
            yield conn  # the pool commits on a clean exit and rolls back on an exception

    @contextmanager
    def using(self, conn: psycopg.Connection | None = None) -> Iterator[psycopg.Connection]:
        """The caller's connection (inside a unit of work: its transaction), or a transaction
        of its own. Every PostgreSQL repository method that reads or writes takes `conn=None`
        and goes through here, so one method serves both a unit of work and a lone call."""
        if conn is not None:
            yield conn
        else:
            with self.transaction() as own:
                yield own

    def close(self) -> None:
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None
