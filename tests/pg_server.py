"""A throw-away PostgreSQL 15 on 127.0.0.1 for the tests of the database backend.

initdb into a temporary folder with Debian's binaries, started with pg_ctl on a free port,
settings made for tests (no fsync: the data is thrown away), stopped and deleted afterwards.
initdb refuses to run as root: as root, the server runs as the `postgres` user, which owns the
folder."""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .smtp_server import free_port

BIN = Path("/usr/lib/postgresql/15/bin")


def _run(args: list[str], as_postgres: bool) -> None:
    if as_postgres:
        args = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]
    subprocess.run(args, check=True, capture_output=True, timeout=120)


@contextmanager
def running_postgres():
    """Yield the URL of a fresh PostgreSQL (database `dmp`), and stop it afterwards."""
    if not (BIN / "initdb").exists():
        raise RuntimeError("PostgreSQL 15 is missing: apt-get install -y postgresql-15 (or run bash scripts/test.sh)")
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="dmp-pg-"))
    if as_postgres:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    port = free_port()
    data, log = folder / "db", folder / "log"
    try:
        _run([str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"], as_postgres)
        options = (f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        _run([str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], as_postgres)
        _run([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "dmp"], as_postgres)
        yield f"postgresql://postgres@127.0.0.1:{port}/dmp"
    finally:
        if (data / "postmaster.pid").exists():
            _run([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], as_postgres)
        shutil.rmtree(folder, ignore_errors=True)


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server of `server_url`."""
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def create_database(server_url: str, template: str | None = None) -> str:
    """A new database on that server, empty or a copy of `template` (no one may be connected
    to it: PostgreSQL copies its files); its URL."""
    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    copied = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{copied}')
    return database_url(server_url, name)


def drop_database(url: str) -> None:
    """Drop the database of this URL, whoever is still connected to it."""
    import psycopg

    server_url, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def upgraded_database(url: str, max_size: int = 6):
    """The schema made in this empty database, and a pool on it (close it after)."""
    from dmp_web.store.pg import Database
    from dmp_web.store.pg.migrations import upgrade

    upgrade(url)
    return Database(url, max_size=max_size)
