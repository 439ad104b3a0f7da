"""A PostgreSQL 15 for the benchmarks, whose data directory is kept between runs.

The cluster lives in /tmp/bench-pg-cache/cluster (initdb'd once), and is started on a free port
for one run, stopped at its end. Unlike the tests' server (tests/pg_server.py), it keeps the
production's durability: fsync and synchronous_commit on, so a commit waits for its WAL flush.
As root, the server runs as `postgres`, which owns the folder.
"""
from __future__ import annotations

import fcntl
import os
import pwd
import subprocess
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

import psycopg

from tests.pg_server import BIN
from tests.smtp_server import free_port

CACHE = Path("/tmp/bench-pg-cache")
CLUSTER = CACHE / "cluster"
OPTIONS = ("-c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c shared_buffers=1GB "
           "-c max_wal_size=4GB -c checkpoint_timeout=30min -c max_connections=100")


def _run(args: list[str]) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


@contextmanager
def running_cluster() -> Iterator[str]:
    """The URL of the cached cluster's server (database `postgres`), stopped afterwards."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError("another benchmark uses the cluster") from None
        with _started() as url:
            yield url


@contextmanager
def _started() -> Iterator[str]:
    data = CLUSTER / "db"
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        CLUSTER.mkdir(exist_ok=True)
        os.chown(CLUSTER, user.pw_uid, user.pw_gid)
    else:
        CLUSTER.mkdir(exist_ok=True)
    if not (data / "PG_VERSION").exists():
        done = _run([str(BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
        if done.returncode:
            raise RuntimeError(done.stderr)
    if _run([str(BIN / "pg_ctl"), "-D", str(data), "status"]).returncode == 0:  # left by a run cut short
        _run([str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    port = free_port()
    done = _run([str(BIN / "pg_ctl"), "-D", str(data), "-o", f"-k {CLUSTER} -p {port} {OPTIONS}",
                 "-l", str(CLUSTER / "log"), "-w", "-t", "300", "start"])
    if done.returncode:
        raise RuntimeError(done.stderr + done.stdout)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _run([str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])


def database_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + f"/{name}"


def fresh_database(server: str, name: str) -> str:
    """An empty database `name` (dropped first if there), its URL."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(server, name)


def has_database(server: str, name: str) -> bool:
    with psycopg.connect(server, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def settle(url: str) -> None:
    """After a bulk load: statistics, the visibility map, and a checkpoint, so no write-back of
    the load falls on the timings."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        conn.execute("CHECKPOINT")
